# ruff: noqa: F811
"""Officer sign-in to the web UI with a one-time code sent through the bot; sessions and CSRF.
(`client` and `settings` are the web UI's fixtures, imported from tests/browser/support.py.)"""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.websignin.models import WebSigninCode
from core.websignin.rules import code_hash
from tests.browser.support import ask_code, client, csrf_of, settings, signed_in_officer  # noqa: F401
from tests.e2e.campaign_support import MINH_PHAT, ZONE, load_demo, member, officer

pytestmark = pytest.mark.anyio


async def test_an_officer_signs_in_with_the_code_the_bot_sent(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    user = await officer(client, runtime, data, MINH_PHAT, english=False)
    replies = await user.say("/signin")
    text = user.texts(replies)
    assert "trang dành cho cán bộ" in text.lower() or "đăng nhập" in text.lower()
    assert "Trang đăng nhập: http://127.0.0.1:8000/web/signin" in text  # a link, not only a code
    code = ask_code.__globals__["code_in"](text)
    with Session(runtime.engine) as session:
        row = session.exec(select(WebSigninCode)).one()
        assert row.code_hash == code_hash(code)  # only the hash is kept
        assert code.replace("-", "") not in repr(row.model_dump())

    assert (await client.get("/web/", follow_redirects=False)).headers["location"] == "/web/signin"
    page = await client.get("/web/signin")
    assert page.status_code == 200
    assert 'lang="vi"' in page.text
    signed = await client.post("/web/signin", data={"code": code, "csrf": csrf_of(page.text)})
    assert signed.status_code == 303 and signed.headers["location"] == "/web/"
    home = await client.get("/web/")
    assert home.status_code == 200
    assert "Công đoàn Công ty TNHH Cơ khí Minh Phát" in home.text

    # single use: the same code again, from another browser
    other = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    page = await other.get("/web/signin")
    again = await other.post("/web/signin", data={"code": code, "csrf": csrf_of(page.text)})
    assert again.status_code == 422
    assert "đã được dùng" in again.text
    assert (await other.get("/web/", follow_redirects=False)).status_code == 303


async def test_codes_expire_and_wrong_codes_are_refused(
    client: httpx.AsyncClient, runtime: Runtime, clock
):
    data = load_demo(runtime)
    user = await officer(client, runtime, data, ZONE, english=False)
    code = await ask_code(user)
    clock.advance(minutes=11)
    page = await client.get("/web/signin")
    late = await client.post("/web/signin", data={"code": code, "csrf": csrf_of(page.text)})
    assert late.status_code == 422 and "hết hạn" in late.text
    wrong = await client.post(
        "/web/signin", data={"code": "AAAA-BBBB-CCCC", "csrf": csrf_of(page.text)}
    )
    assert wrong.status_code == 401


async def test_a_member_who_is_not_an_officer_gets_no_code(
    client: httpx.AsyncClient, runtime: Runtime
):
    load_demo(runtime)
    worker = await member(client, runtime)
    text = worker.texts(await worker.say("/signin"))
    assert "chỉ dành cho cán bộ công đoàn" in text
    with Session(runtime.engine) as session:
        assert session.exec(select(WebSigninCode)).first() is None


async def test_forms_without_the_session_csrf_token_are_refused(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    web, _user = await signed_in_officer(client, runtime, data, MINH_PHAT)
    missing = await web.post("/web/campaigns", data={"unit_id": MINH_PHAT, "title": "X"})
    assert missing.status_code == 403
    forged = await web.post(
        "/web/campaigns", data={"unit_id": MINH_PHAT, "title": "X", "csrf": "guess"}
    )
    assert forged.status_code == 403
    # a token from another session does not work either
    stranger = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    token = csrf_of((await stranger.get("/web/signin")).text)
    crossed = await web.post(
        "/web/campaigns", data={"unit_id": MINH_PHAT, "title": "X", "csrf": token}
    )
    assert crossed.status_code == 403
    page = await web.get("/web/campaigns")
    ok = await web.post(
        "/web/campaigns",
        data={"unit_id": MINH_PHAT, "title": "Tháng an toàn", "csrf": csrf_of(page.text)},
    )
    assert ok.status_code == 303


async def test_a_forged_cookie_is_a_stranger_and_sign_out_ends_the_session(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    web, _user = await signed_in_officer(client, runtime, data, MINH_PHAT)
    cookie = web.cookies.get("thidua_web")
    assert cookie
    forged = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    forged.cookies.set("thidua_web", cookie[:-3] + "abc", path="/web")
    assert (await forged.get("/web/", follow_redirects=False)).status_code == 303
    page = await web.get("/web/")
    out = await web.post("/web/signout", data={"csrf": csrf_of(page.text)})
    assert out.status_code == 303
    assert (await web.get("/web/", follow_redirects=False)).status_code == 303


async def test_the_english_switch(client: httpx.AsyncClient, runtime: Runtime):
    data = load_demo(runtime)
    web, _user = await signed_in_officer(client, runtime, data, MINH_PHAT)
    page = await web.get("/web/campaigns")
    assert "Phong trào thi đua" in page.text
    switched = await web.post(
        "/web/language",
        data={"lang": "en", "next": "/web/campaigns", "csrf": csrf_of(page.text)},
    )
    assert switched.headers["location"] == "/web/campaigns"
    page = await web.get("/web/campaigns")
    assert 'lang="en"' in page.text and "Emulation campaigns" in page.text
    evil = await web.post(
        "/web/language",
        data={"lang": "vi", "next": "//evil.example/", "csrf": csrf_of(page.text)},
    )
    assert evil.headers["location"] == "/web/"
