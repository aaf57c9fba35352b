"""The inbound table: store parsed updates once, claim them for processing."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import col

from core.errors import StoreUnavailable
from core.messages import IncomingMessage, RawUpdate
from core.storage.models import InboundStatus, InboundUpdate
from core.storage.prepared import Prepared
from core.storage.upsert import insert_for

PROCESSING = "processing"


def _insert_ignoring_duplicates(engine: Engine) -> Any:
    return insert_for(engine, InboundUpdate).on_conflict_do_nothing(
        index_elements=["platform", "external_id"]
    )


def safe_id(value: str) -> str:
    """PostgreSQL text cannot hold NUL; ids longer than the column are kept distinct."""
    value = value.replace("\x00", "\ufffd")
    if len(value) <= 128:
        return value
    return value[:64] + "#" + hashlib.sha256(value.encode()).hexdigest()[:63]


def _row(
    platform: str, external_id: str, sender_id: str, body: str, raw: bool, now: datetime
) -> dict[str, object]:
    return {
        "platform": platform,
        "external_id": safe_id(external_id),
        "sender_id": sender_id,
        "body": body,
        "raw": raw,
        "status": InboundStatus.PENDING,
        "attempts": 0,
        "received_at": now,
    }


def store(engine: Engine, messages: Sequence[IncomingMessage], now: datetime) -> int:
    """Insert the messages; the platform's retries hit the unique key and are dropped.

    Returns how many were new. Raises StoreUnavailable when the database cannot be written.
    """
    if not messages:
        return 0
    rows = [
        _row(m.platform, m.external_id, safe_id(m.sender_id), m.to_json(), False, now)
        for m in messages
    ]
    try:
        with engine.begin() as conn:
            new = 0
            statement = _insert_ignoring_duplicates(engine).returning(InboundUpdate.id)
            for row in rows:
                new += len(conn.execute(statement, row).all())
            return new
    except OperationalError as exc:
        raise StoreUnavailable(str(exc.orig)) from exc


def store_raw(
    engine: Engine,
    updates: Sequence[RawUpdate],
    now: datetime,
    *,
    received: Sequence[datetime] | None = None,
) -> None:
    """Insert updates as the platform sent them, in one statement run for all of them (the
    webhook's hot path: no per-row round trip, no RETURNING). Duplicates are dropped by the
    unique key. `received`: each update's time of arrival, when it came before `now` (from
    the inbound spool). Raises StoreUnavailable when the database cannot be written."""
    if not updates:
        return
    times = received if received is not None else [now] * len(updates)
    rows = [
        _row(u.platform, u.external_id, "", u.body.replace("\x00", "\ufffd"), True, at)
        for u, at in zip(updates, times, strict=True)
    ]
    try:
        with engine.begin() as conn:
            conn.execute(_insert_ignoring_duplicates(engine), rows)
    except OperationalError as exc:
        raise StoreUnavailable(str(exc.orig)) from exc


@dataclass(frozen=True)
class Claimed:
    """An update taken for processing, with what processing needs to read it."""

    id: int
    platform: str
    sender_id: str
    body: str | None
    raw: bool
    received_at: datetime


_T = InboundUpdate.__table__  # type: ignore[attr-defined]
_CLAIMED_COLUMNS = (_T.c.id, _T.c.platform, _T.c.sender_id, _T.c.body, _T.c.raw, _T.c.received_at)
_DUE = or_(
    _T.c.status == InboundStatus.PENDING,
    (_T.c.status == PROCESSING) & (_T.c.lease_until < bindparam("now")),
)
_CLAIM = (
    update(_T)
    .where(
        _T.c.id.in_(
            select(_T.c.id)
            .where(_DUE)
            .order_by(_T.c.id)
            .limit(bindparam("limit"))
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
    )
    .values(status=PROCESSING, lease_until=bindparam("until"), attempts=_T.c.attempts + 1)
    .returning(*_CLAIMED_COLUMNS)
)
_ONE = select(*_CLAIMED_COLUMNS).where(
    _T.c.id == bindparam("id"), _T.c.status.not_in([InboundStatus.DONE, InboundStatus.FAILED])
)
_DONE = Prepared(  # a batch's marks at once, on the cursor (core/storage/prepared.py)
    update(_T)
    .where(_T.c.id == bindparam("b_id"))
    .values(
        status=InboundStatus.DONE,
        body=None,
        sender_id=bindparam("sender_id"),
        processed_at=bindparam("processed_at"),
        lease_until=None,
    ),
    key=("b_id",),
)


def claim_rows(engine: Engine, *, now: datetime, limit: int, lease: timedelta) -> list[Claimed]:
    """Take up to `limit` pending updates (or ones whose lease expired), oldest first, in one
    statement. On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets several instances claim side by
    side; SQLite has one writer at a time."""
    with engine.begin() as conn:
        rows = conn.execute(_CLAIM, {"now": now, "limit": limit, "until": now + lease}).all()
    return sorted((Claimed(*row) for row in rows), key=lambda c: c.id)


def claim(engine: Engine, *, now: datetime, limit: int, lease: timedelta) -> list[int]:
    return [c.id for c in claim_rows(engine, now=now, limit=limit, lease=lease)]


def unfinished(conn: Connection, inbound_id: int) -> Claimed | None:
    """The update, unless it is done or failed already."""
    row = conn.execute(_ONE, {"id": inbound_id}).first()
    return Claimed(*row) if row is not None else None


def mark_done(conn: Connection, done: Sequence[tuple[int, str]], now: datetime) -> None:
    """(id, sender) of processed updates: done, their text dropped, the sender kept for dedupe."""
    if done:
        _DONE.many(
            conn, [{"b_id": i, "sender_id": sender, "processed_at": now} for i, sender in done]
        )


def purge_done(engine: Engine, *, older_than: datetime) -> int:
    """Drop dedupe rows older than every platform's redelivery horizon."""
    from sqlalchemy import delete

    with engine.begin() as conn:
        return conn.execute(
            delete(InboundUpdate).where(
                col(InboundUpdate.status).in_([InboundStatus.DONE, InboundStatus.FAILED]),
                col(InboundUpdate.received_at) < older_than,
            )
        ).rowcount
