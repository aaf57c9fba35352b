"""The steps of the campaigns feature's conversations, and what each carries between them."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.broadcasts.models import BroadcastKind
from core.chat.steps import FlowState, Step, Steps


class Creating(Steps, flow="camp_new"):
    title = Step()
    description = Step()
    criteria = Step()
    unit = Step(choices=True)
    subtree = Step(choices=True)
    groups = Step(choices=True)
    dates = Step()
    preview = Step(choices=True)


@dataclass
class DraftState(FlowState):
    title: str = ""
    description: str = ""
    criteria: str = ""
    unit_id: int | None = None
    subtree: bool = True
    groups: list[str] = field(default_factory=list)
    starts: str = ""  # ISO dates
    ends: str = ""


class Editing(Steps, flow="camp_edit"):
    field = Step(choices=True)
    value = Step()


@dataclass
class EditState(FlowState):
    campaign_id: int = 0
    field: str = ""


class Announcing(Steps, flow="announce"):
    unit = Step(choices=True)
    text = Step()
    confirm = Step(choices=True)
    when = Step()


@dataclass
class AnnounceState(FlowState):
    kind: str = BroadcastKind.MESSAGE  # LAUNCH launches the campaign with the announcement
    campaign_id: int | None = None
    unit_id: int | None = None
    subtree: bool = True
    nonce: str = ""  # one per announcement started: confirming twice sends once
    text: str = ""
    when: str | None = None  # ISO datetime of a scheduled send

    @property
    def launch(self) -> bool:
        return self.kind == BroadcastKind.LAUNCH


class Closing(Steps, flow="camp_close"):
    confirm = Step(choices=True)


@dataclass
class CloseState(FlowState):
    campaign_id: int = 0
