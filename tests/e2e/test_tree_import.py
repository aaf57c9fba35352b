"""Importing a union tree from a spreadsheet into the database: the dry run, the import, a
second import that changes nothing, a moved unit that keeps its members, a refused file that
writes nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import httpx
import pytest
from openpyxl import Workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core import demo
from core.errors import DomainError
from core.members import service as members
from core.members.models import InviteCode, Member, RosterEntry, UnionUnit, UnitKind, WorkerGroup
from core.organisation import roster_import, tree_import, units
from core.organisation.models import UnitChange
from core.organisation.roster_file import read_roster
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio
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


ROSTER = (
    "Họ và tên;Đơn vị;Đối tượng;Chức vụ lãnh đạo;Ngày sinh;Số thẻ đoàn viên;Số điện thoại\r\n"
    "Nguyễn Thị Lan;Tổ Cơ khí 1;Người lao động;Không;12/03/1990;;0912345678\r\n"
    "Trần Văn Bình;MP;Cán bộ;Có;;CD-0002;\r\n"
    "Lê Thị Hoa;CĐCS Công ty Hòa Bình;Công nhân;;01/01/1985;;\r\n"
)


def import_roster(engine: Engine, root_id: int, text: str) -> roster_import.RosterResult:
    with Session(engine) as session, session.begin():
        root = session.get(UnionUnit, root_id)
        assert root is not None
        file = read_roster(text.encode(), "ds.csv", today=TODAY)
        return roster_import.apply(session, root=root, file=file, now=NOW)


def test_a_roster_imports_once_and_an_updated_one_changes_only_what_changed(
    engine: Engine, province: int
):
    import_file(engine, province, FIRST)
    assert import_roster(engine, province, ROSTER) == roster_import.RosterResult(3, 0, 0)
    assert import_roster(engine, province, ROSTER) == roster_import.RosterResult(0, 0, 3)
    changed = ROSTER.replace("Trần Văn Bình;MP;Cán bộ;Có", "Trần Văn Bình;HB;Cán bộ;Không")
    assert import_roster(engine, province, changed) == roster_import.RosterResult(0, 1, 2)
    with Session(engine) as session:
        binh = session.exec(select(RosterEntry).where(RosterEntry.card == "CD-0002")).one()
        hb = session.exec(select(UnionUnit).where(UnionUnit.code == "HB")).one()
        assert binh.unit_id == hb.id and binh.holds_leadership_post is False
        lan = session.exec(select(RosterEntry).where(RosterEntry.phone == "0912345678")).one()
        assert lan.worker_group == WorkerGroup.DIRECT_WORKER and lan.name_key == "nguyen thi lan"


def test_a_roster_row_whose_unit_is_not_in_the_officers_subtree_refuses_the_file(
    engine: Engine, province: int
):
    import_file(engine, province, FIRST)
    with Session(engine) as session, session.begin():
        members.create_unit(session, name="LĐLĐ tỉnh khác", kind=UnitKind.PROVINCIAL_FEDERATION)
    other = ROSTER.replace("Tổ Cơ khí 1", "LĐLĐ tỉnh khác")
    with Session(engine) as session:
        zone = session.exec(select(UnionUnit).where(UnionUnit.code == "KCN1")).one()
        plan = roster_import.dry_run(
            session, root=zone, file=read_roster(other.encode(), "ds.csv", today=TODAY)
        )
    assert [(p.row, p.code) for p in plan.problems] == [(2, "unit_unknown")]
    with pytest.raises(DomainError):
        import_roster(engine, province, other.replace("Trần Văn Bình;MP", "Trần Văn Bình;Nowhere"))
    with Session(engine) as session:
        assert session.exec(select(RosterEntry)).all() == []


async def test_a_worker_found_on_the_roster_joins_verified_with_the_rosters_facts(
    client: httpx.AsyncClient, runtime: Runtime
):
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())
        company = session.exec(select(InviteCode).where(InviteCode.code == "CDCSTN33")).one()
        unit = session.get(UnionUnit, company.unit_id)
        group = units.create(
            session,
            parent=unit,
            fields=units.UnitFields(name="Tổ Cơ khí 1", kind=UnitKind.UNION_GROUP),
            by=None,
            now=NOW,
        )
        file = read_roster(
            "Họ và tên;Đơn vị;Đối tượng;Chức vụ lãnh đạo;Số điện thoại\n"
            "Phạm Văn Tài;Tổ Cơ khí 1;Công nhân;Không;0912 345 678\n".encode(),
            "ds.csv",
            today=TODAY,
        )
        roster_import.apply(session, root=unit, file=file, now=NOW)
        group_id = group.id
    user = await ChatUser(client, runtime).open()
    await user.say("/start")
    await user.say("CDCSTN33")
    await user.tap("Tôi đồng ý")
    await user.tap("Có, gửi cho tôi")
    await user.tap("Có, hiện tên tôi")
    await user.say("Phạm Văn Tài")
    asked = await user.say("đúng rồi")  # the name shown back is right, typed
    assert "danh sách đoàn viên" in user.texts(asked)
    wrong = await user.say("0999 999 999")
    assert "Không tìm thấy «0999 999 999»" in user.texts(wrong)
    found = await user.say("+84912345678")
    assert "có tên trong danh sách" in user.texts(found)
    assert "ngôn ngữ nào" in user.texts(found)  # the group and post came from the roster
    await user.say("1")
    with Session(runtime.engine) as session:
        tai = session.exec(select(Member).where(Member.full_name == "Phạm Văn Tài")).one()
        assert tai.verified_at is not None and tai.unit_id == group_id
        assert tai.worker_group == WorkerGroup.DIRECT_WORKER and tai.holds_leadership_post is False
        assert tai.onboarded_at is not None
        entry = session.exec(select(RosterEntry)).one()
        assert entry.member_id == tai.id


async def test_a_worker_not_on_the_roster_goes_on_self_declared(
    client: httpx.AsyncClient, runtime: Runtime
):
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())
        company = session.exec(select(InviteCode).where(InviteCode.code == "CDCSTN33")).one()
        unit = session.get(UnionUnit, company.unit_id)
        file = read_roster(
            f"Họ và tên;Đơn vị;Số thẻ đoàn viên\nPhạm Văn Tài;{unit.name};CD-1\n".encode(),
            "ds.csv",
            today=TODAY,
        )
        roster_import.apply(session, root=unit, file=file, now=NOW)
    user = await ChatUser(client, runtime).open()
    await user.say("/start")
    await user.say("CDCSTN33")
    await user.tap("Tôi đồng ý")
    await user.tap("Có, gửi cho tôi")
    await user.tap("Có, hiện tên tôi")
    await user.say("Đỗ Thị Mai")
    await user.tap("Đúng")
    skipped = await user.say("bo qua")  # the skip button's label, typed
    assert "đối tượng nào" in user.texts(skipped)
    with Session(runtime.engine) as session:
        mai = session.exec(select(Member).where(Member.full_name == "Đỗ Thị Mai")).one()
        assert mai.verified_at is None
