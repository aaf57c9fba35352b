"""The unit picker's search in the database (migration 0029: each unit's name and code folded
beside them) finds exactly what reading every unit of the scope and folding its name in Python
found: names typed with and without diacritics, a code typed in any case, `%` and `_` taken
as themselves, closed units left out when asked, the officer's own subtree only, in the order
of names, with "more than the limit" when there are. It holds for units made one by one, in
bulk (an import's rows), renamed and given another code, and after the migration is undone
and made again. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import String, cast, insert, inspect, literal, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core.campaigns.scope import Actor
from core.members.models import UnionUnit, UnitKind
from core.members.rules import key_of
from core.organisation import picking, units
from core.storage import migrate

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
NAMES = [
    "CĐCS Công ty số {n}",
    "Cong ty so {n} (typed without diacritics)",
    "Tổ công đoàn Đế giày {n}",
    "CÔNG ĐOÀN BỘ PHẬN SẢN XUẤT {n}",
    "Công ty 100% vốn nước ngoài {n}",
    "Xí nghiệp may_{n}",
]
SEARCHES = [
    "cong ty so 12",
    "Công ty số 1",
    "CONG TY",
    "de giay",
    "Đế Giày 3",
    "100%",
    "100% von",
    "%",
    "may_",
    "_",
    "y_1",
    "so",
    "kcn-05",  # a code, typed in another case
    "KCN 10",  # a code folded
    "kcn-07",  # the code given to a unit renamed below
    "bd_14",
    "bkcn-05",  # another province's code
    "nobody here",
    "   ",
    "ơ",
]


def tree(session: Session, name: str, count: int, codes: str = "") -> UnionUnit:
    """A province and `count` units below it, half one by one (the ORM) and half in bulk
    (rows, their folded name and code left to the columns' default); a few closed, a few with
    a code (starting with `codes`)."""
    top = UnionUnit(name=name, kind=UnitKind.PROVINCIAL_FEDERATION, path="/", created_at=NOW)
    session.add(top)
    session.flush()
    top.path = f"/{top.id}/"
    rows = []
    for n in range(count):
        fields = {
            "name": NAMES[n % len(NAMES)].format(n=n),
            "kind": UnitKind.GRASSROOTS_UNION,
            "parent_id": top.id,
            "path": "/",
            "created_at": NOW,
            "code": f"{codes}KCN-{n:02d}"
            if n % 5 == 0
            else (f"{codes}BD_{n}" if n % 7 == 0 else None),
            "closed_at": NOW if n % 9 == 4 else None,
        }
        if n % 2:
            rows.append({**fields, "join_mode": "open"})
        else:
            unit = UnionUnit(**fields)
            session.add(unit)
    session.flush()
    if rows:
        session.execute(insert(UnionUnit), rows)
    session.execute(  # not through the ORM, which would fold the names again
        update(UnionUnit)
        .where(col(UnionUnit.path) == "/")
        .values(path=literal(top.path) + cast(UnionUnit.id, String) + literal("/"))
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return top


def plain(session: Session, roots: list[UnionUnit] | None, q: str, open_only: bool) -> list[int]:
    """Every unit of the scope read and its name folded in Python (the search before 0029),
    in the database's order of names."""
    wanted = key_of(q)
    if not wanted:
        return []
    hits = [
        unit.id
        for unit in session.exec(select(UnionUnit))
        if (roots is None or any(unit.path.startswith(r.path) for r in roots))
        and not (open_only and unit.closed_at is not None)
        and (wanted in key_of(unit.name) or (unit.code and wanted == key_of(unit.code)))
    ]
    if not hits:
        return []
    ordered = select(UnionUnit.id).where(col(UnionUnit.id).in_(hits))
    return list(session.exec(ordered.order_by(col(UnionUnit.name), col(UnionUnit.id))))  # type: ignore[arg-type]


def agree(engine: Engine, province: int) -> None:
    with Session(engine) as session:
        top = session.get(UnionUnit, province)
        assert top is not None
        for actor, roots in ((Actor.officer(1), [top]), (Actor.admin(), None)):
            for q in SEARCHES:
                for open_only in (False, True):
                    expected = plain(session, roots, q, open_only)
                    for limit in (100, 5):
                        found, more = picking.search(
                            session,
                            actor=actor,
                            q=q,
                            open_only=open_only,
                            limit=limit,
                            roots=roots,
                        )
                        assert [u.id for u in found] == expected[:limit], (q, open_only, limit)
                        assert more == (len(expected) > limit), (q, open_only, limit)


def test_the_unit_search_in_the_database_finds_what_reading_every_unit_found(
    runtime: Runtime,
):
    engine = runtime.engine
    with Session(engine) as session, session.begin():
        province = tree(session, "Tỉnh A", 130).id
        tree(session, "Tỉnh B", 40, codes="B")  # another province: never found by A's officer
    agree(engine, province)  # type: ignore[arg-type]

    with Session(engine) as session, session.begin():
        renamed = session.exec(
            select(UnionUnit).where(
                UnionUnit.name == "CĐCS Công ty số 12", UnionUnit.parent_id == province
            )
        ).one()
        units.change(
            session,
            unit=renamed,
            fields=units.UnitFields(
                name="Nhà máy Đế giày Bình Dương", kind=renamed.kind, code="KCN-07"
            ),
            by=None,
            now=NOW,
        )
        placed = units.create_many(
            session,
            items=[
                (
                    units.Placed(province, f"/{province}/"),  # type: ignore[arg-type]
                    units.UnitFields(
                        name=f"CĐCS Công ty số 12{n} mới", kind=UnitKind.GRASSROOTS_UNION
                    ),
                )
                for n in range(3)
            ],
            by=None,
            now=NOW,
        )
        assert len(placed) == 3
    agree(engine, province)  # type: ignore[arg-type]
    with Session(engine) as session:
        found, _more = picking.search(session, actor=Actor.admin(), q="KCN 07")
        assert [u.name for u in found] == ["Nhà máy Đế giày Bình Dương"]


def test_the_migration_downgrades_and_upgrades_again(runtime: Runtime):
    """0029 undone (the folded columns gone, the units kept) and made again, the folded names
    and codes filled from the rows."""
    engine = runtime.engine
    with Session(engine) as session, session.begin():
        province = tree(session, "Tỉnh C", 30, codes="C").id
    cfg = migrate.alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0029_unit_name_key-1")
    with engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("union_unit")}
        indexes = {i["name"] for i in inspect(conn).get_indexes("union_unit")}
    assert "name_key" not in columns and "code_key" not in columns
    assert "ix_union_unit_name_trgm" not in indexes
    migrate.upgrade(engine)
    agree(engine, province)  # type: ignore[arg-type]
