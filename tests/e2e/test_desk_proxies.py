# ruff: noqa: F811
"""Issue #15: behind the reverse proxies the operator names (THIDUA_TRUSTED_PROXIES), the
sign-in throttle counts the address the nearest untrusted hop of X-Forwarded-For gives, and a
client that writes its own header changes nothing; an officer whose old codes are tried from
many addresses is blocked for those codes only, and a new code still signs them in. Over HTTP,
on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest

from bots.bootstrap import Runtime
from bots.settings import Settings, load_settings
from tests.browser.support import SECRET, ask_code, client, csrf_of  # noqa: F401
from tests.e2e.campaign_support import MINH_PHAT, ZONE, load_demo, officer

pytestmark = pytest.mark.anyio
WRONG = "AAAA-BBBB-CCCC"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The app behind a proxy on this machine (the test transport's peer, 127.0.0.1) and one
    on the internal network."""
    return load_settings(
        environ={
            "THIDUA_DATABASE_URL": database_url,
            "THIDUA_WEB_UI": "true",
            "THIDUA_WEB_SECRET": SECRET,
            "THIDUA_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8",
        }
    )


async def attempt(client: httpx.AsyncClient, code: str, forwarded: str) -> httpx.Response:
    web = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    page = await web.get("/web/signin")
    return await web.post(
        "/web/signin",
        data={"code": code, "csrf": csrf_of(page.text)},
        headers={"X-Forwarded-For": forwarded},
    )


async def test_the_throttle_counts_the_address_the_named_proxies_give(
    client: httpx.AsyncClient, runtime: Runtime
):
    load_demo(runtime)
    for _ in range(10):
        assert (await attempt(client, WRONG, "203.0.113.5")).status_code == 401
    assert (await attempt(client, WRONG, "203.0.113.5")).status_code == 429
    assert (await attempt(client, WRONG, "203.0.113.6")).status_code == 401  # someone else
    # the client prepends a hop of its own: the proxy's last word still names 203.0.113.5
    assert (await attempt(client, WRONG, "198.51.100.1, 203.0.113.5")).status_code == 429
    # through a second, internal proxy (10.0.0.0/8, named): still 203.0.113.5
    assert (await attempt(client, WRONG, "203.0.113.5, 10.1.2.3")).status_code == 429


async def test_an_officers_old_codes_tried_from_many_addresses(
    client: httpx.AsyncClient, runtime: Runtime, clock
):
    data = load_demo(runtime)
    chair = await officer(client, runtime, data, MINH_PHAT, english=False)
    used = await ask_code(chair)
    assert (await attempt(client, used, "203.0.113.1")).status_code == 303
    waiting = await ask_code(chair)  # live, asked for before the block
    for n in range(5):  # the used code replayed from five addresses
        replay = await attempt(client, used, f"198.51.100.{n}")
        assert replay.status_code == 422 and "đã được dùng" in replay.text
    refused = await attempt(client, waiting, "203.0.113.1")
    assert refused.status_code == 429
    assert "mã đăng nhập cũ của cán bộ này" in refused.text
    clock.advance(seconds=30)
    # other officers are not touched, and the officer's new code works at once
    zone = await officer(client, runtime, data, ZONE, english=False)
    assert (await attempt(client, await ask_code(zone), "203.0.113.2")).status_code == 303
    assert (await attempt(client, await ask_code(chair), "203.0.113.1")).status_code == 303
