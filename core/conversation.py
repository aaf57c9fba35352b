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

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core.chat.steps import FlowState, Step
from core.clock import utcnow
from core.errors import ConcurrencyConflict
from core.messages import OutgoingMessage
from core.storage.models import ConversationState
from core.storage.prepared import Prepared

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
    stored: str | None = field(default=None, repr=False)  # `data` as last read or written

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

    def locale_hint(self) -> str | None:
        """The language a person chose before they joined (kept in the state's `locale`)."""
        value = self.data.get("locale")
        return value if isinstance(value, str) else None

    def hint_locale(self, locale: str) -> None:
        self.data["locale"] = locale

    def end(self) -> None:
        self.flow, self.step, self.data = None, None, {}


_TABLE = ConversationState.__table__  # type: ignore[attr-defined]
_LOAD = select(_TABLE.c.flow, _TABLE.c.step, _TABLE.c.data, _TABLE.c.version).where(
    _TABLE.c.identity_id == bindparam("identity_id")
)
_COLUMNS = ("identity_id", "flow", "step", "data", "version", "updated_at")
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
# run on the cursor (core/storage/prepared.py), a batch's states at once
_HELD_INSERT = Prepared(insert(_TABLE).values({c: bindparam(c) for c in _COLUMNS}))
# one identity's states saved twice in a batch run one after the other (`key`)
_HELD_UPDATE = Prepared(_UPDATE, key=("b_identity_id",))


def from_row(
    identity_id: int, flow: str | None, step: str | None, data: str | None, version: int | None
) -> Conversation:
    """The state from its row's columns, as a query of the caller's read them (processing
    reads them with the identity); `version` None: no row yet."""
    if version is None:
        return Conversation(identity_id=identity_id)
    stored = json.loads(data or "{}")
    prompt = stored.pop(_PROMPT, None)
    return Conversation(
        identity_id=identity_id,
        flow=flow,
        step=step,
        data=stored,
        version=version,
        exists=True,
        prompt=OutgoingMessage.from_json(prompt) if prompt else None,
        loaded=_snapshot(flow, step, data or "{}"),
        stored=data or "{}",
    )


def as_row(conv: Conversation) -> tuple[str | None, str | None, str | None, int | None]:
    """What `from_row` takes, as the state was last saved (or read, if nothing changed it)."""
    if not conv.exists:
        return None, None, None, None
    return conv.flow, conv.step, conv.stored, conv.version


def load(session: Session, identity_id: int) -> Conversation:
    row = session.connection().execute(_LOAD, {"identity_id": identity_id}).first()
    if row is None:
        return Conversation(identity_id=identity_id)
    return from_row(identity_id, *row)


def _serialise(conv: Conversation) -> str:
    data = dict(conv.data)
    if conv.prompt is not None:
        data[_PROMPT] = conv.prompt.to_json()
    return json.dumps(data, ensure_ascii=False)


def _snapshot(flow: str | None, step: str | None, data: str) -> str:
    return f"{flow}\x00{step}\x00{data}"


def save(session: Session, conv: Conversation, held: HeldStates | None = None) -> None:
    """Write the state back, failing if another transaction saved it since it was loaded.

    A state that nothing changed is not written: an update that only read it is ordered
    before the one that changed it, which is what serial processing would have done. Core
    statements compiled once, on the unit of work's connection. With `held`, the batch's
    (core/held.py), the statement waits to be written with the batch's other states.
    """
    data = _serialise(conv)
    snapshot = _snapshot(conv.flow, conv.step, data)
    if conv.loaded == snapshot:
        return
    if not conv.exists:
        if conv.flow is None and conv.prompt is None:
            return
        row = {
            "identity_id": conv.identity_id,
            "flow": conv.flow,
            "step": conv.step,
            "data": data,
            "version": 1,
            "updated_at": utcnow(),
        }
        if held is not None:
            held.inserts.append(row)
        else:
            _insert(session.connection(), [row])
        conv.exists, conv.version, conv.loaded, conv.stored = True, 1, snapshot, data
        return
    change = {
        "b_identity_id": conv.identity_id,
        "b_version": conv.version,
        "flow": conv.flow,
        "step": conv.step,
        "data": data,
        "version": conv.version + 1,
        "updated_at": utcnow(),
    }
    if held is not None:
        held.updates.append(change)
    elif session.connection().execute(_UPDATE, change).rowcount != 1:
        raise ConcurrencyConflict(f"conversation of identity {conv.identity_id} changed")
    conv.version += 1
    conv.loaded, conv.stored = snapshot, data


def _insert(connection: Connection, rows: list[dict[str, Any]]) -> None:
    try:
        _HELD_INSERT.many(connection, rows)
    except IntegrityError as exc:  # the other transaction inserted it first: the whole
        # unit of work is retried (on PostgreSQL the transaction is aborted anyway)
        raise ConcurrencyConflict(str(exc)) from exc


class HeldStates:
    """A batch's saved states, written together: the new rows first, then the changes in
    the order they were made (a person's second update in the batch changes the version
    their first one wrote). A change that finds another version fails the batch, which is
    then processed one update at a time."""

    def __init__(self) -> None:
        self.inserts: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []

    def __bool__(self) -> bool:
        return bool(self.inserts or self.updates)

    def flush(self, connection: Connection) -> None:
        if self.inserts:
            _insert(connection, self.inserts)
        if self.updates:
            changed = _HELD_UPDATE.many(connection, self.updates)
            if changed != len(self.updates):
                raise ConcurrencyConflict(f"{len(self.updates) - changed} conversations changed")
        self.inserts.clear()
        self.updates.clear()
