"""Writing replies and announcements to the outbox, inside the deciding transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, insert
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from core.held import REPLIES
from core.members.models import Identity
from core.messages import OutgoingMessage
from core.storage.models import OutboxMessage, OutboxStatus
from core.storage.prepared import Prepared

HANDOVER_LIMIT = 3  # held announcements delivered after a person's next message


def enqueue(
    session: Session,
    *,
    identity: Identity,
    messages: Sequence[OutgoingMessage],
    dedupe_prefix: str,
    now: datetime,
    proactive: bool = False,
) -> list[OutboxMessage]:
    rows = [
        OutboxMessage(
            identity_id=identity.id,  # type: ignore[arg-type]
            platform=identity.platform,
            body=message.to_json(),
            proactive=proactive,
            dedupe_key=f"{dedupe_prefix}:{index}",
            next_attempt_at=now,
            created_at=now,
        )
        for index, message in enumerate(messages)
    ]
    session.add_all(rows)
    session.flush()
    return rows


_INSERT = insert(OutboxMessage.__table__)  # type: ignore[attr-defined]
_REPLY_COLUMNS = (
    "identity_id",
    "platform",
    "body",
    "proactive",
    "status",
    "attempts",
    "dedupe_key",
    "next_attempt_at",
    "created_at",
)
# a batch's replies, run on the cursor (core/storage/prepared.py)
_HELD_INSERT = Prepared(
    insert(OutboxMessage.__table__).values({c: bindparam(c) for c in _REPLY_COLUMNS})  # type: ignore[attr-defined]
)


def enqueue_replies(
    connection: Connection,
    *,
    identity_id: int,
    platform: str,
    messages: Sequence[OutgoingMessage],
    dedupe_prefix: str,
    now: datetime,
    held: HeldReplies | None = None,
) -> None:
    """The hot path's `enqueue`: one Core statement for all of an update's replies, on the
    unit of work's connection (nothing is read back); with `held`, the batch's (core/held.py),
    they are written with every other reply of the batch, in the same order."""
    if not messages:
        return
    rows = [
        {
            "identity_id": identity_id,
            "platform": platform,
            "body": message.to_json(),
            "proactive": False,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "dedupe_key": f"{dedupe_prefix}:{index}",
            "next_attempt_at": now,
            "created_at": now,
        }
        for index, message in enumerate(messages)
    ]
    if held is not None:
        held.hold(identity_id, rows)
    else:
        connection.execute(_INSERT, rows)


class HeldReplies:
    """A batch's replies, written in the order they were made by one statement (a reply
    written twice breaks the dedupe key and rolls the batch back). Written before anything
    else reaches the outbox in the batch (core/held.py), so a person's messages keep their
    order: `release_held` is called after the batch's held writes are written."""

    NAME = REPLIES  # the part's name in the batch's HeldWrites

    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []
        self.identities: set[int] = set()  # whom the held replies are for

    def __bool__(self) -> bool:
        return bool(self.rows)

    def hold(self, identity_id: int, rows: list[dict[str, object]]) -> None:
        self.rows.extend(rows)
        self.identities.add(identity_id)

    def holds_for(self, identity_id: int) -> bool:
        """Whether a reply to this identity waits here (it is their newest outbox row)."""
        return identity_id in self.identities

    def flush(self, connection: Connection) -> None:
        _HELD_INSERT.many(connection, self.rows)
        self.rows.clear()
        self.identities.clear()


def release_held(session: Session, *, identity_id: int, now: datetime) -> int:
    """The person wrote, so their messaging window is open: hand over what was held for them,
    newest first, at most HANDOVER_LIMIT at a time (the rest waits for the next message).
    Held rows of the person's other linked messengers come to this one.

    Called after the replies are enqueued; the held rows are written again behind them so the
    worker, which sends one person's messages in id order, delivers the reply first.
    """
    identity = session.get(Identity, identity_id)
    if identity is None:
        return 0
    # What was held on any of the person's linked messengers comes to the one they wrote on.
    identity_ids = [identity_id]
    if identity.member_id is not None:
        identity_ids = list(
            session.exec(select(Identity.id).where(Identity.member_id == identity.member_id))
        )
    held = session.exec(
        select(OutboxMessage)
        .where(
            col(OutboxMessage.identity_id).in_(identity_ids),
            OutboxMessage.status == OutboxStatus.HELD,
        )
        .order_by(col(OutboxMessage.id).desc())
        .limit(HANDOVER_LIMIT)
    ).all()
    copies = [
        OutboxMessage(
            identity_id=identity_id,
            platform=identity.platform,
            body=row.body,
            proactive=False,
            dedupe_key=row.dedupe_key,
            attempts=row.attempts,
            next_attempt_at=now,
            created_at=row.created_at,
        )
        for row in held
    ]
    for row in held:
        session.delete(row)
    session.flush()
    session.add_all(copies)
    session.flush()
    return len(copies)
