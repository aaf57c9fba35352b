"""Importing a union tree from a spreadsheet into the database: the dry run, the import, a
second import that changes nothing, a moved unit that keeps its members, a refused file that
writes nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.errors import DomainError
from core.members import service as members
from core.members.models import Member, UnionUnit, UnitKind
from core.organisation import tree_import, units
from core.organisation.models import UnitChange

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
TODAY = date(2026, 12, 2)
HEADER = [
    "Mã đơn vị",
    "Tên đơn vị",
    "Mã đơn vị cấp trên",
    "Loại đơn vị",
    "Loại hình",
    "Số đoàn viên",
]


def workbook(*rows: list[object]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@pytest.fixture
def province(engine: Engine) -> int:
    with Session(engine) as session, session.begin():
        root = members.create_unit(
            session, name="LĐLĐ tỉnh Bình Dương", kind=UnitKind.PROVINCIAL_FEDERATION
        )
        return root.id  # type: ignore[return-value]


FIRST = workbook(
    ["KCN1", "Công đoàn các KCN", None, "Công đoàn cấp trên cơ sở", None, None],
    ["MP", "CĐCS Công ty Minh Phát", "KCN1", "CĐCS", "Doanh nghiệp tư nhân", 1250],
    ["MP-T1", "Tổ Cơ khí 1", "MP", "Tổ công đoàn", None, 40],
    ["HB", "CĐCS Công ty Hòa Bình", "KCN1", "CĐCS", "FDI", 800],
)


def import_file(engine: Engine, root_id: int, data: bytes) -> tree_import.TreeResult:
    with Session(engine) as session, session.begin():
        root = session.get(UnionUnit, root_id)
        assert root is not None
        file = tree_import.read_tree(data, "cay.xlsx", today=TODAY)
        return tree_import.apply(session, root=root, file=file, by=None, now=NOW)


def test_dry_run_then_import_then_the_same_file_changes_nothing(engine: Engine, province: int):
    with Session(engine) as session:
        root = session.get(UnionUnit, province)
        plan = tree_import.dry_run(
            session, root=root, file=tree_import.read_tree(FIRST, "a.xlsx", today=TODAY)
        )
        assert plan.problems == [] and len(plan.create) == 4
        assert session.exec(select(UnionUnit)).all() == [root]  # the dry run wrote nothing
    assert import_file(engine, province, FIRST) == tree_import.TreeResult(4, 0, 0)
    assert import_file(engine, province, FIRST) == tree_import.TreeResult(0, 0, 4)
    with Session(engine) as session:
        group = session.exec(select(UnionUnit).where(UnionUnit.code == "MP-T1")).one()
        company = session.exec(select(UnionUnit).where(UnionUnit.code == "MP")).one()
        assert group.parent_id == company.id and group.path.startswith(company.path)
        assert company.declared_members == 1250
        assert session.exec(select(UnitChange)).all().__len__() == 4


def test_a_moved_unit_takes_its_subtree_and_its_members_along(engine: Engine, province: int):
    import_file(engine, province, FIRST)
    with Session(engine) as session, session.begin():
        company = session.exec(select(UnionUnit).where(UnionUnit.code == "MP")).one()
        group = session.exec(select(UnionUnit).where(UnionUnit.code == "MP-T1")).one()
        session.add(Member(unit_id=group.id, full_name="Nguyễn Thị Lan", joined_at=NOW))
    moved = workbook(
        ["KCN1", "Công đoàn các KCN", None, "Công đoàn cấp trên cơ sở", None, None],
        ["KCN2", "Công đoàn KCN Sóng Thần", None, "Công đoàn cấp trên cơ sở", None, None],
        ["MP", "CĐCS Công ty Minh Phát", "KCN2", "CĐCS", "Doanh nghiệp tư nhân", 1300],
    )
    assert import_file(engine, province, moved) == tree_import.TreeResult(1, 1, 1)
    with Session(engine) as session:
        zone = session.exec(select(UnionUnit).where(UnionUnit.code == "KCN2")).one()
        company = session.exec(select(UnionUnit).where(UnionUnit.code == "MP")).one()
        group = session.exec(select(UnionUnit).where(UnionUnit.code == "MP-T1")).one()
        assert company.parent_id == zone.id and company.declared_members == 1300
        assert group.path == f"{company.path}{group.id}/"
        lan = session.exec(select(Member)).one()
        assert lan.unit_id == group.id
        assert [c.action for c in session.exec(select(UnitChange).order_by(col(UnitChange.id)))][
            -3:
        ] == ["create", "move", "update"]


def test_a_file_with_one_bad_row_writes_nothing(engine: Engine, province: int):
    bad = workbook(
        ["KCN1", "Công đoàn các KCN", None, "Công đoàn cấp trên cơ sở", None, None],
        ["MP", "CĐCS Công ty Minh Phát", "NOPE", "CĐCS", None, None],
    )
    with pytest.raises(DomainError):
        import_file(engine, province, bad)
    with Session(engine) as session:
        assert len(session.exec(select(UnionUnit)).all()) == 1


def test_a_unit_cannot_move_under_itself_and_a_closed_unit_takes_nobody(
    engine: Engine, province: int
):
    import_file(engine, province, FIRST)
    with Session(engine) as session, session.begin():
        zone = session.exec(select(UnionUnit).where(UnionUnit.code == "KCN1")).one()
        group = session.exec(select(UnionUnit).where(UnionUnit.code == "MP-T1")).one()
        with pytest.raises(DomainError, match="unit_under_itself"):
            units.move(session, unit=zone, parent=group, by=None, now=NOW)
        with pytest.raises(DomainError, match="unit_has_open_units"):
            units.close(session, unit=zone, by=None, now=NOW)


def test_merging_two_unions_moves_members_and_closes_one(engine: Engine, province: int):
    import_file(engine, province, FIRST)
    with Session(engine) as session, session.begin():
        mp = session.exec(select(UnionUnit).where(UnionUnit.code == "MP")).one()
        hb = session.exec(select(UnionUnit).where(UnionUnit.code == "HB")).one()
        session.add(Member(unit_id=hb.id, full_name="Trần Văn Bình", joined_at=NOW))
        session.flush()
        units.merge(session, unit=hb, into=mp, by=None, now=NOW)
    with Session(engine) as session:
        mp = session.exec(select(UnionUnit).where(UnionUnit.code == "MP")).one()
        hb = session.exec(select(UnionUnit).where(UnionUnit.code == "HB")).one()
        assert hb.closed_at is not None and mp.declared_members == 2050
        assert session.exec(select(Member)).one().unit_id == mp.id
