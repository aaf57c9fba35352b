"""Statements run on the DBAPI cursor (core/storage/prepared.py): the same rows as SQLAlchemy
writes them, its typed errors, its cursor events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import bindparam, event, insert, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.members.models import Identity
from core.points import held as held_points
from core.points.models import MemberScore
from core.storage import prepared
from core.storage.models import OutboxMessage, OutboxStatus
from core.storage.prepared import Prepared
from tests.points_helpers import make_member, make_units

T0 = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
_outbox = OutboxMessage.__table__  # type: ignore[attr-defined]
_COLUMNS = ("identity_id", "platform", "body", "proactive", "status", "dedupe_key")
# `attempts` and `possible_duplicates` left out: their defaults are SQLAlchemy's (Python-side)
_INSERT = Prepared(
    insert(_outbox).values(
        {
            **{c: bindparam(c) for c in _COLUMNS},
            "next_attempt_at": bindparam("when"),
            "created_at": bindparam("when"),
        }
    )
)
_RETRY = Prepared(
    update(_outbox)
    .where(_outbox.c.dedupe_key == bindparam("key"), _outbox.c.status == OutboxStatus.PENDING)
    .values(attempts=_outbox.c.attempts + 1, next_attempt_at=bindparam("when"))
)


def _identity(session: Session) -> int:
    identity = Identity(platform="telegram", platform_user_id="42", first_seen_at=T0)
    session.add(identity)
    session.flush()
    return identity.id  # type: ignore[return-value]


def _row(identity_id: int, key: str) -> dict[str, object]:
    return {
        "identity_id": identity_id,
        "platform": "telegram",
        "body": '{"text": "chào"}',
        "proactive": False,
        "status": OutboxStatus.PENDING,
        "dedupe_key": key,
        "when": T0,
    }


def test_many_writes_rows_as_sqlalchemy_does_and_counts_them(engine: Engine):
    with Session(engine) as session, session.begin():
        identity_id = _identity(session)
        connection = session.connection()
        assert _INSERT.many(connection, [_row(identity_id, f"k{i}") for i in range(3)]) == 3
        assert _INSERT.many(connection, []) == 0
        later = T0 + timedelta(minutes=5)
        changed = _RETRY.many(
            connection, [{"key": "k0", "when": later}, {"key": "k2", "when": later}]
        )
        assert changed == 2
        rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.dedupe_key)).all()
        found = [(r.dedupe_key, r.attempts, r.possible_duplicates, r.next_attempt_at) for r in rows]
        assert found == [("k0", 1, 0, later), ("k1", 0, 0, T0), ("k2", 1, 0, later)]
        assert all(r.created_at == T0 and r.status == OutboxStatus.PENDING for r in rows)


def test_a_driver_error_is_sqlalchemys(engine: Engine):
    with Session(engine) as session, session.begin():
        identity_id = _identity(session)
        connection = session.connection()
        with pytest.raises(IntegrityError):
            _INSERT.many(connection, [_row(identity_id, "same"), _row(identity_id, "same")])
        session.rollback()


def test_a_missing_parameter_is_named(engine: Engine):
    with Session(engine) as session, session.begin():
        row = _row(1, "k")
        del row["body"]
        with pytest.raises(KeyError, match="body"):
            _INSERT.many(session.connection(), [row])


def test_the_engines_cursor_events_see_the_statements(engine: Engine):
    seen: list[tuple[str, bool]] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append((statement.split(" (")[0], executemany))

    with Session(engine) as session, session.begin():
        identity_id = _identity(session)
        event.listen(engine, "before_cursor_execute", record)
        try:
            _INSERT.many(session.connection(), [_row(identity_id, "k")])
        finally:
            event.remove(engine, "before_cursor_execute", record)
    assert seen == [("INSERT INTO outbox_message", True)]


@pytest.mark.parametrize("limit", [None, 20])  # 20 parameters: three rows a statement
def test_rows_returns_every_row_of_an_upsert(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, limit: int | None
):
    if limit is not None:
        monkeypatch.setattr(prepared, "_MAX_SQLITE_PARAMETERS", limit)
    upsert = held_points._MEMBER_UPSERT
    with Session(engine) as session, session.begin():
        _, units = make_units(session)
        members = [make_member(session, units[0], f"Người {i}", T0) for i in range(7)]
        connection = session.connection()

        def rows(points: int, when: datetime) -> list[dict[str, object]]:
            return [
                {
                    "scope": "all",
                    "member_id": m.id,
                    "unit_id": m.unit_id,
                    "points": points,
                    "entries": 1,
                    "reached_at": when,
                }
                for m in members
            ]

        first = upsert.rows(connection, rows(100, T0))
        assert sorted(first) == sorted(("all", m.id, 100, 1) for m in members)
        later = T0 + timedelta(seconds=9)
        again = upsert.rows(connection, rows(0, later))  # 0 points: reached_at stays
        assert sorted(again) == sorted(("all", m.id, 100, 2) for m in members)
        scores = session.exec(select(MemberScore)).all()
        assert {(s.points, s.entries, s.reached_at) for s in scores} == {(100, 2, T0)}
