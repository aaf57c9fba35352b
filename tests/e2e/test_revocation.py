"""Issue #15: what an operator gives can be taken back. `thidua officer revoke-tokens`,
`revoke` and `revoke-invite`, run as commands on the test's database: the admin API refuses a
revoked token, a revoked officer acts no more, a revoked invite code lets nobody join."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest
from sqlmodel import Session, func, select

from bots.bootstrap import Runtime
from core.members.models import OfficerRole
from tests.e2e.campaign_support import MINH_PHAT, load_demo
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio


def thidua(runtime: Runtime, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")}
    env["THIDUA_DATABASE_URL"] = runtime.settings.database_url
    return subprocess.run(
        [sys.executable, "-m", "bots", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def token_of(runtime: Runtime, officer: int) -> dict[str, str]:
    made = thidua(runtime, "officer", "token", str(officer))
    assert made.returncode == 0, made.stderr
    return {"Authorization": f"Bearer {made.stdout.splitlines()[1].strip()}"}


async def test_tokens_roles_and_invite_codes_are_revoked(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    data = load_demo(runtime)
    officer = data.officer_of[MINH_PHAT]
    bearer = token_of(runtime, officer)
    assert (await client.get("/api/v1/initiatives", headers=bearer)).status_code == 200

    revoked = thidua(runtime, "officer", "revoke-tokens", str(officer))
    assert revoked.returncode == 0 and "1 API token(s)" in revoked.stdout, revoked
    assert (await client.get("/api/v1/initiatives", headers=bearer)).status_code == 401

    fresh = token_of(runtime, officer)
    removed = thidua(runtime, "officer", "revoke", str(officer), str(MINH_PHAT))
    assert removed.returncode == 0, removed.stdout
    with Session(runtime.engine) as session:
        roles = select(func.count()).where(OfficerRole.member_id == officer)
        assert session.exec(roles).one() == 0
    refused = await client.get(f"/api/v1/units/{MINH_PHAT}/reward-table", headers=fresh)
    assert refused.status_code == 403, refused.text
    again = thidua(runtime, "officer", "revoke", str(officer), str(MINH_PHAT))
    assert again.returncode == 1 and "not an officer" in again.stdout

    closed = thidua(runtime, "officer", "revoke-invite", "cdcstn33")
    assert closed.returncode == 0 and "CDCSTN33" in closed.stdout, closed
    person = await ChatUser(client, runtime).open()
    answer = await person.say("/start CDCSTN33")
    assert "Mã mời này không còn hiệu lực" in person.texts(answer), person.texts(answer)
