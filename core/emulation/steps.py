"""The steps of pledging in chat, and what they carry between messages."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.chat.steps import FlowState, Step, Steps


class Pledging(Steps, flow="emu_pledge"):
    title = Step(choices=True)
    target = Step()  # a figure typed, or the campaign's own target kept
    confirm = Step(choices=True)


@dataclass
class PledgeState(FlowState):
    campaign_id: int = 0
    title: str = ""
    index: int = 0  # the criterion asked, among those that take a member's target
    targets: dict[str, str] = field(default_factory=dict)  # criterion id -> decimal text


class Reporting(Steps, flow="emu_report"):
    figure = Step()  # a figure typed
    yes_no = Step()  # yes or no; a number typed here is answered in words of its own
    unusual = Step(choices=True)
    evidence = Step()  # a photo


@dataclass
class ReportState(FlowState):
    campaign_id: int = 0
    due: str = ""  # the periods' last day, ISO
    index: int = 0
    pending: str = ""  # a figure waiting to be confirmed


class Evaluating(Steps, flow="emu_eval"):
    value = Step()  # points or a figure typed, or the one in force confirmed
    reason = Step()  # why a figure in force is changed


@dataclass
class EvalState(FlowState):
    block_id: int = 0
    campaign_id: int = 0
    due: str = ""  # the period's last day, ISO
    unit_id: int = 0
    criteria: list[int] = field(default_factory=list)  # the criteria to evaluate, in order
    index: int = 0
    version: int = 0  # the latest evaluation the evaluator was shown (0: none)
    pending: str = ""  # a changed figure waiting for its reason
