"""Quizzes, their questions, members' attempts and answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.storage.types import UTCDateTime


class Quiz(SQLModel, table=True):
    """A quiz of a unit: members of that unit and of the units below it may take it. A quiz
    of a campaign is for the campaign's audience while the campaign runs, and its points count
    in the campaign's leaderboard."""

    __tablename__ = "quiz"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused (issue 15)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="union_unit.id", index=True)
    campaign_id: int | None = Field(
        default=None, foreign_key="campaign.id", index=True, ondelete="SET NULL"
    )
    title: str = Field(max_length=200)
    opens_at: datetime = Field(sa_type=UTCDateTime)
    closes_at: datetime = Field(sa_type=UTCDateTime)
    question_seconds: int | None = Field(default=30)  # None: no time limit
    attempts_allowed: int = 1
    base_points: int = 1000
    speed_bonus: bool = True
    streak_bonus: bool = False
    shuffle_options: bool = True
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_type=UTCDateTime)


class QuizQuestion(SQLModel, table=True):
    __tablename__ = "quiz_question"
    __table_args__ = (UniqueConstraint("quiz_id", "position", name="uq_quiz_question_position"),)

    id: int | None = Field(default=None, primary_key=True)
    quiz_id: int = Field(foreign_key="quiz.id", ondelete="CASCADE")
    position: int  # 1, 2, 3 ... in the order the quiz asks them
    text: str = Field(sa_column=Column(Text, nullable=False))
    options: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of 2–6 strings
    correct: str = Field(max_length=32)  # indexes of the correct options, e.g. "0,2"
    explanation: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class QuizAttempt(SQLModel, table=True):
    """One member's go at a quiz, whichever messenger they use (keyed by member)."""

    __tablename__ = "quiz_attempt"
    __table_args__ = (
        UniqueConstraint("quiz_id", "member_id", "number", name="uq_quiz_attempt_number"),
        Index("ix_quiz_attempt_member", "member_id", "quiz_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    quiz_id: int = Field(foreign_key="quiz.id", ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", ondelete="RESTRICT")
    number: int = 1
    position: int = 0  # the question being asked now (0: none yet)
    asked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    streak: int = 0
    score: int = 0
    correct_count: int = 0
    started_at: datetime = Field(sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class QuizAnswer(SQLModel, table=True):
    """At most one answer per attempt and question: a double tap or a redelivery scores once."""

    __tablename__ = "quiz_answer"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id", name="uq_quiz_answer_once"),)

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="quiz_attempt.id", ondelete="CASCADE")
    question_id: int = Field(foreign_key="quiz_question.id", ondelete="CASCADE")
    option: int | None = None  # the original index of the chosen option (None: timed out)
    correct: bool = False
    late: bool = False
    elapsed_ms: int = 0
    points: int = 0
    answered_at: datetime = Field(sa_type=UTCDateTime)


class QuizFormerTaker(SQLModel, table=True):
    """The attempts of a person who sent /forget while the quiz was open, so that rejoining
    does not give them the quiz again for full points. `taker` is a keyed hash (HMAC-SHA256
    with the product's privacy key) of the quiz and one of the messenger accounts they had:
    it names nobody and cannot be turned back into the account without the key. Deleted when
    the quiz closes (the purge)."""

    __tablename__ = "quiz_former_taker"
    __table_args__ = (UniqueConstraint("quiz_id", "taker", name="uq_quiz_former_taker"),)

    id: int | None = Field(default=None, primary_key=True)
    quiz_id: int = Field(foreign_key="quiz.id", ondelete="CASCADE")
    taker: str = Field(max_length=64)
    attempts: int = 1
