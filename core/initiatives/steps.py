"""The steps of the initiatives' conversations, and what each carries between messages.

The draft's own row says which step of the submission it is at (`Initiative.draft_step`, the
names of `Submit`'s steps), so a draft is continued where it stopped on any linked messenger.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.chat.steps import FlowState, Step, Steps


class Submit(Steps, flow="initiative"):
    unfinished = Step(choices=True)  # continue the unfinished draft, or start a new one?
    title = Step()
    problem = Step()
    solution = Step()
    benefit_kind = Step(choices=True)
    benefit = Step()
    files = Step(choices=True)  # files are sent; the choices are «Done» and «Pause»
    coauthors = Step(choices=True)  # add a co-author, or no more
    coauthor_name = Step()  # part of a co-author's name, to find them
    coauthor_pick = Step(choices=True)  # one of the members found
    category = Step(choices=True)
    campaign = Step(choices=True)
    confirm = Step(choices=True)


@dataclass
class SubmitState(FlowState):
    initiative: int = 0


class AuthorReply(Steps, flow="initiative_answer"):
    answer = Step()


class Decide(Steps, flow="initiative_review"):
    reason = Step()  # why it is not accepted
    question = Step()  # what the officer asks the authors


@dataclass
class InitiativeState(FlowState):
    """The initiative an author answers about, or an officer decides on."""

    initiative: int = 0


class RewardTableEdit(Steps, flow="reward_table"):
    table = Step()


@dataclass
class RewardTableState(FlowState):
    unit: int = 0
