"""The quizzes feature's buttons. The only place their payloads are spelt.

Kept short for Telegram's 64 bytes: an answer is ``qa:<attempt>:<question>:<option>``, where
`option` is the option's index as stored (not as shown: the order is shuffled per attempt).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.chat.buttons import CallbackData


@dataclass(frozen=True, slots=True)
class Start(CallbackData, prefix="qz_start"):
    """Start a quiz, or continue the attempt in progress at its next unanswered question."""

    quiz: int


@dataclass(frozen=True, slots=True)
class Answer(CallbackData, prefix="qa"):
    attempt: int
    question: int
    option: int


@dataclass(frozen=True, slots=True)
class Next(CallbackData, prefix="qz_next"):
    attempt: int


@dataclass(frozen=True, slots=True)
class Review(CallbackData, prefix="qz_review"):
    """The answers of a quiz that has closed."""

    quiz: int


@dataclass(frozen=True, slots=True)
class QuizBoard(CallbackData, prefix="qz_board"):
    """The members' leaderboard of one quiz."""

    quiz: int


@dataclass(frozen=True, slots=True)
class Create(CallbackData, prefix="qz_new"):
    """An officer starts writing a short quiz in chat (or goes back to the one being written)."""


@dataclass(frozen=True, slots=True)
class AddQuestion(CallbackData, prefix="qz_add"):
    pass


@dataclass(frozen=True, slots=True)
class Publish(CallbackData, prefix="qz_pub"):
    days: int


@dataclass(frozen=True, slots=True)
class StopDraft(CallbackData, prefix="qz_stop"):
    pass


@dataclass(frozen=True, slots=True)
class AnnounceQuiz(CallbackData, prefix="qz_ann"):
    """An officer tells the quiz's audience that it is open: first the announcement and its
    reach to read (`send` False), then sending it (`send` True)."""

    quiz: int
    send: bool
