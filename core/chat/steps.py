"""Typed conversation steps and state (after aiogram's `StatesGroup`).

A guided conversation declares its steps once, and the data it carries between them as a
dataclass::

    class Nominate(Steps, flow="commend"):
        who = Step()                 # free input: a name is typed
        adhoc = Step(choices=True)   # only one of the offered choices is an answer

    @dataclass
    class NominateState(FlowState):
        ids: list[int] = field(default_factory=list)
        reason: str = ""

    ctx.conv.enter(Nominate.who, NominateState())
    state = ctx.conv.state(NominateState)
    ctx.conv.move_to(Nominate.adhoc, state)

Handlers register per step (`router.step(Nominate.who)`). In a step declared with
``choices=True`` the dispatcher accepts a tap, the number, the letter or the label typed
(see `core.chat.choices`) and re-asks with the choices for anything else; in a free step a
typed label still counts as its button, and any other text goes to the step's handler. A
command's word typed without its slash («menu», «hủy») is the command at a step of choices,
and at a free step only when it is declared ``no_words=True`` (an invite code is never such a
word; a name, a figure or an initiative's text might be).
"""

from __future__ import annotations

import dataclasses
import typing
from functools import cache
from typing import Any, ClassVar, Self

_flows: dict[str, type[Steps]] = {}


class Step:
    def __init__(self, *, choices: bool = False, no_words: bool = False) -> None:
        self.choices_only = choices
        # a free step none of whose answers is a command's word («menu», «trợ giúp»): such a
        # word typed there is the command (`core.dispatch`), as at a step of choices
        self.no_words = no_words
        self.flow = ""
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @property
    def key(self) -> tuple[str, str]:
        return self.flow, self.name

    def __repr__(self) -> str:
        return f"<Step {self.flow}:{self.name}>"


class Steps:
    """A conversation's steps; subclass with ``flow="name"`` (stored in the conversation row)."""

    __flow__: ClassVar[str]
    __steps__: ClassVar[dict[str, Step]]

    def __init_subclass__(cls, flow: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if flow in _flows and _flows[flow].__qualname__ != cls.__qualname__:
            raise ValueError(f"flow {flow!r} is declared twice")
        _flows[flow] = cls
        cls.__flow__ = flow
        cls.__steps__ = {}
        for name, value in vars(cls).items():
            if isinstance(value, Step):
                value.flow = flow
                cls.__steps__[name] = value


def step_of(flow: str | None, name: str | None) -> Step | None:
    """The declared step a stored conversation is at, if any."""
    group = _flows.get(flow or "")
    return group.__steps__.get(name or "") if group is not None else None


class FlowState:
    """Base of a conversation's typed data (a dataclass); stored as JSON between messages.

    Fields hold JSON values: int, str, float, bool, None, and lists or dicts of them.
    """

    def to_data(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Self:
        names = _field_names(cls)
        return cls(**{k: v for k, v in data.items() if k in names})


@cache
def _field_names(cls: type) -> frozenset[str]:
    typing.get_type_hints(cls)  # fails early on a state that cannot be read back
    return frozenset(f.name for f in dataclasses.fields(cls))
