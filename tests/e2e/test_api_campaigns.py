"""The admin API: bearer tokens per officer (hash stored), scope, launch, report, OpenAPI."""

from __future__ import annotations

import logging

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from bots.settings import Settings, load_settings
from core.campaigns import service
from core.campaigns.models import OfficerToken
from core.members.models import Member
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, ZONE, load_demo, member

pytestmark = pytest.mark.anyio


def token_for(runtime: Runtime, member_id: int) -> str:
    with Session(runtime.engine) as session, session.begin():
        member = session.get(Member, member_id)
        assert member is not None
        return service.issue_token(session, member=member, now=runtime.clock.now())


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


CAMPAIGN = {
    "title": "Tháng thi đua năng suất",
    "description": "Mỗi tổ đăng ký chỉ tiêu.",
    "criteria": "Năng suất, an toàn",
    "target_groups": ["direct_worker"],
    "starts_on": "2026-11-25",
    "ends_on": "2026-12-31",
}


async def test_scoped_tokens(
    client: httpx.AsyncClient, runtime: Runtime, caplog: pytest.LogCaptureFixture
):
    data = load_demo(runtime)
    await member(client, runtime, code="CDCSFD44", name="Trần Văn Bình")
    zone = bearer(token_for(runtime, data.officer_of[ZONE]))
    minh_phat = bearer(token_for(runtime, data.officer_of[MINH_PHAT]))
    with Session(runtime.engine) as session:
        stored = session.exec(select(OfficerToken.token_hash)).all()
    assert all(len(h) == 64 and not h.startswith("thd_") for h in stored)

    assert (await client.get("/api/v1/campaigns")).status_code == 401
    assert (await client.get("/api/v1/campaigns", headers=bearer("thd_wrong"))).status_code == 401

    created = await client.post(
        "/api/v1/campaigns", json={**CAMPAIGN, "unit_id": HUNG_THINH}, headers=zone
    )
    assert created.status_code == 201, created.text
    campaign_id = created.json()["id"]

    caplog.set_level(logging.WARNING)
    for method, path in [
        ("GET", f"/api/v1/campaigns/{campaign_id}"),
        ("GET", f"/api/v1/campaigns/{campaign_id}/plan"),
        ("PATCH", f"/api/v1/campaigns/{campaign_id}"),
        ("POST", f"/api/v1/campaigns/{campaign_id}/launch"),
        ("POST", f"/api/v1/campaigns/{campaign_id}/close"),
    ]:
        answer = await client.request(method, path, json={}, headers=minh_phat)
        assert answer.status_code == 403, (method, path, answer.text)
        assert answer.json() == {"error": "outside_scope"}
    assert "admin API refused (403 outside_scope)" in caplog.text
    assert (
        await client.post(
            "/api/v1/campaigns", json={**CAMPAIGN, "unit_id": HUNG_THINH}, headers=minh_phat
        )
    ).status_code == 403
    assert (await client.get("/api/v1/campaigns", headers=minh_phat)).json() == []
    listed = (await client.get("/api/v1/campaigns", headers=zone)).json()
    assert [c["id"] for c in listed] == [campaign_id]

    plan = (await client.get(f"/api/v1/campaigns/{campaign_id}/plan", headers=zone)).json()
    assert plan["audience"] == 9  # 8 demo workers without messenger, Bình on the web chat
    assert plan["by_platform"] == {"webchat": {"now": 1}}
    assert plan["unreachable"] == {"no_messenger": 8}

    launched = await client.post(f"/api/v1/campaigns/{campaign_id}/launch", json={}, headers=zone)
    assert launched.status_code == 200, launched.text
    broadcast = launched.json()
    assert broadcast["created"] is True and broadcast["audience"] == 9
    again = await client.post(f"/api/v1/campaigns/{campaign_id}/launch", json={}, headers=zone)
    assert again.json()["created"] is False and again.json()["id"] == broadcast["id"]
    await runtime.drain()

    report = await client.get(f"/api/v1/broadcasts/{broadcast['id']}/report", headers=zone)
    body = report.json()
    assert body["audience"] == 9
    assert body["totals"] == {"queued": 0, "sent": 1, "waiting": 0, "failed": 0, "skipped": 8}
    assert sum(body["totals"].values()) == body["audience"]
    assert body["by_unit"][str(HUNG_THINH)]["sent"] == 1
    denied = await client.get(f"/api/v1/broadcasts/{broadcast['id']}/report", headers=minh_phat)
    assert denied.status_code == 403

    closed = await client.post(f"/api/v1/campaigns/{campaign_id}/close", headers=zone)
    assert closed.json()["status"] == "closed"
    relaunch = await client.post(f"/api/v1/campaigns/{campaign_id}/launch", json={}, headers=zone)
    assert relaunch.status_code == 409 and relaunch.json() == {"error": "campaign_closed"}


async def test_operator_token_and_bad_input(
    runtime: Runtime, settings: Settings, database_url: str
):
    from bots.app import create_app
    from bots.bootstrap import build_runtime

    admin_settings = load_settings(
        environ={"THIDUA_DATABASE_URL": database_url, "THIDUA_ADMIN_TOKEN": "operator-secret-123"}
    )
    rt = build_runtime(admin_settings, engine=runtime.engine, clock=runtime.clock)
    load_demo(rt)
    app = create_app(admin_settings, runtime=rt, background=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        admin = bearer("operator-secret-123")
        created = await client.post(
            "/api/v1/campaigns", json={**CAMPAIGN, "unit_id": MINH_PHAT}, headers=admin
        )
        assert created.status_code == 201
        campaign_id = created.json()["id"]
        backwards = await client.post(
            "/api/v1/campaigns",
            json={
                **CAMPAIGN,
                "unit_id": MINH_PHAT,
                "starts_on": "2026-12-31",
                "ends_on": "2026-12-01",
            },
            headers=admin,
        )
        assert backwards.status_code == 422 and backwards.json() == {"error": "ends_before_start"}
        for text, error in [("", "announcement_empty"), ("x" * 20_000, "announcement_too_long")]:
            answer = await client.post(
                f"/api/v1/campaigns/{campaign_id}/launch", json={"text": text}, headers=admin
            )
            assert answer.status_code == 422 and answer.json() == {"error": error}
        past = await client.post(
            f"/api/v1/campaigns/{campaign_id}/launch",
            json={"text": "Phát động", "scheduled_at": "2026-11-24T08:00:00+07:00"},
            headers=admin,
        )
        assert past.status_code == 422 and past.json() == {"error": "scheduled_in_past"}
        nobody = await client.post(
            "/api/v1/broadcasts",
            json={
                "unit_id": 3,
                "include_subtree": False,
                "target_groups": ["direct_worker"],
                "text": "Xin chào",
            },
            headers=admin,
        )
        assert nobody.status_code == 409 and nobody.json() == {"error": "audience_empty"}
        schema = (await client.get("/openapi.json")).json()
        assert "/api/v1/campaigns/{campaign_id}/launch" in schema["paths"]
        assert "/api/v1/broadcasts/{broadcast_id}/report" in schema["paths"]
