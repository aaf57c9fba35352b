"""The steps of an officer's correction of a join request before approving it."""

from __future__ import annotations

from dataclasses import dataclass

from core.chat.steps import FlowState, Step, Steps


class Editing(Steps, flow="join_edit"):
    group = Step(choices=True)
    post = Step(choices=True)


@dataclass
class EditingState(FlowState):
    request: int = 0
    group: str = ""
