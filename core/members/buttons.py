"""The members feature's buttons: joining, and the main menu. The only place their payloads
are spelt."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.chat.buttons import CallbackData
from core.members.models import ConsentPurpose, WorkerGroup


class MenuItem(StrEnum):
    CAMPAIGNS = "campaigns"
    QUIZ = "quiz"
    INITIATIVE = "initiative"
    LEADERBOARD = "leaderboard"
    OFFICER = "officer"  # shown to officers only
    PROFILE = "profile"
    HELP = "help"
    MAIN = "main"


@dataclass(frozen=True, slots=True)
class Menu(CallbackData, prefix="menu"):
    """A main-menu entry; each feature registers the handler of its own item."""

    item: MenuItem


@dataclass(frozen=True, slots=True)
class Interface(CallbackData, prefix="onb_ui"):
    """Switch the language of the questions while joining."""

    locale: str


@dataclass(frozen=True, slots=True)
class Consent(CallbackData, prefix="onb_ok"):
    agree: bool


@dataclass(frozen=True, slots=True)
class Purpose(CallbackData, prefix="onb_pur"):
    """Joining: the answer for one purpose other than taking part (each asked on its own)."""

    purpose: ConsentPurpose
    agree: bool


@dataclass(frozen=True, slots=True)
class JoinName(CallbackData, prefix="onb_name"):
    """Joining: the name shown back is right (keep), or is to be typed again."""

    keep: bool


@dataclass(frozen=True, slots=True)
class RosterSkip(CallbackData, prefix="onb_skip"):
    """Go on joining without being found on the roster."""


@dataclass(frozen=True, slots=True)
class Group(CallbackData, prefix="onb_group"):
    group: WorkerGroup


@dataclass(frozen=True, slots=True)
class Leader(CallbackData, prefix="onb_lead"):
    leader: bool


@dataclass(frozen=True, slots=True)
class Language(CallbackData, prefix="onb_lang"):
    locale: str


@dataclass(frozen=True, slots=True)
class AskLanguage(CallbackData, prefix="lang_ask"):
    pass


@dataclass(frozen=True, slots=True)
class SetLanguage(CallbackData, prefix="lang"):
    locale: str


class PrivacyAction(StrEnum):
    MYDATA = "mydata"
    FILE = "file"  # /mydata as a file, through a one-time link
    MENU = "menu"
    FORGET = "forget_yes"
    KEEP = "forget_no"


@dataclass(frozen=True, slots=True)
class Privacy(CallbackData, prefix="privacy"):
    action: PrivacyAction


@dataclass(frozen=True, slots=True)
class NewName(CallbackData, prefix="rename"):
    """/name: the new name shown back is right (keep), or is to be typed again."""

    keep: bool


@dataclass(frozen=True, slots=True)
class ConsentChoice(CallbackData, prefix="privacy_c"):
    """/consents: give or withdraw one purpose."""

    purpose: ConsentPurpose
    agree: bool
