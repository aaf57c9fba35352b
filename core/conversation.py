"""Per-identity conversation state with optimistic concurrency.

Two quick messages from one person may be processed at once (two app instances, or a
redelivery racing the original). Each update loads the state with its `version` and saves
with `WHERE version = loaded`: the loser gets `ConcurrencyConflict` and its whole unit of work
is retried, so it sees the winner's step.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core.clock import utcnow
from core.errors import ConcurrencyConflict
from core.storage.models import ConversationState


@dataclass
class Conversation:
    identity_id: int
    flow: str | None = None
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    exists: bool = False

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
    return Conversation(
        identity_id=identity_id,
        flow=row.flow,
        step=row.step,
        data=json.loads(row.data or "{}"),
        version=row.version,
        exists=True,
    )


def save(session: Session, conv: Conversation) -> None:
    """Write the state back, failing if another transaction saved it since it was loaded."""
    data = json.dumps(conv.data, ensure_ascii=False)
    if not conv.exists:
        if conv.flow is None:
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
