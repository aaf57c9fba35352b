"""Statements run on the DBAPI cursor (core/storage/prepared.py): the same rows as SQLAlchemy
writes them, its typed errors, its cursor events."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import (
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    event,
    func,
    insert,
    update,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.types import NullType
from sqlmodel import AutoString, Session, select

import core
from core import conversation, outbox
from core.members.models import Identity
from core.points import held as held_points
from core.points.models import MemberScore, PointsSource
from core.storage import prepared
from core.storage.models import ConversationState, OutboxMessage, OutboxStatus
from core.storage.prepared import Prepared
from core.storage.types import UTCDateTime
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


def test_a_batch_of_inserts_is_one_statement_on_postgresql_in_the_rows_order(engine: Engine):
    """On PostgreSQL an INSERT of many rows is one INSERT … SELECT from arrays, which the
    server runs once, not an execution per row (core/storage/prepared.py, `_arrays`); the
    rows are inserted in the order given, and a text too long for its column is refused as
    an execution per row refuses it, never cut to fit."""
    seen: list[tuple[str, bool]] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append((statement, executemany))

    write = outbox._HELD_INSERT
    with Session(engine) as session, session.begin():
        identity_id = _identity(session)
        rows = [
            {**_row(identity_id, key), "attempts": 0, "next_attempt_at": T0, "created_at": T0}
            for key in ("c", "a", "b")
        ]
        for row in rows:
            del row["when"]
        event.listen(engine, "before_cursor_execute", record)
        try:
            assert write.many(session.connection(), rows) == 3
        finally:
            event.remove(engine, "before_cursor_execute", record)
        found = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [r.dedupe_key for r in found] == ["c", "a", "b"]
    ((statement, many),) = seen
    if engine.dialect.driver == "psycopg":
        assert "unnest(" in statement and not many
    else:
        assert many
    if engine.dialect.name == "sqlite":
        return  # SQLite keeps a text of any length: nothing to refuse there
    with Session(engine) as session, session.begin():
        too_long = {**rows[0], "dedupe_key": "d", "platform": "x" * 17}  # VARCHAR(16)
        with pytest.raises(DBAPIError, match="too long"):
            write.many(session.connection(), [too_long])
        session.rollback()


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


# Every type of column a `Prepared` statement of core/ binds, and a row of values of each
# kind it is given (`_values`): the test below writes them with `Prepared` and with
# SQLAlchemy and compares what each stored.
_TYPES = {
    "integer": Integer(),
    "autostring": AutoString(length=64),
    "string": String(length=24),
    "text": Text(),
    "boolean": Boolean(),
    "utc": UTCDateTime(),
}
_COVERED = {type(t) for t in _TYPES.values()} | {NullType}  # NullType: a typeless bindparam
_VN = timezone(timedelta(hours=7))


def _core_statements() -> list[tuple[str, Prepared]]:
    found = []
    for info in pkgutil.walk_packages(core.__path__, "core."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, Prepared):
                found.append((f"{info.name}.{name}", value))
    return found


def test_every_type_a_prepared_statement_binds_is_covered_below(engine: Engine):
    statements = _core_statements()
    assert len(statements) >= 10
    for where, statement in statements:
        built = statement.statement
        if not isinstance(built, ClauseElement):
            built = built(engine.dialect.name)
        compiled = built.compile(dialect=engine.dialect, for_executemany=True)
        for name, bind in compiled.binds.items():  # type: ignore[attr-defined]
            assert type(bind.type) in _COVERED, f"{where}: {name} is {bind.type!r}"


def _values() -> list[dict[str, object]]:
    shared = datetime(2026, 12, 4, 13, 5, 7, 123456, tzinfo=UTC)
    rows: list[dict[str, object]] = [
        {
            "integer": 0,
            "autostring": PointsSource.QUIZ_ANSWER,  # a StrEnum, as the ledger's source
            "string": "week:2026-W49",
            "text": '{"text": "Chào bạn, Nguyễn Thị Lan!"}',
            "boolean": True,
            "utc": shared,
        },
        {
            "integer": -(2**31),
            "autostring": "",
            "string": "quiz:7",
            "text": "",
            "boolean": False,
            "utc": shared,  # the same object in another row (processed once)
        },
        {
            "integer": 2**31 - 1,
            "autostring": "Công đoàn cơ sở",
            "string": "all",
            "text": "x" * 5000,
            "boolean": True,
            "utc": datetime(2026, 12, 4, 20, 5, 7, 123456, tzinfo=_VN),  # = shared, at +07:00
        },
        {
            "integer": 42,
            "autostring": "b",
            "string": "c",
            "text": "d",
            "boolean": False,
            "utc": datetime(2026, 1, 1, 0, 0, tzinfo=_VN),  # the day before in UTC
        },
        {c: None for c in _TYPES},
    ]
    return rows


def test_every_column_type_is_stored_as_sqlalchemy_stores_it(engine: Engine):
    """What `Prepared` sends for each type is what SQLAlchemy sends: the rows it writes are
    stored byte for byte as the same rows written by SQLAlchemy, and read back equal."""
    table = Table(
        "prepared_types_check",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("via", String(16), nullable=False),
        *(Column(name, kind, nullable=True) for name, kind in _TYPES.items()),
    )
    columns = ("id", "via", *_TYPES)
    write = Prepared(insert(table).values({c: bindparam(c) for c in columns}))
    rows = _values()
    with engine.begin() as connection:
        table.create(connection)
    try:
        with engine.begin() as connection:
            theirs = [{"id": i, "via": "sqlalchemy", **row} for i, row in enumerate(rows)]
            ours = [{"id": 100 + i, "via": "prepared", **row} for i, row in enumerate(rows)]
            connection.execute(insert(table), theirs)
            assert write.many(connection, ours) == len(rows)
            # as stored (SQLite keeps the text it was given; a cast shows PostgreSQL's)
            raw = "CAST({} AS TEXT)" if engine.dialect.name == "postgresql" else "{}"
            stored = connection.exec_driver_sql(
                f"SELECT via, {', '.join(raw.format(c) for c in _TYPES)} "
                f"FROM prepared_types_check ORDER BY id"
            ).all()
            assert [r[1:] for r in stored if r[0] == "prepared"] == [
                r[1:] for r in stored if r[0] == "sqlalchemy"
            ]
            read = connection.execute(select(table).order_by(table.c.id)).all()
            by = {via: [r[2:] for r in read if r.via == via] for via in ("prepared", "sqlalchemy")}
            assert by["prepared"] == by["sqlalchemy"]
            expected = [tuple(row[c] for c in _TYPES) for row in rows]
            assert by["prepared"] == expected  # and what was given, read back
    finally:
        with engine.begin() as connection:
            table.drop(connection)


def _count_at_least() -> Prepared:
    scores = MemberScore.__table__  # type: ignore[attr-defined]
    return Prepared(
        select(func.count(), bindparam("tag", type_=String()))
        .select_from(scores)
        .where(scores.c.scope == bindparam("scope"), scores.c.points >= bindparam("least"))
    )


def test_each_is_psycopgs_pipeline_only(engine: Engine):
    """`each` is one round trip in psycopg's pipeline; on SQLite, where a statement is no
    round trip, nothing calls it (`quizzes.service.prefetch_answers` reads ranks ahead on
    PostgreSQL only), and it refuses rather than keep a loop that only tests would run."""
    if engine.dialect.driver == "psycopg":
        pytest.skip("psycopg: each runs (the test below)")
    with engine.connect() as connection, pytest.raises(TypeError, match="psycopg"):
        _count_at_least().each(connection, [{"scope": "all", "least": 0}])


def test_each_returns_one_row_per_execution_in_order(engine: Engine):
    if engine.dialect.driver != "psycopg":
        pytest.skip("each is psycopg's pipeline only (the test above)")
    count = _count_at_least()
    with Session(engine) as session, session.begin():
        _, units = make_units(session)
        members = [make_member(session, units[0], f"Người {i}", T0) for i in range(3)]
        held_points._MEMBER_UPSERT.rows(
            session.connection(),
            [
                {
                    "scope": "all",
                    "member_id": m.id,
                    "unit_id": m.unit_id,
                    "points": 10 * i,
                    "entries": 1,
                    "reached_at": T0,
                }
                for i, m in enumerate(members)
            ],
        )
        asked = [{"scope": "all", "least": least, "tag": f"t{least}"} for least in (20, 0, 10, 99)]
        assert count.each(session.connection(), asked) == [
            (1, "t20"),
            (3, "t0"),
            (2, "t10"),
            (0, "t99"),
        ]
        assert count.each(session.connection(), []) == []


@given(
    when=st.datetimes(
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.sampled_from([UTC, _VN, timezone(timedelta(hours=-5, minutes=-30))]),
    )
)
def test_a_utc_time_is_sqlites_text_as_sqlalchemy_makes_it(when: datetime):
    """`Prepared` makes a UTC time's SQLite text in one step (`_sqlite_utc`): the text
    SQLAlchemy's processors make, for any time at any offset."""
    theirs = UTCDateTime()._cached_bind_processor(sqlite.dialect())
    assert theirs is not None
    assert prepared._sqlite_utc(when) == theirs(when)
    assert prepared._sqlite_utc(None) is None


def test_a_batch_of_updates_by_key_is_one_statement_unless_a_key_repeats(engine: Engine):
    """On PostgreSQL an UPDATE whose rows name distinct rows by their key (`Prepared(key=)`)
    is one UPDATE … FROM arrays; rows that repeat a key (one person's state saved twice in a
    batch) run one after the other, each seeing the one before, as an `executemany` does."""
    seen: list[tuple[str, bool]] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append((statement, executemany))

    def change(identity_id: int, version: int) -> dict[str, object]:
        return {
            "b_identity_id": identity_id,
            "b_version": version,
            "flow": "quiz",
            "step": f"q{version + 1}",
            "data": "{}",
            "version": version + 1,
            "updated_at": T0,
        }

    with Session(engine) as session, session.begin():
        connection = session.connection()
        ids = []
        for user in ("1", "2", "3"):
            identity = Identity(platform="telegram", platform_user_id=user, first_seen_at=T0)
            session.add(identity)
            session.flush()
            ids.append(identity.id)
        conversation._HELD_INSERT.many(
            connection,
            [
                {"identity_id": i, "flow": "quiz", "step": "q1", "data": "{}", "version": 1}
                | {"updated_at": T0}
                for i in ids
            ],
        )
        event.listen(engine, "before_cursor_execute", record)
        try:
            distinct = conversation._HELD_UPDATE.many(connection, [change(i, 1) for i in ids])
            stale = conversation._HELD_UPDATE.many(connection, [change(ids[0], 1)])
            repeated = conversation._HELD_UPDATE.many(
                connection, [change(ids[1], 2), change(ids[1], 3)]
            )
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert (distinct, stale, repeated) == (3, 0, 2)
        found = session.exec(
            select(
                ConversationState.identity_id, ConversationState.version, ConversationState.step
            ).order_by(ConversationState.identity_id)
        ).all()
        assert [tuple(r) for r in found] == [
            (ids[0], 2, "q2"),
            (ids[1], 4, "q4"),
            (ids[2], 2, "q2"),
        ]
    one_statement = engine.dialect.driver == "psycopg"
    assert [("unnest(" in sql, many) for sql, many in seen] == [
        (one_statement, not one_statement),
        (one_statement, not one_statement),
        (False, True),  # a key repeated: an execution per row
    ]
