"""The inbound table: store parsed updates once, claim them for processing."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from core.errors import StoreUnavailable
from core.messages import IncomingMessage, RawUpdate
from core.storage.models import InboundStatus, InboundUpdate

PROCESSING = "processing"


def _insert_ignoring_duplicates(engine: Engine):  # type: ignore[no-untyped-def]
    if engine.dialect.name == "postgresql":
        return pg_insert(InboundUpdate).on_conflict_do_nothing(
            index_elements=["platform", "external_id"]
        )
    if engine.dialect.name == "sqlite":
        return sqlite_insert(InboundUpdate).on_conflict_do_nothing(
            index_elements=["platform", "external_id"]
        )
    raise NotImplementedError(f"no insert-or-ignore for {engine.dialect.name}")


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


def store_raw(engine: Engine, updates: Sequence[RawUpdate], now: datetime) -> None:
    """Insert updates as the platform sent them, in one statement run for all of them (the
    webhook's hot path: no per-row round trip, no RETURNING). Duplicates are dropped by the
    unique key. Raises StoreUnavailable when the database cannot be written."""
    if not updates:
        return
    rows = [
        _row(u.platform, u.external_id, "", u.body.replace("\x00", "\ufffd"), True, now)
        for u in updates
    ]
    try:
        with engine.begin() as conn:
            conn.execute(_insert_ignoring_duplicates(engine), rows)
    except OperationalError as exc:
        raise StoreUnavailable(str(exc.orig)) from exc


def claim(engine: Engine, *, now: datetime, limit: int, lease: timedelta) -> list[int]:
    """Take up to `limit` pending updates (or ones whose lease expired) for this worker.

    On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets several instances claim side by side.
    """
    with Session(engine) as session, session.begin():
        ids = list(
            session.exec(
                select(InboundUpdate.id)
                .where(
                    or_(
                        col(InboundUpdate.status) == InboundStatus.PENDING,
                        (col(InboundUpdate.status) == PROCESSING)
                        & (col(InboundUpdate.lease_until) < now),
                    )
                )
                .order_by(col(InboundUpdate.id))
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if ids:
            session.execute(
                update(InboundUpdate)
                .where(col(InboundUpdate.id).in_(ids))
                .values(
                    status=PROCESSING, lease_until=now + lease, attempts=InboundUpdate.attempts + 1
                )
            )
        return [i for i in ids if i is not None]


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
