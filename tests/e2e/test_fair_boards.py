# ruff: noqa: F811  (the fixtures are imported by name from tests/browser/support.py)
"""Fair boards on the real denominator, read where officers read them (the web desk's board
export, the chat's report): a union with a roster divides by the roster (a campaign's board by
the roster's people of the campaign's groups), one without by its declared membership, one
with neither by the members who joined; the share report says how many categories come from
the roster. A union moved with its subtree by a tree import keeps its campaign and scores.
On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core import demo
from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.scope import Actor
from core.commendations import service as commendations
from core.initiatives.notify import Notifier
from core.members.models import Member, UnionUnit
from core.organisation import roster_import, tree_import, units
from core.organisation.roster_file import read_roster
from core.points import service as points
from core.points.models import PointsSource
from tests.browser.support import client, settings, signed_in_officer  # noqa: F401
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, PROVINCE, STATE_AGENCY, load_demo

pytestmark = pytest.mark.anyio
TODAY = date(2026, 12, 3)


def roster_csv(unit: str, workers: int, officials: int) -> bytes:
    names = [f"{family} Văn {given}" for family in demo.FAMILY for given in demo.GIVEN]
    lines = ["Họ và tên;Đơn vị;Đối tượng;Số thẻ đoàn viên"]
    lines += [f"{names[i]};{unit};Công nhân;MP-{i:04d}" for i in range(workers)]
    lines += [f"{names[100 + i]};{unit};Cán bộ;CB-{i:04d}" for i in range(officials)]
    return "\n".join(lines).encode()


def first_members(session: Session, unit_id: int, count: int) -> list[Member]:
    found = session.exec(
        select(Member).where(Member.unit_id == unit_id).order_by(Member.id)  # type: ignore[arg-type]
    ).all()
    return list(found[1 : count + 1])  # after the unit's officer


def set_up(runtime: Runtime) -> int:
    """Minh Phát: a roster of 30 workers and 10 officials; Hưng Thịnh: 80 declared; the state
    agency: neither. Two members of each of the companies and one of the agency earn points
    (Minh Phát's in a campaign for direct workers). The campaign's id."""
    now = runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        mp = session.get(UnionUnit, MINH_PHAT)
        ht = session.get(UnionUnit, HUNG_THINH)
        assert mp is not None and ht is not None
        file = read_roster(roster_csv(mp.name, 30, 10), "ds.csv", today=TODAY)
        roster_import.apply(session, root=mp, file=file, now=now)
        fields = units.UnitFields(name=ht.name, kind=ht.kind, declared_members=80)
        units.change(session, unit=ht, fields=fields, by=None, now=now)
        campaign = Campaign(
            unit_id=MINH_PHAT,
            title="Tháng năng suất",
            target_groups="direct_worker",
            starts_on=date(2026, 12, 1),
            ends_on=date(2026, 12, 31),
            status=CampaignStatus.RUNNING,
        )
        session.add(campaign)
        session.flush()
        earners = [
            *first_members(session, MINH_PHAT, 2),
            *first_members(session, HUNG_THINH, 2),
            *first_members(session, STATE_AGENCY, 1),
        ]
        for n, person in enumerate(earners):
            points.award(
                session,
                member_id=person.id,  # type: ignore[arg-type]
                points=10,
                source=PointsSource.PARTICIPATION,
                source_id=f"fair-{n}",
                now=now,
                campaign_id=campaign.id if person.unit_id == MINH_PHAT else None,
            )
        return campaign.id  # type: ignore[return-value]


async def board(web: httpx.AsyncClient, scope: str) -> dict[str, list[str]]:
    got = await web.get(f"/web/leaderboards/export?scope={scope}&kind=units&fmt=csv")
    assert got.status_code == 200, got.text
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig")), delimiter=";"))
    return {row[1]: row for row in rows[1:]}


async def test_boards_divide_by_the_roster_then_the_declared_count_then_who_joined(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    campaign_id = set_up(runtime)
    web, province_officer = await signed_in_officer(client, runtime, data, PROVINCE)
    with Session(runtime.engine) as session:
        names = {u.id: u.name for u in session.exec(select(UnionUnit))}
        agency_joined = len(
            session.exec(select(Member).where(Member.unit_id == STATE_AGENCY)).all()
        )
    rows = await board(web, "all")
    # members taking part / members in the union / participation rate (%)
    assert rows[names[MINH_PHAT]][3:6] == ["2", "40", "5,0"]
    assert rows[names[HUNG_THINH]][3:6] == ["2", "80", "2,5"]
    assert rows[names[STATE_AGENCY]][3:5] == ["1", str(agency_joined)]
    campaign = await board(web, f"campaign:{campaign_id}")
    assert campaign[names[MINH_PHAT]][3:5] == ["2", "30"]  # the roster's direct workers only

    # the boards page says how many of the union's members are verified, self-declared, and
    # on its list but not on the bot yet
    with Session(runtime.engine) as session:
        joined = len(session.exec(select(Member).where(Member.unit_id == MINH_PHAT)).all())
    page = (await web.get(f"/web/leaderboards?root={MINH_PHAT}")).text
    counts = page.split('id="member-counts">', 1)[1].split("</p>", 1)[0]
    assert f"Đoàn viên của {names[MINH_PHAT]}:" in counts
    assert f"Đã xác minh theo danh sách đoàn viên: 0 · tự khai: {joined}" in counts, counts
    assert "chưa dùng bot: 40" in counts, counts

    # the share report says whose group and post are the roster's
    with Session(runtime.engine) as session, session.begin():
        mp = session.get(UnionUnit, MINH_PHAT)
        worker = first_members(session, MINH_PHAT, 1)[0]
        worker.verified_at = runtime.clock.now()
        actor = Actor.officer(data.officer_of[MINH_PHAT])
        notifier = Notifier(runtime.catalogs, runtime.processor.config)
        item = commendations.officer_nominate(
            session,
            actor=actor,
            unit_id=mp.id,  # type: ignore[union-attr,arg-type]
            member_ids=[worker.id],  # type: ignore[list-item]
            reason="Sửa máy nén khí trong ca đêm.",
            now=runtime.clock.now(),
        )
        commendations.approve(
            session,
            actor=actor,
            commendation_id=item.id,  # type: ignore[arg-type]
            notifier=notifier,
            now=runtime.clock.now(),
        )
    report = await province_officer.say("/report_initiatives")
    assert "Đối tượng và chức vụ của 1 người lấy theo danh sách đoàn viên" in (
        province_officer.texts(report)
    )

    # Minh Phát and its group move under another upper-level union: campaign and scores stay
    before = (await board(web, "all"))[names[MINH_PHAT]]
    in_campaign = (await board(web, f"campaign:{campaign_id}"))[names[MINH_PHAT]]
    assert in_campaign[2:5] == ["20", "2", "30"]
    tree = (
        "Tên đơn vị;Đơn vị cấp trên;Loại đơn vị\n"
        "Công đoàn KCN Sóng Thần;;Công đoàn cấp trên cơ sở\n"
        f"{names[MINH_PHAT]};Công đoàn KCN Sóng Thần;Công đoàn cơ sở\n"
        f"Tổ Cơ khí 1;{names[MINH_PHAT]};Tổ công đoàn\n"
    )
    with Session(runtime.engine) as session, session.begin():
        province = session.get(UnionUnit, PROVINCE)
        assert province is not None
        file = tree_import.read_tree(tree.encode(), "cay.csv", today=TODAY)
        result = tree_import.apply(
            session, root=province, file=file, by=None, now=runtime.clock.now()
        )
        assert (result.created, result.updated) == (2, 1)
    with Session(runtime.engine) as session:
        mp = session.get(UnionUnit, MINH_PHAT)
        zone2 = session.exec(
            select(UnionUnit).where(UnionUnit.name == "Công đoàn KCN Sóng Thần")
        ).one()
        assert mp is not None and mp.parent_id == zone2.id
        assert session.get(Campaign, campaign_id).unit_id == MINH_PHAT  # type: ignore[union-attr]
    assert (await board(web, "all"))[names[MINH_PHAT]] == before
    assert (await board(web, f"campaign:{campaign_id}"))[names[MINH_PHAT]] == in_campaign
    await web.aclose()


async def test_a_groups_members_count_for_their_grassroots_union(
    client: httpx.AsyncClient, runtime: Runtime
):
    """Members found on the roster are placed in their group (tổ công đoàn): their points and
    taking part count on their grassroots union's row."""
    from core.members.models import UnitKind

    data = load_demo(runtime)
    now = runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        mp = session.get(UnionUnit, MINH_PHAT)
        assert mp is not None
        group = units.create(
            session,
            parent=mp,
            fields=units.UnitFields(name="Tổ Cơ khí 1", kind=UnitKind.UNION_GROUP),
            by=None,
            now=now,
        )
        group_id = group.id
        in_group, at_company = first_members(session, MINH_PHAT, 2)
        in_group.unit_id = group_id  # type: ignore[assignment]
        session.flush()
        for n, person in enumerate((in_group, at_company)):
            points.award(
                session,
                member_id=person.id,  # type: ignore[arg-type]
                points=10 * (n + 1),
                source=PointsSource.PARTICIPATION,
                source_id=f"group-{n}",
                now=now,
            )
    web, _officer = await signed_in_officer(client, runtime, data, PROVINCE)
    with Session(runtime.engine) as session:
        name = session.get(UnionUnit, MINH_PHAT).name  # type: ignore[union-attr]
        joined = len(
            session.exec(
                select(Member).where(Member.unit_id.in_([MINH_PHAT, group_id]))  # type: ignore[union-attr,attr-defined]
            ).all()
        )
    rows = await board(web, "all")
    assert rows[name][2:5] == ["30", "2", str(joined)]
    assert "Tổ Cơ khí 1" not in rows
    await web.aclose()
