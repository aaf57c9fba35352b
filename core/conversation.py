"""Per-identity conversation state with optimistic concurrency.

Two quick messages from one person may be processed at once (two app instances, or a
redelivery racing the original). Each update loads the state with its `version` and saves
with `WHERE version = loaded`: the loser gets `ConcurrencyConflict` and its whole unit of work
is retried, so it sees the winner's step.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core.chat.steps import FlowState, Step
from core.clock import utcnow
from core.errors import ConcurrencyConflict
from core.messages import OutgoingMessage
from core.storage.models import ConversationState

S = TypeVar("S", bound=FlowState)
_PROMPT = "__prompt__"  # where the last offered choices live inside the stored data


@dataclass
class Conversation:
    identity_id: int
    flow: str | None = None
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    exists: bool = False
    prompt: OutgoingMessage | None = None  # the last reply that offered choices
    loaded: str | None = field(default=None, repr=False)  # what was read, to skip a no-op save

    def enter(self, step: Step, state: FlowState | None = None) -> None:
        """Start the flow `step` belongs to, at that step, with its typed state."""
        self.flow, self.step = step.flow, step.name
        self.data = state.to_data() if state is not None else {}

    def move_to(self, step: Step, state: FlowState | None = None) -> None:
        if step.flow != self.flow:
            raise ValueError(f"{step!r} is not a step of flow {self.flow!r}")
        self.step = step.name
        if state is not None:
            self.data = state.to_data()

    def at(self, *steps: Step) -> bool:
        return any((self.flow, self.step) == s.key for s in steps)

    def state(self, kind: type[S]) -> S:
        return kind.from_data(self.data)

    def save_state(self, state: FlowState) -> None:
        self.data = state.to_data()

    def offer(self, prompt: OutgoingMessage | None) -> None:
        """Remember the reply whose choices a typed answer may name next (None: no choices)."""
        self.prompt = prompt

    def start(self, flow: str, step: str, **data: Any) -> None:
        self.flow, self.step, self.data = flow, step, dict(data)

    def goto(self, step: str, **data: Any) -> None:
        self.step = step
        self.data.update(data)

    def end(self) -> None:
        self.flow, self.step, self.data = None, None, {}

    def in_flow(self, flow: str) -> bool:
        return self.flow == flow


def load(session: Session, identity_id: int) -> Conversation:
    row = session.get(ConversationState, identity_id)
    if row is None:
        return Conversation(identity_id=identity_id)
    data = json.loads(row.data or "{}")
    prompt = data.pop(_PROMPT, None)
    return Conversation(
        identity_id=identity_id,
        flow=row.flow,
        step=row.step,
        data=data,
        version=row.version,
        exists=True,
        prompt=OutgoingMessage.from_json(prompt) if prompt else None,
        loaded=_snapshot(row.flow, row.step, row.data or "{}"),
    )


def _serialise(conv: Conversation) -> str:
    data = dict(conv.data)
    if conv.prompt is not None:
        data[_PROMPT] = conv.prompt.to_json()
    return json.dumps(data, ensure_ascii=False)


def _snapshot(flow: str | None, step: str | None, data: str) -> str:
    return f"{flow}\x00{step}\x00{data}"


def save(session: Session, conv: Conversation) -> None:
    """Write the state back, failing if another transaction saved it since it was loaded."""
    data = _serialise(conv)
    if conv.loaded == _snapshot(conv.flow, conv.step, data):
        return
    if not conv.exists:
        if conv.flow is None and conv.prompt is None:
            return
        session.add(
            ConversationState(
                identity_id=conv.identity_id, flow=conv.flow, step=conv.step, data=data, version=1
            )
        )
        try:
            session.flush()
        except IntegrityError as exc:  # the other transaction inserted it first
            raise ConcurrencyConflict(str(exc)) from exc
        conv.exists, conv.version = True, 1
        conv.loaded = _snapshot(conv.flow, conv.step, data)
        return
    result = session.execute(
        update(ConversationState)
        .where(
            ConversationState.identity_id == conv.identity_id,  # type: ignore[arg-type]
            ConversationState.version == conv.version,  # type: ignore[arg-type]
        )
        .values(
            flow=conv.flow, step=conv.step, data=data, version=conv.version + 1, updated_at=utcnow()
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ConcurrencyConflict(f"conversation of identity {conv.identity_id} changed")
    conv.version += 1
    conv.loaded = _snapshot(conv.flow, conv.step, data)
