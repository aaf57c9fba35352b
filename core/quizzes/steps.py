"""The steps of taking a quiz and of writing one in chat, and what each carries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.chat.steps import FlowState, Step, Steps


class Taking(Steps, flow="quiz"):
    question = Step(choices=True)  # the options: tapped, or typed as letter, number or text
    answered = Step(choices=True)  # the feedback, with «Next question»


@dataclass
class TakingState(FlowState):
    quiz: int = 0
    attempt: int = 0


class Authoring(Steps, flow="quiz_author"):
    title = Step()
    question = Step()
    options = Step()
    explanation = Step()
    review = Step(choices=True)  # add a question, open the quiz for some days, or stop


@dataclass
class AuthoringState(FlowState):
    title: str = ""
    question: str = ""  # the question being written
    options: list[str] = field(default_factory=list)
    correct: str = ""  # "1;3": the positions of the correct options, from 1
    questions: list[dict[str, Any]] = field(default_factory=list)  # the ones added
