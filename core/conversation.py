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

from sqlalchemy import bindparam, insert, select, update
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
    _saved: tuple[str | None, str | None, str] | None = field(
        default=None, repr=False, compare=False
    )  # as last loaded or saved

    def start(self, flow: str, step: str, **data: Any) -> None:
        self.flow, self.step, self.data = flow, step, dict(data)

    def goto(self, step: str, **data: Any) -> None:
        self.step = step
        self.data.update(data)

    def end(self) -> None:
        self.flow, self.step, self.data = None, None, {}

    def in_flow(self, flow: str) -> bool:
        return self.flow == flow


_TABLE = ConversationState.__table__  # type: ignore[attr-defined]
_LOAD = select(_TABLE.c.flow, _TABLE.c.step, _TABLE.c.data, _TABLE.c.version).where(
    _TABLE.c.identity_id == bindparam("identity_id")
)
_INSERT = insert(_TABLE)
_UPDATE = (
    update(_TABLE)
    .where(
        _TABLE.c.identity_id == bindparam("b_identity_id"),
        _TABLE.c.version == bindparam("b_version"),
    )
    .values(
        flow=bindparam("flow"),
        step=bindparam("step"),
        data=bindparam("data"),
        version=bindparam("version"),
        updated_at=bindparam("updated_at"),
    )
)


def from_row(
    identity_id: int, flow: str | None, step: str | None, data: str | None, version: int | None
) -> Conversation:
    """The state as read by a query of the caller's (processing reads it with the identity);
    `version` None: no row yet."""
    if version is None:
        return Conversation(identity_id=identity_id)
    conv = Conversation(
        identity_id=identity_id,
        flow=flow,
        step=step,
        data=json.loads(data or "{}"),
        version=version,
        exists=True,
    )
    conv._saved = _persisted(conv)
    return conv


def as_row(conv: Conversation) -> tuple[str | None, str | None, str | None, int | None]:
    """What `from_row` takes, as the state stands (after a save: as stored)."""
    if not conv.exists:
        return None, None, None, None
    return conv.flow, conv.step, json.dumps(conv.data, ensure_ascii=False), conv.version


def load(session: Session, identity_id: int) -> Conversation:
    row = session.connection().execute(_LOAD, {"identity_id": identity_id}).first()
    if row is None:
        return Conversation(identity_id=identity_id)
    return from_row(identity_id, *row)


def _persisted(conv: Conversation) -> tuple[str | None, str | None, str]:
    """What a row holds of the state: compared to skip saving a state nothing changed."""
    return conv.flow, conv.step, json.dumps(conv.data, ensure_ascii=False, sort_keys=True)


def save(session: Session, conv: Conversation) -> None:
    """Write the state back, failing if another transaction saved it since it was loaded.

    A state that nothing changed is not written: an update that only read it is ordered
    before the one that changed it, which is what serial processing would have done.
    """
    persisted = _persisted(conv)
    if persisted == conv._saved:
        return
    flow, step, data = persisted
    connection = session.connection()
    if not conv.exists:
        if conv.flow is None:
            return
        try:
            connection.execute(
                _INSERT,
                {
                    "identity_id": conv.identity_id,
                    "flow": flow,
                    "step": step,
                    "data": data,
                    "version": 1,
                    "updated_at": utcnow(),
                },
            )
        except IntegrityError as exc:  # the other transaction inserted it first: the whole
            # unit of work is retried (on PostgreSQL the transaction is aborted anyway)
            raise ConcurrencyConflict(str(exc)) from exc
        conv.exists, conv.version, conv._saved = True, 1, persisted
        return
    result = connection.execute(
        _UPDATE,
        {
            "b_identity_id": conv.identity_id,
            "b_version": conv.version,
            "flow": flow,
            "step": step,
            "data": data,
            "version": conv.version + 1,
            "updated_at": utcnow(),
        },
    )
    if result.rowcount != 1:
        raise ConcurrencyConflict(f"conversation of identity {conv.identity_id} changed")
    conv.version += 1
    conv._saved = persisted
