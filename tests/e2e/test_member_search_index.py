"""The members page's search through the names' trigram index (migration 0027: FTS5 on
SQLite, `pg_trgm` on PostgreSQL) finds exactly what a plain `LIKE` over the folded names finds,
names typed with and without diacritics, searches shorter than a trigram included; and the
counts kept per unit by the database's triggers are exactly the members and roster entries
counted one by one. Both hold after members join, are renamed, moved, verified, removed (the
erasure of /forget) and deleted, and roster entries are claimed and removed. SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import delete, event, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core.campaigns.scope import Actor
from core.emulation import total_marks
from core.initiatives.notify import Notifier
from core.memberadmin import service as memberadmin
from core.members.models import Member, RosterEntry, UnionUnit, UnitKind
from core.members.rules import key_of
from core.organisation import membership
from core.storage import migrate

NOW = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
NAMES = [
    "Nguyễn Văn An",
    "Nguyen Van Binh",  # typed without diacritics on the roster
    "NGUYỄN THỊ LAN",
    "Trần Đức Hùng",
    "Lê Thị Hồng Nhung",
    "Phạm Văn Đồng",
    "Huỳnh Xuân Yến",
    "Võ Thị Thu Hương",
    "Đặng Quốc Tuấn",
    "Bùi Ngọc Mai",
]
SEARCHES = [
    "nguyen van",
    "Nguyễn Văn",
    "NGUYEN",
    "van",
    "thi",
    "an",  # shorter than a trigram: the plain LIKE
    "a",
    "ng",
    "n v",
    "đồng",
    "dong",
    "hong nhung",
    "xuan yen",
    "tuan",
    "uoc t",
    "nobody here",
    "Yến",
]
UNITS = 40  # grassroots unions under the province: more than membership.WIDE


def tree(session: Session, name: str) -> tuple[int, list[int]]:
    top = UnionUnit(name=name, kind=UnitKind.PROVINCIAL_FEDERATION, path="/", created_at=NOW)
    session.add(top)
    session.flush()
    top.path = f"/{top.id}/"
    below = []
    for n in range(UNITS):
        unit = UnionUnit(name=f"CĐCS {name} {n}", kind=UnitKind.GRASSROOTS_UNION, parent_id=top.id)
        unit.path, unit.created_at = "/", NOW
        session.add(unit)
        session.flush()
        unit.path = f"{top.path}{unit.id}/"
        below.append(unit.id)  # type: ignore[arg-type]
    return top.id, below  # type: ignore[return-value]


def people(session: Session, units: list[int], copies: int) -> None:
    for n in range(copies):
        for i, name in enumerate(NAMES):
            joined = NOW if (n + i) % 7 else None  # some still joining: never listed
            verified = NOW if (n + i) % 3 == 0 else None
            unit = units[(n * len(NAMES) + i) % len(units)]
            session.add(
                Member(unit_id=unit, full_name=name, onboarded_at=joined, verified_at=verified)
            )
            if i % 4 == 0:  # on the roster, not on the bot yet
                session.add(RosterEntry(unit_id=unit, full_name=name, name_key=key_of(name)))


def plain(session: Session, unit: UnionUnit, q: str) -> set[int]:
    """The members of the unit's subtree whose folded name contains the folded search, by a
    plain `LIKE` over every name."""
    found = session.exec(
        select(Member.id)
        .join(UnionUnit, col(UnionUnit.id) == Member.unit_id)
        .where(
            col(UnionUnit.path).startswith(unit.path),
            col(Member.onboarded_at).is_not(None),
            col(Member.forgotten_at).is_(None),
            col(Member.name_key).contains(key_of(q), autoescape=True),
        )
    )
    return set(found)  # type: ignore[arg-type]


def counted_one_by_one(session: Session, unit: UnionUnit) -> tuple[int, int, int]:
    def count(query) -> int:  # type: ignore[no-untyped-def]
        return len(session.exec(query).all())

    subtree = col(UnionUnit.path).startswith(unit.path)
    members = (
        select(Member.id, Member.verified_at)
        .join(UnionUnit, col(UnionUnit.id) == Member.unit_id)
        .where(subtree, col(Member.onboarded_at).is_not(None), col(Member.forgotten_at).is_(None))
    )
    rows = session.exec(members).all()
    waiting = (
        select(RosterEntry.id)
        .join(UnionUnit, col(UnionUnit.id) == RosterEntry.unit_id)
        .where(subtree, col(RosterEntry.member_id).is_(None), col(RosterEntry.removed_at).is_(None))
    )
    return (
        len([r for r in rows if r[1] is not None]),
        len([r for r in rows if r[1] is None]),
        count(waiting),
    )


def agree(engine: Engine, unit_id: int) -> None:
    """Every search finds, page after page, what the plain LIKE finds, and counts as many;
    the unit's counts are the rows counted one by one."""
    with Session(engine) as session:
        unit = session.get(UnionUnit, unit_id)
        assert unit is not None
        counts = membership.counts(session, unit=unit)
        assert (counts.verified, counts.self_declared, counts.not_on_bot) == counted_one_by_one(
            session, unit
        )
        for q in SEARCHES:
            expected = plain(session, unit, q)
            assert membership.counts(session, unit=unit, q=q).matching == len(expected), q
            found: list[int] = []
            page = membership.keyset_page(session, unit=unit, q=q, per_page=7)
            found += [m.id for m in page.members]  # type: ignore[misc]
            while page.has_next:
                page = membership.keyset_page(
                    session, unit=unit, q=q, after=page.last_id, number=page.number + 1, per_page=7
                )
                found += [m.id for m in page.members]  # type: ignore[misc]
            assert len(found) == len(set(found)) and set(found) == expected, q
            assert page.total == len(expected), q
            names = [session.get(Member, i).full_name for i in found]  # type: ignore[union-attr]
            assert names == sorted(names), q  # in the order of names


def test_the_indexed_search_and_the_kept_counts_agree_with_reading_every_member(
    runtime: Runtime,
):
    engine = runtime.engine
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with Session(engine) as session, session.begin():
        province, units = tree(session, "Tỉnh A")
        people(session, units, copies=12)
    agree(engine, province)  # the only tree: its members read without their units
    if engine.dialect.name == "sqlite":  # the search went through the trigrams
        assert any("member_name MATCH" in s for s in statements)

    with Session(engine) as session, session.begin():
        other, other_units = tree(session, "Tỉnh B")  # now the province's units are a list
        people(session, other_units, copies=3)
        renamed = session.exec(select(Member).where(Member.full_name == "Bùi Ngọc Mai")).first()
        assert renamed is not None
        moved, gone, deleted = (
            session.exec(
                select(Member).where(
                    Member.full_name == name, col(Member.onboarded_at).is_not(None)
                )
            ).first()
            for name in ("Trần Đức Hùng", "Nguyễn Văn An", "Võ Thị Thu Hương")
        )
        notifier = Notifier(runtime.catalogs, runtime.processor.config)
        admin = Actor.admin()
        memberadmin.edit(
            session,
            actor=admin,
            member_id=renamed.id,  # type: ignore[arg-type]
            change=memberadmin.MemberEdit(full_name="Bùi Ngọc Mai Anh Đào"),
            now=NOW,
        )
        memberadmin.move(session, actor=admin, member_id=moved.id, unit_id=other_units[0], now=NOW)  # type: ignore[union-attr, arg-type]
        memberadmin.remove(session, actor=admin, member_id=gone.id, notifier=notifier, now=NOW)  # type: ignore[union-attr, arg-type]
        session.execute(delete(Member).where(col(Member.id) == deleted.id))  # type: ignore[union-attr]
        waiting = session.exec(select(RosterEntry).where(col(RosterEntry.unit_id).in_(units))).all()
        claimed, removed = waiting[0], waiting[1]
        newcomer = Member(
            unit_id=claimed.unit_id, full_name="Nguyễn Vân Anh", onboarded_at=NOW, verified_at=NOW
        )
        session.add(newcomer)
        session.flush()
        claimed.member_id = newcomer.id
        removed.removed_at = NOW
        session.execute(  # still joining: not counted, until onboarded below
            update(Member).where(col(Member.onboarded_at).is_(None)).values(onboarded_at=NOW)
        )
    agree(engine, province)
    agree(engine, other)
    agree(engine, units[0])  # one union: read by its units, the plain LIKE
    with Session(engine) as session:
        top = session.get(UnionUnit, province)
        assert top is not None
        found = membership.keyset_page(session, unit=top, q="ngoc mai anh dao")
        assert [m.full_name for m in found.members] == ["Bùi Ngọc Mai Anh Đào"]
        assert membership.counts(session, unit=top, q="thu huong").matching == len(
            plain(session, top, "thu huong")
        )


@contextmanager
def without_kept_totals() -> Iterator[None]:
    """Below migration 0028 there are no kept totals: the listeners that mark them
    (core/emulation/total_marks.py) stand aside meanwhile."""
    for name, listener in total_marks.LISTENERS:
        event.remove(OrmSession, name, listener)
    try:
        yield
    finally:
        for name, listener in total_marks.LISTENERS:
            event.listen(OrmSession, name, listener)


def test_the_migration_downgrades_and_upgrades_again(runtime: Runtime):
    """0027 undone (its triggers, counts and index gone, the members kept) and made again
    with the counts and the index rebuilt from the rows."""
    engine = runtime.engine
    with Session(engine) as session, session.begin():
        province, units = tree(session, "Tỉnh C")
        people(session, units, copies=2)
    cfg = migrate.alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0027_member_search_index-1")  # this branch only
    with engine.connect() as conn:
        tables = set(engine.dialect.get_table_names(conn))
    assert "unit_member_count" not in tables and "member_name" not in tables
    with without_kept_totals(), Session(engine) as session, session.begin():
        people(session, units, copies=1)  # joined while 0027 (and 0028) were undone
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM unit_member_count")).scalar_one() > 0
    agree(engine, province)
