# ruff: noqa: F811  (the fixtures are imported by name from tests/browser/support.py)
"""The admin API imports the tree and a roster (semicolon CSV, Windows line ends, BOM) into the
caller's units: a dry run with the bad rows by their Excel row number, nothing written; the
import; the same file again changes nothing; another union's unit is refused. SQLite and
PostgreSQL."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.members.models import RosterEntry, UnionUnit
from core.organisation.models import UnitChange
from tests.browser.support import client, settings  # noqa: F401
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, load_demo
from tests.e2e.test_api_campaigns import bearer, token_for

pytestmark = pytest.mark.anyio
TREE = (
    "\ufeffMã đơn vị;Tên đơn vị;Mã đơn vị cấp trên;Loại đơn vị;Số đoàn viên\r\n"
    "MP-T1;Tổ Cơ khí 1;;Tổ công đoàn;40\r\n"
    "MP-T2;Tổ Sơn;;Tổ công đoàn;25\r\n"
)
ROSTER = (
    "Họ và tên;Đơn vị;Đối tượng;Số thẻ đoàn viên\r\n"
    "Trịnh Thị Hồng;MP-T1;Công nhân;MP-0001\r\n"
    "Lý Văn Khoa;Tổ Sơn;Cán bộ;MP-0002\r\n"
)


async def test_import_through_the_api_in_the_officers_units(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    own = bearer(token_for(runtime, data.officer_of[MINH_PHAT]))
    csv = {"Content-Type": "text/csv"}
    url = f"/api/v1/org/tree/import?unit_id={MINH_PHAT}"
    outside = await client.post(
        f"/api/v1/org/tree/import?unit_id={HUNG_THINH}",
        content=TREE.encode(),
        headers={**own, **csv},
    )
    assert outside.status_code == 403
    bad = TREE + "MP-T3;;;Tổ công đoàn;\r\nMP-T4;Tổ Điện;NOPE;Tổ công đoàn;\r\n"
    dry = (await client.post(url, content=bad.encode(), headers={**own, **csv})).json()
    assert dry["confirmed"] is False and [p["row"] for p in dry["problems"]] == [4, 5]
    assert "NOPE" in dry["problems"][1]["text"]
    refused = (
        await client.post(f"{url}&confirm=true", content=bad.encode(), headers={**own, **csv})
    ).json()
    assert refused["confirmed"] is False
    with Session(runtime.engine) as session:
        assert session.exec(select(UnionUnit).where(UnionUnit.code == "MP-T1")).first() is None
    done = (
        await client.post(f"{url}&confirm=true", content=TREE.encode(), headers={**own, **csv})
    ).json()
    assert (done["confirmed"], done["create"], done["problems"]) == (True, 2, [])
    again = (
        await client.post(f"{url}&confirm=true", content=TREE.encode(), headers={**own, **csv})
    ).json()
    assert (again["create"], again["update"], again["unchanged"]) == (0, 0, 2)
    roster = await client.post(
        f"/api/v1/org/roster/import?unit_id={MINH_PHAT}&confirm=true",
        content=ROSTER.encode(),
        headers={**own, **csv},
    )
    assert roster.json()["create"] == 2 and roster.json()["confirmed"] is True
    with Session(runtime.engine) as session:
        assert len(session.exec(select(RosterEntry)).all()) == 2
        creates = session.exec(select(UnitChange).where(UnitChange.action == "create")).all()
        assert {c.by_member_id for c in creates} == {data.officer_of[MINH_PHAT]}


async def test_the_tree_changed_through_the_api_within_the_officers_units(
    client: httpx.AsyncClient, runtime: Runtime
):
    from tests.e2e.campaign_support import ZONE

    data = load_demo(runtime)
    own = bearer(token_for(runtime, data.officer_of[MINH_PHAT]))
    zone = bearer(token_for(runtime, data.officer_of[ZONE]))
    listed = (await client.get("/api/v1/units", headers=own)).json()
    assert [u["id"] for u in listed] == [MINH_PHAT]
    changed = await client.patch(
        f"/api/v1/units/{MINH_PHAT}",
        json={"declared_members": 420, "join_mode": "roster_only"},
        headers=own,
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["declared_members"], changed.json()["join_mode"]) == (420, "roster_only")
    group = await client.post(
        "/api/v1/units",
        json={"parent_id": MINH_PHAT, "name": "Tổ Cơ khí 1", "kind": "union_group"},
        headers=own,
    )
    assert group.status_code == 201
    mine = await client.post(
        f"/api/v1/units/{MINH_PHAT}/move", json={"parent_id": ZONE}, headers=own
    )
    assert (mine.status_code, mine.json()["error"]) == (403, "own_unit")
    other = await client.patch(f"/api/v1/units/{HUNG_THINH}", json={"name": "X"}, headers=own)
    assert other.status_code == 403
    upper = await client.post(
        "/api/v1/units",
        json={"parent_id": ZONE, "name": "Công đoàn KCN Sóng Thần", "kind": "upper_level_union"},
        headers=zone,
    )
    moved = await client.post(
        f"/api/v1/units/{MINH_PHAT}/move", json={"parent_id": upper.json()["id"]}, headers=zone
    )
    assert moved.status_code == 200 and moved.json()["parent_id"] == upper.json()["id"]
    closed = await client.post(f"/api/v1/units/{group.json()['id']}/close", headers=own)
    assert closed.status_code == 200 and closed.json()["closed_at"] is not None
    with Session(runtime.engine) as session:
        group_row = session.get(UnionUnit, group.json()["id"])
        company = session.get(UnionUnit, MINH_PHAT)
        assert group_row.path.startswith(company.path)  # type: ignore[union-attr]
        actions = [
            (c.action, c.by_member_id)
            for c in session.exec(select(UnitChange).order_by(UnitChange.id))  # type: ignore[arg-type]
        ]
    assert ("move", data.officer_of[ZONE]) in actions
    assert ("join_mode", data.officer_of[MINH_PHAT]) in actions
    assert ("close", data.officer_of[MINH_PHAT]) in actions


async def test_the_desk_changes_a_unit_and_refuses_moving_the_officers_own(
    client: httpx.AsyncClient, runtime: Runtime
):
    from tests.browser.support import post_form, signed_in_officer
    from tests.e2e.campaign_support import ZONE

    data = load_demo(runtime)
    web, _user = await signed_in_officer(client, runtime, data, MINH_PHAT)
    saved = await post_form(
        web,
        "/web/org",
        "/web/org/units/edit",
        {"unit_id": MINH_PHAT, "declared_members": "1.250", "join_mode": "roster_only"},
    )
    assert saved.status_code == 303
    page = await web.get(saved.headers["location"])
    assert "Đã thay đổi và ghi lại lịch sử." in page.text
    with Session(runtime.engine) as session:
        unit = session.get(UnionUnit, MINH_PHAT)
        assert unit is not None and (unit.declared_members, unit.join_mode) == (1250, "roster_only")
    refused = await post_form(
        web, "/web/org", "/web/org/units/move", {"unit_id": MINH_PHAT, "parent_id": ZONE}
    )
    assert refused.status_code == 404  # not a unit the officer may move: nothing leaks
    await web.aclose()
