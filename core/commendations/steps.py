"""The steps of proposing a commendation and of rejecting one, and what each carries."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.chat.steps import FlowState, Step, Steps


class Proposing(Steps, flow="commend"):
    who = Step()  # part of a name is typed; the people found are offered
    team = Step()
    reason = Step()
    adhoc = Step(choices=True)  # «Có, đột xuất» / «Không» / «Hủy»: "co" is a yes
    form = Step(choices=True)  # an officer's direct commendation: its form, or none
    level = Step(choices=True)  # and the level that issues it, when more than one may


@dataclass
class ProposingState(FlowState):
    ids: list[int] = field(default_factory=list)
    team: str | None = None
    reason: str = ""
    adhoc: bool = False
    form: str | None = None


class Rejecting(Steps, flow="commend_reject"):
    reason = Step()


@dataclass
class RejectingState(FlowState):
    commendation: int = 0
