"""The admin API of initiatives, reward tables, commendations and reports: officer tokens
scoped to their units (403 logged), the workflow with the authors told in chat, the reward
from the band once, the export, OpenAPI."""

from __future__ import annotations

import csv
import io
import logging

import httpx
import pytest
from openpyxl import load_workbook
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core.initiatives.models import Initiative
from core.members.models import Member
from core.points.models import MemberScore, PointsEntry
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, ZONE, load_demo, member, member_id
from tests.e2e.initiative_support import sent_initiative
from tests.e2e.test_api_campaigns import bearer, token_for

pytestmark = pytest.mark.anyio

TABLE = {
    "effective_from": "2026-01-01",
    "vnd_per_hour": 50_000,
    "bands": [
        {"min_vnd": 0, "max_vnd": 10_000_000, "reward_vnd": 500_000, "points": 10},
        {"min_vnd": 10_000_000, "max_vnd": 50_000_000, "reward_vnd": 2_000_000, "points": 31},
        {"min_vnd": 50_000_000, "max_vnd": None, "reward_vnd": 5_000_000, "points": 80},
    ],
}


async def test_initiative_workflow_through_the_api(
    client: httpx.AsyncClient, runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    data = load_demo(runtime)
    worker = await member(client, runtime, name="Nguyễn Thị Lan")
    coworker = await member(client, runtime, name="Trần Văn Hùng")
    lan, hung = member_id(runtime, "Nguyễn Thị Lan"), member_id(runtime, "Trần Văn Hùng")
    mine = bearer(token_for(runtime, data.officer_of[MINH_PHAT]))
    other = bearer(token_for(runtime, data.officer_of[HUNG_THINH]))
    zone_officer = data.officer_of[ZONE]

    # the reward table: overlaps refused, another unit's table refused, then set and read
    overlap = {**TABLE, "bands": [TABLE["bands"][0], {**TABLE["bands"][1], "min_vnd": 5}]}
    refused = await client.put(
        f"/api/v1/units/{MINH_PHAT}/reward-table", json=overlap, headers=mine
    )
    assert refused.status_code == 422 and refused.json() == {"error": "table_overlap"}
    outside = await client.put(f"/api/v1/units/{HUNG_THINH}/reward-table", json=TABLE, headers=mine)
    assert outside.status_code == 403
    assert (
        await client.get(f"/api/v1/units/{MINH_PHAT}/reward-table", headers=mine)
    ).status_code == 404
    saved = await client.put(f"/api/v1/units/{MINH_PHAT}/reward-table", json=TABLE, headers=mine)
    assert saved.status_code == 200, saved.text
    table = (await client.get(f"/api/v1/units/{MINH_PHAT}/reward-table", headers=mine)).json()
    assert table["bands"] == TABLE["bands"] and table["effective_from"] == "2026-01-01"
    before = await client.get(
        f"/api/v1/units/{MINH_PHAT}/reward-table", params={"on": "2025-12-31"}, headers=mine
    )
    assert before.status_code == 404

    initiative_id, code = sent_initiative(runtime, lan, coauthors=(hung,))
    await worker.replies()
    await coworker.replies()

    listed = (await client.get("/api/v1/initiatives", headers=mine)).json()
    assert [i["code"] for i in listed] == [code]
    assert (await client.get("/api/v1/initiatives", headers=other)).json() == []
    assert (
        await client.get("/api/v1/initiatives", params={"status": "accepted"}, headers=mine)
    ).json() == []
    shown = (await client.get(f"/api/v1/initiatives/{initiative_id}", headers=mine)).json()
    assert [a["name"] for a in shown["authors"]] == ["Nguyễn Thị Lan", "Trần Văn Hùng"]
    assert "stored_path" not in str(shown)

    caplog.set_level(logging.WARNING)
    for method, path, body in [
        ("GET", f"/api/v1/initiatives/{initiative_id}", None),
        ("POST", f"/api/v1/initiatives/{initiative_id}/accept", None),
        ("POST", f"/api/v1/initiatives/{initiative_id}/ask", {"question": "?"}),
        ("POST", f"/api/v1/initiatives/{initiative_id}/reject", {"reason": "không"}),
        ("POST", f"/api/v1/initiatives/{initiative_id}/assign", {"assignee_id": 1}),
        ("POST", f"/api/v1/initiatives/{initiative_id}/applied", None),
    ]:
        answer = await client.request(method, path, json=body, headers=other)
        assert answer.status_code == 403, (path, answer.text)
        assert answer.json() == {"error": "outside_scope"}
    assert "admin API refused (403 outside_scope)" in caplog.text
    assert (await client.get("/api/v1/initiatives/99999", headers=mine)).status_code == 404

    asked = await client.post(
        f"/api/v1/initiatives/{initiative_id}/ask",
        json={"question": "Gá kẹp dùng cho máy nào?"},
        headers=mine,
    )
    assert asked.json()["status"] == "needs_info"
    assert "Gá kẹp dùng cho máy nào?" in worker.texts(await worker.replies())
    not_officer = await client.post(
        f"/api/v1/initiatives/{initiative_id}/assign", json={"assignee_id": hung}, headers=mine
    )
    assert not_officer.status_code == 403 and not_officer.json()["error"] == "assignee_not_officer"
    assigned = await client.post(
        f"/api/v1/initiatives/{initiative_id}/assign",
        json={"assignee_id": zone_officer},
        headers=mine,
    )
    assert assigned.json()["assignee_id"] == zone_officer
    empty = await client.post(
        f"/api/v1/initiatives/{initiative_id}/reject", json={"reason": "   "}, headers=mine
    )
    assert empty.status_code == 422 and empty.json() == {"error": "reason_empty"}
    too_early = await client.post(f"/api/v1/initiatives/{initiative_id}/applied", headers=mine)
    assert too_early.status_code == 409 and too_early.json() == {"error": "wrong_status"}

    accepted = await client.post(f"/api/v1/initiatives/{initiative_id}/accept", headers=mine)
    assert accepted.status_code == 200, accepted.text
    reward = accepted.json()["reward"]
    assert (reward["benefit_vnd"], reward["reward_vnd"], reward["points"]) == (
        24_000_000,
        2_000_000,
        31,
    )
    assert [(s["vnd"], s["points"]) for s in reward["shares"]] == [(1_000_000, 16), (1_000_000, 15)]
    again = await client.post(f"/api/v1/initiatives/{initiative_id}/accept", headers=mine)
    assert again.status_code == 409 and again.json() == {"error": "already_accepted"}
    told = worker.texts(await worker.replies())
    assert "1.000.000" in told and "₫" in told
    applied = await client.post(f"/api/v1/initiatives/{initiative_id}/applied", headers=mine)
    assert applied.json()["status"] == "applied"

    with Session(runtime.engine) as session:
        entries = session.exec(select(PointsEntry).where(PointsEntry.source == "initiative")).all()
        assert sorted(e.points for e in entries) == [15, 16]
        scores = session.exec(select(MemberScore).where(MemberScore.scope == "all")).all()
        assert sorted(s.points for s in scores) == [15, 16]
        item = session.get(Initiative, initiative_id)
        assert item is not None and item.reward_vnd == 2_000_000

    csv_answer = await client.get(
        "/api/v1/reports/initiatives",
        params={"from": "2026-11-01", "to": "2026-11-30"},
        headers=mine,
    )
    assert csv_answer.status_code == 200 and csv_answer.headers["content-type"].startswith(
        "text/csv"
    )
    rows = list(csv.reader(io.StringIO(csv_answer.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["unit", "status", "initiatives"]
    assert rows[1] == [
        "Công đoàn Công ty TNHH Cơ khí Minh Phát",
        "applied",
        "1",
        "24000000",
        "2000000",
    ]
    xlsx = await client.get(
        "/api/v1/reports/initiatives",
        params={"from": "2026-11-01", "to": "2026-11-30", "format": "xlsx"},
        headers=mine,
    )
    sheet = load_workbook(io.BytesIO(xlsx.content))["initiatives"]
    assert [c.value for c in sheet[2]] == [
        "Công đoàn Công ty TNHH Cơ khí Minh Phát",
        "applied",
        1,
        24_000_000,
        2_000_000,
    ]
    theirs = await client.get(
        "/api/v1/reports/initiatives",
        params={"from": "2026-11-01", "to": "2026-11-30", "format": "json"},
        headers=other,
    )
    assert theirs.json() == []
    outside_report = await client.get(
        "/api/v1/reports/initiatives",
        params={"from": "2026-11-01", "to": "2026-11-30", "unit_id": MINH_PHAT},
        headers=other,
    )
    assert outside_report.status_code == 403


async def test_commendations_through_the_api(client: httpx.AsyncClient, runtime: Runtime) -> None:
    data = load_demo(runtime)
    worker = await member(client, runtime, name="Nguyễn Thị Lan", public_name=False)
    lan = member_id(runtime, "Nguyễn Thị Lan")
    mine = bearer(token_for(runtime, data.officer_of[MINH_PHAT]))
    other = bearer(token_for(runtime, data.officer_of[HUNG_THINH]))
    with Session(runtime.engine) as session:
        stranger = session.exec(
            select(Member.id).where(Member.unit_id == HUNG_THINH).order_by(col(Member.id))
        ).first()

    body = {
        "unit_id": MINH_PHAT,
        "member_ids": [lan],
        "reason": "Cứu máy ép khỏi sự cố",
        "adhoc": True,
    }
    assert (await client.post("/api/v1/commendations", json=body, headers=other)).status_code == 403
    mixed = {**body, "member_ids": [lan, stranger], "team_name": "Tổ 1"}
    refused = await client.post("/api/v1/commendations", json=mixed, headers=mine)
    assert refused.status_code == 403 and refused.json() == {"error": "nominee_other_unit"}
    created = await client.post("/api/v1/commendations", json=body, headers=mine)
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["status"] == "nominated" and item["adhoc"] and item["by_officer"]
    asked = worker.texts(await worker.replies())
    assert "tên" in asked.lower()  # asked whether the announcement may name her

    cross = await client.post(
        f"/api/v1/commendations/{item['id']}/approve", json={"points": 25}, headers=other
    )
    assert cross.status_code == 403
    approved = await client.post(
        f"/api/v1/commendations/{item['id']}/approve", json={"points": 25}, headers=mine
    )
    assert approved.json()["status"] == "approved" and approved.json()["points"] == 25
    twice = await client.post(f"/api/v1/commendations/{item['id']}/approve", json={}, headers=mine)
    assert twice.status_code == 409
    assert [c["id"] for c in (await client.get("/api/v1/commendations", headers=mine)).json()] == [
        item["id"]
    ]
    assert (await client.get("/api/v1/commendations", headers=other)).json() == []
    with Session(runtime.engine) as session:
        entries = session.exec(
            select(PointsEntry).where(PointsEntry.source == "commendation")
        ).all()
        assert [(e.member_id, e.points) for e in entries] == [(lan, 25)]

    report = await client.get(
        "/api/v1/reports/commendations",
        params={"from": "2026-11-01", "to": "2026-11-30", "format": "json"},
        headers=mine,
    )
    [row] = report.json()
    assert (row["people_commended"], row["direct_workers"], row["direct_worker_share"]) == (
        1,
        1,
        1.0,
    )


async def test_openapi_lists_the_initiative_api(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    for path in (
        "/api/v1/initiatives",
        "/api/v1/initiatives/{initiative_id}/accept",
        "/api/v1/units/{unit_id}/reward-table",
        "/api/v1/commendations/{commendation_id}/approve",
        "/api/v1/reports/{kind}",
    ):
        assert path in paths, path
    assert (await client.get("/api/v1/initiatives")).status_code == 401
