"""The steps of joining, and what the conversation carries between them."""

from __future__ import annotations

from dataclasses import dataclass

from core.chat.steps import FlowState, Step, Steps


class Joining(Steps, flow="onboarding"):
    code = Step(no_words=True)  # «menu», «trợ giúp» typed here are the commands
    consent = Step(choices=True)  # taking part
    announcements = Step(choices=True)  # a purpose of its own
    public_name = Step(choices=True)  # the name beyond one's own union: a purpose of its own
    name = Step()
    name_confirm = Step()  # the name shown back: kept, typed again, or another name typed
    roster_key = Step()  # a card number, a phone or a birth date, to find them on the roster
    group = Step(choices=True)
    leader = Step(choices=True)
    language = Step(choices=True)


@dataclass
class JoiningState(FlowState):
    locale: str | None = None  # the language chosen before joining
    code: str = ""
    unit_id: int | None = None
    roster_tries: int = 0
    roster_done: bool = False  # found, or gone on without being found
    name: str = ""  # the name typed, waiting to be confirmed


class Forgetting(Steps, flow="forget"):
    confirm = Step(choices=True)


class Renaming(Steps, flow="rename"):
    name = Step()
    confirm = Step()  # the new name shown back: kept, typed again, or another name typed


@dataclass
class RenamingState(FlowState):
    name: str = ""  # the new name, waiting to be confirmed
