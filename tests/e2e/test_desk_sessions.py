# ruff: noqa: F811
"""Issue #15, the desk's sessions and sign-in: sessions stored on the server (sign-out,
another browser's sign-out, the end of the last role and /forget end them; they expire), the
sign-in throttle per address and per officer that never keeps the real officer out, and
X-Forwarded-For believed only from the proxies the operator named. Over HTTP with cookies and
the bot's codes through the web chat, rows checked, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from bots.cli import main
from bots.scheduling import retention_policy
from bots.web.session import SessionCodec
from core.websignin.models import WebSession
from core.websignin.sessions import token_hash
from scheduler.jobs import purge_personal_data
from tests.browser.support import (  # noqa: F401
    SECRET,
    ask_code,
    client,
    csrf_of,
    settings,
    signed_in_officer,
)
from tests.e2e.campaign_support import MINH_PHAT, ZONE, load_demo, officer
from tests.e2e.test_api_campaigns import bearer, token_for
from tests.e2e.test_revocation import cli_env, role_of  # noqa: F401  (fixture)

pytestmark = pytest.mark.anyio
WRONG = "AAAA-BBBB-CCCC"


def browser(client: httpx.AsyncClient, cookie: str | None = None) -> httpx.AsyncClient:
    other = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    if cookie is not None:
        other.cookies.set("thidua_web", cookie, path="/web")
    return other


def ref_of_cookie(web: httpx.AsyncClient) -> str:
    """How the sessions page names the session of this browser's cookie."""
    loaded = SessionCodec(SECRET, timedelta(hours=12)).loads(web.cookies.get("thidua_web"))
    assert loaded is not None and loaded.token
    return token_hash(loaded.token)[:16]


async def signed_in(web: httpx.AsyncClient) -> bool:
    answer = await web.get("/web/", follow_redirects=False)
    return answer.status_code == 200


def live_sessions(runtime: Runtime) -> list[WebSession]:
    with Session(runtime.engine) as session:
        return list(session.exec(select(WebSession).where(col(WebSession.ended_at).is_(None))))


async def sign_in_with(
    web: httpx.AsyncClient, code: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    page = await web.get("/web/signin")
    return await web.post(
        "/web/signin", data={"code": code, "csrf": csrf_of(page.text)}, headers=headers or {}
    )


async def test_sign_out_ends_the_session_on_the_server_for_a_copied_cookie(
    client: httpx.AsyncClient, runtime: Runtime, clock
):
    data = load_demo(runtime)
    web, _user = await signed_in_officer(client, runtime, data, MINH_PHAT)
    cookie = web.cookies.get("thidua_web")
    assert cookie
    stolen = browser(client, cookie)
    assert await signed_in(stolen)  # a copy works while the session lives ...
    (row,) = live_sessions(runtime)
    assert row.member_id == data.officer_of[MINH_PHAT]
    assert row.token_hash not in cookie  # the cookie has the token, the table its hash only

    page = await web.get("/web/")
    out = await web.post("/web/signout", data={"csrf": csrf_of(page.text)})
    assert out.status_code == 303
    assert not await signed_in(web)
    assert not await signed_in(stolen)  # ... and stops working with the sign-out
    assert live_sessions(runtime) == []
    with Session(runtime.engine) as session:
        assert session.exec(select(WebSession)).one().ended_at is not None
    # the ended row goes with the codes' retention (a day), by the scheduler's purge
    clock.advance(hours=23)
    assert (
        purge_personal_data(runtime.engine, clock, retention_policy(runtime.settings))[
            "desk_sessions"
        ]
        == 0
    )
    clock.advance(hours=2)
    purge_personal_data(runtime.engine, clock, retention_policy(runtime.settings))
    with Session(runtime.engine) as session:
        assert session.exec(select(WebSession)).first() is None


async def test_a_session_expires_and_a_forged_token_is_nobody(
    client: httpx.AsyncClient, runtime: Runtime, clock
):
    data = load_demo(runtime)
    web, _user = await signed_in_officer(client, runtime, data, MINH_PHAT)
    clock.advance(hours=11, minutes=50)
    assert await signed_in(web)
    clock.advance(minutes=11)  # past THIDUA_WEB_SESSION_HOURS (12)
    answer = await web.get("/web/", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/web/signin"
    forged = browser(client, (web.cookies.get("thidua_web") or "")[:-4] + "AAAA")
    assert not await signed_in(forged)


async def test_the_officer_lists_their_sign_ins_and_ends_the_others(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    phone, user = await signed_in_officer(client, runtime, data, MINH_PHAT)
    laptop = browser(client)
    assert (await sign_in_with(laptop, await ask_code(user))).status_code == 303
    kiosk = browser(client)
    assert (await sign_in_with(kiosk, await ask_code(user))).status_code == 303
    zone_web, _zone = await signed_in_officer(client, runtime, data, ZONE)

    page = await phone.get("/web/sessions")
    assert page.status_code == 200
    assert page.text.count("<tr><td>") == 3 and "trình duyệt này" in page.text
    assert "Đăng xuất trình duyệt đó" in page.text
    refs = [r.token_hash[:16] for r in live_sessions(runtime)]
    zone_ref = next(
        r.token_hash[:16]
        for r in live_sessions(runtime)
        if r.member_id != data.officer_of[MINH_PHAT]
    )
    # another officer's session cannot be ended from here
    await phone.post("/web/sessions/end", data={"ref": zone_ref, "csrf": csrf_of(page.text)})
    assert await signed_in(zone_web)
    assert len(refs) == 4

    kiosk_ref = ref_of_cookie(kiosk)
    assert kiosk_ref in refs
    listed = await phone.get("/web/sessions")
    assert kiosk_ref in listed.text
    ended = await phone.post(
        "/web/sessions/end", data={"ref": kiosk_ref, "csrf": csrf_of(listed.text)}
    )
    assert ended.status_code == 303
    assert not await signed_in(kiosk) and await signed_in(laptop)

    listed = await phone.get("/web/sessions")
    await phone.post("/web/sessions/end-others", data={"csrf": csrf_of(listed.text)})
    assert not await signed_in(laptop)
    assert await signed_in(phone) and await signed_in(zone_web)
    mine = [r for r in live_sessions(runtime) if r.member_id == data.officer_of[MINH_PHAT]]
    assert len(mine) == 1


async def test_a_withdrawn_role_and_forget_end_the_sessions(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    chair = data.officer_of[MINH_PHAT]
    web, _user = await signed_in_officer(client, runtime, data, MINH_PHAT)
    copy = browser(client, web.cookies.get("thidua_web"))
    zone = bearer(token_for(runtime, data.officer_of[ZONE]))
    role = role_of(runtime, chair, MINH_PHAT)
    assert (await client.delete(f"/api/v1/officers/{role}", headers=zone)).status_code == 200
    with Session(runtime.engine) as session:
        row = session.exec(select(WebSession).where(WebSession.member_id == chair)).one()
        assert row.ended_at is not None  # ended with the last role, before any request
    assert not await signed_in(copy) and not await signed_in(web)

    zone_web, zone_user = await signed_in_officer(client, runtime, data, ZONE)
    await zone_user.say("/forget")
    await zone_user.tap("privacy:forget_yes")
    assert not await signed_in(zone_web)
    with Session(runtime.engine) as session:
        left = session.exec(
            select(WebSession).where(WebSession.member_id == data.officer_of[ZONE])
        ).all()
        assert left == []


async def test_wrong_codes_block_the_address_but_a_new_code_still_works(
    client: httpx.AsyncClient, runtime: Runtime, clock
):
    data = load_demo(runtime)
    user = await officer(client, runtime, data, MINH_PHAT, english=False)
    early = await ask_code(user)  # asked for before the block
    web = browser(client)
    for _ in range(10):
        assert (await sign_in_with(web, WRONG)).status_code == 401
    blocked = await sign_in_with(web, early)
    assert blocked.status_code == 429
    assert "gửi /signin cho bot để nhận mã mới" in blocked.text
    assert live_sessions(runtime) == []  # refused without being spent
    clock.advance(seconds=5)
    fresh = await ask_code(user)  # the real officer behind the same address
    answer = await sign_in_with(web, fresh)
    assert answer.status_code == 303, answer.text
    assert await signed_in(web)
    # the block holds for the old code, then ends a window after the last failure
    other = browser(client)
    assert (await sign_in_with(other, early)).status_code == 429
    clock.advance(minutes=16)
    late = await sign_in_with(other, early)  # checked again: expired by now, not blocked
    assert late.status_code == 422 and "hết hạn" in late.text
    assert (await sign_in_with(other, WRONG)).status_code == 401


async def test_x_forwarded_for_is_ignored_without_named_proxies(
    client: httpx.AsyncClient, runtime: Runtime
):
    load_demo(runtime)
    web = browser(client)
    for n in range(10):  # a client cannot pick a new address per try
        forged = {"X-Forwarded-For": f"198.51.100.{n}"}
        assert (await sign_in_with(web, WRONG, forged)).status_code == 401
    again = await sign_in_with(web, WRONG, {"X-Forwarded-For": "198.51.100.77"})
    assert again.status_code == 429


async def test_the_operator_lists_desk_sessions_and_signs_an_officer_out(
    cli_env: None, client: httpx.AsyncClient, runtime: Runtime, clock, capsys
):
    clock.current = datetime.now(UTC)  # the command reads the machine's clock
    data = load_demo(runtime)
    chair = data.officer_of[MINH_PHAT]
    web, _user = await signed_in_officer(client, runtime, data, MINH_PHAT)
    assert main(["officer", "list"]) == 0
    assert f"desk session: member #{chair}, signed in" in capsys.readouterr().out
    assert main(["officer", "sign-out", str(chair)]) == 0
    assert "1 session(s) ended" in capsys.readouterr().out
    assert not await signed_in(web)
    assert main(["officer", "list"]) == 0
    assert "desk session" not in capsys.readouterr().out
    assert role_of(runtime, chair, MINH_PHAT) is not None  # the role stays
