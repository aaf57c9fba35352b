"""Withdrawn access stops working at once: an officer role withdrawn through the admin API (the
person's chat, API token and web desk refuse on their next use), a token withdrawn or expired,
an invite code withdrawn (the next person who sends it is refused), and the same through
`thidua officer revoke|revoke-token|revoke-invite`. On SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from bots.cli import main
from core.campaigns.models import OfficerToken
from core.members.models import OfficerRole
from core.organisation.models import UnitChange
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, ZONE, load_demo, officer
from tests.e2e.test_api_campaigns import bearer, token_for
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio


def role_of(runtime: Runtime, member_id: int, unit_id: int) -> int | None:
    with Session(runtime.engine) as session:
        return session.exec(
            select(OfficerRole.id).where(
                OfficerRole.member_id == member_id, OfficerRole.unit_id == unit_id
            )
        ).first()


async def test_a_withdrawn_role_token_and_invite_stop_working_at_once(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    chair = data.officer_of[MINH_PHAT]
    zone = bearer(token_for(runtime, data.officer_of[ZONE]))
    own = bearer(token_for(runtime, chair))
    other = bearer(token_for(runtime, data.officer_of[HUNG_THINH]))
    minh_phat = await officer(client, runtime, data, MINH_PHAT, english=False)
    assert (await client.get("/api/v1/join-requests", headers=own)).status_code == 200

    listed = (await client.get("/api/v1/officers", headers=zone)).json()
    assert {r["unit_id"] for r in listed} >= {ZONE, MINH_PHAT, HUNG_THINH}
    assert {r["unit_id"] for r in (await client.get("/api/v1/officers", headers=own)).json()} == {
        MINH_PHAT
    }
    role = role_of(runtime, chair, MINH_PHAT)
    mine = await client.delete(f"/api/v1/officers/{role}", headers=own)
    assert (mine.status_code, mine.json()["error"]) == (403, "own_role")
    theirs = await client.delete(f"/api/v1/officers/{role}", headers=other)
    assert theirs.status_code == 403
    withdrawn = await client.delete(f"/api/v1/officers/{role}", headers=zone)
    assert withdrawn.status_code == 200, withdrawn.text

    # at once: the chat, the token (withdrawn with the last role) and the record
    answer = await minh_phat.say("/requests")
    assert "Chỉ cán bộ công đoàn" in minh_phat.texts(answer)
    assert (await client.get("/api/v1/join-requests", headers=own)).status_code == 401
    with Session(runtime.engine) as session:
        change = session.exec(
            select(UnitChange).where(UnitChange.action == "officer_revoked")
        ).one()
        assert change.unit_id == MINH_PHAT and change.by_member_id == data.officer_of[ZONE]
        assert role_of(runtime, chair, MINH_PHAT) is None

    # a token withdrawn by its owner, and one that expired
    tokens = (await client.get("/api/v1/tokens", headers=zone)).json()
    assert len(tokens) == 1 and tokens[0]["revoked_at"] is None
    dropped = await client.delete(f"/api/v1/tokens/{tokens[0]['id']}", headers=zone)
    assert dropped.status_code == 200 and dropped.json()["revoked_at"] is not None
    assert (await client.get("/api/v1/officers", headers=zone)).status_code == 401
    from datetime import timedelta

    from core.campaigns import service
    from core.members.models import Member

    with Session(runtime.engine) as session, session.begin():
        member = session.get(Member, data.officer_of[HUNG_THINH])
        short = bearer(
            service.issue_token(
                session, member=member, now=runtime.clock.now(), ttl=timedelta(days=1)
            )
        )
    assert (await client.get("/api/v1/officers", headers=short)).status_code == 200
    runtime.clock.advance(days=1)  # type: ignore[attr-defined]
    assert (await client.get("/api/v1/officers", headers=short)).status_code == 401

    # an invite code: not another union's to withdraw; withdrawn, it lets nobody in
    assert (await client.post("/api/v1/invites/CDCSTN33/revoke", headers=other)).status_code == 403
    again = await client.post(
        "/api/v1/invites/cdcstn33/revoke", headers=bearer(token_for(runtime, data.officer_of[ZONE]))
    )
    assert again.status_code == 200 and again.json()["revoked_at"] is not None
    worker = await ChatUser(client, runtime).open()
    await worker.say("/start")
    refused = await worker.say("CDCSTN33")
    assert "không còn hiệu lực" in worker.texts(refused)


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    for key in list(__import__("os").environ):
        if key.startswith("THIDUA_") and not key.startswith("THIDUA_TEST_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("THIDUA_DATABASE_URL", database_url)


async def test_the_cli_withdraws_roles_tokens_and_codes(
    cli_env: None, client: httpx.AsyncClient, runtime: Runtime, engine: Engine, capsys
):
    data = load_demo(runtime)
    chair = data.officer_of[MINH_PHAT]
    token = bearer(token_for(runtime, data.officer_of[ZONE]))
    assert main(["officer", "token", str(chair), "--days", "30"]) == 0
    assert "valid 30 days" in capsys.readouterr().out
    assert main(["officer", "list"]) == 0
    assert "token #" in capsys.readouterr().out
    with Session(engine) as session:
        zone_token = session.exec(
            select(OfficerToken.id).where(OfficerToken.member_id == data.officer_of[ZONE])
        ).one()
    assert main(["officer", "revoke-token", str(zone_token)]) == 0
    assert (await client.get("/api/v1/officers", headers=token)).status_code == 401
    assert main(["officer", "revoke", str(chair), str(MINH_PHAT)]) == 0
    assert role_of(runtime, chair, MINH_PHAT) is None
    assert main(["officer", "revoke", str(chair), str(MINH_PHAT)]) == 1
    with Session(engine) as session:
        assert all(
            t.revoked_at is not None
            for t in session.exec(select(OfficerToken).where(col(OfficerToken.member_id) == chair))
        )
    assert main(["officer", "revoke-invite", "CDCSTN33"]) == 0
    worker = await ChatUser(client, runtime).open()
    await worker.say("/start")
    assert "không còn hiệu lực" in worker.texts(await worker.say("CDCSTN33"))
