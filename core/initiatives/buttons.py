"""The initiatives feature's buttons: the guided submission, the authors' answers, the
officers' review and the month's report. The only place their payloads are spelt."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.chat.buttons import CallbackData
from core.initiatives.rules import BenefitKind


class DraftAction(StrEnum):
    RESUME = "resume"  # continue the unfinished draft
    RESTART = "restart"  # throw it away and start a new one
    PAUSE = "pause"  # leave, keeping the draft
    FILES_DONE = "files"  # no more files
    ADD_COAUTHOR = "co_add"  # type a co-author's name
    COAUTHORS_DONE = "co_done"  # no more co-authors
    SUBMIT = "submit"
    SUBMIT_HIDDEN = "submit_hidden"  # send, without my name in announcements
    DISCARD = "discard"


@dataclass(frozen=True, slots=True)
class Draft(CallbackData, prefix="ini_d"):
    """A step of the draft moves on (or the draft is paused, sent, discarded)."""

    action: DraftAction


@dataclass(frozen=True, slots=True)
class Benefit(CallbackData, prefix="ini_bk"):
    """How the expected benefit is measured."""

    kind: BenefitKind


@dataclass(frozen=True, slots=True)
class Coauthor(CallbackData, prefix="ini_co"):
    member: int


@dataclass(frozen=True, slots=True)
class Category(CallbackData, prefix="ini_cat"):
    key: str  # a key of texts.CATEGORIES


@dataclass(frozen=True, slots=True)
class Campaign(CallbackData, prefix="ini_camp"):
    campaign: int | None  # None: not part of a campaign


@dataclass(frozen=True, slots=True)
class Answer(CallbackData, prefix="ini_ans"):
    """An author answers the officer's question about an initiative."""

    initiative: int


class Decision(StrEnum):
    VIEW = "view"
    ACCEPT = "acc"  # shows what accepting pays, to confirm
    ACCEPT_CONFIRMED = "acy"
    REJECT = "rej"
    ASK = "ask"
    ASSIGN = "asg"
    APPLIED = "app"


@dataclass(frozen=True, slots=True)
class Review(CallbackData, prefix="ini_rv"):
    """An officer's decision on an initiative (or its card, to decide)."""

    decision: Decision
    initiative: int


@dataclass(frozen=True, slots=True)
class AssignTo(CallbackData, prefix="ini_asg"):
    initiative: int
    officer: int


@dataclass(frozen=True, slots=True)
class MonthReport(CallbackData, prefix="ini_report"):
    """This month's report of initiatives and commendations (answered by core.reports)."""


@dataclass(frozen=True, slots=True)
class StopEditing(CallbackData, prefix="ini_stop"):
    """Leave the reward table without changing it."""
