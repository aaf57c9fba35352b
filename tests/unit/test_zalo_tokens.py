"""While a refresh of Zalo's token runs, no new call gets the dead token: `current()` waits
for the refresh, and the pair it then returns is the new one."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy.engine import Engine

from adapters.zalo.tokens import OAuthConfig, ZaloTokens
from core.storage.credentials import DbCredentialStore
from tests.conftest import FakeClock

pytestmark = pytest.mark.anyio


class Health:
    def __init__(self) -> None:
        self.flags: list[str] = []

    async def flag(self, platform: str, reason: str) -> None:
        self.flags.append(reason)

    async def clear(self, platform: str) -> None:
        pass


async def test_current_waits_for_a_running_refresh(engine: Engine, clock: FakeClock) -> None:
    answer = asyncio.Event()
    calls: list[str] = []

    async def token_endpoint(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        await answer.wait()  # the token endpoint takes its time
        return httpx.Response(
            200,
            json={"access_token": "AT-new", "refresh_token": "RT-new", "expires_in": "90000"},
        )

    async with httpx.AsyncClient(
        transport=httpx.MockTransport(token_endpoint), base_url="https://oauth.example"
    ) as oauth:
        tokens = ZaloTokens(
            OAuthConfig(
                app_id="1",
                app_secret="s",
                initial_access_token="AT-old",
                initial_refresh_token="RT-old",
            ),
            store=DbCredentialStore(engine),
            oauth=oauth,
            health=Health(),
            clock=clock,
        )
        old = await tokens.current()
        assert old.access_token == "AT-old"
        refreshing = asyncio.create_task(tokens.refresh(old.version))  # a call found it dead
        while not calls:
            await asyncio.sleep(0)
        waiting = asyncio.create_task(tokens.current())  # a new call meanwhile
        for _ in range(20):
            await asyncio.sleep(0)
        assert not waiting.done()  # it did not get the dead token
        answer.set()
        new = await refreshing
        assert (await waiting).access_token == new.access_token == "AT-new"
        # a call that was in flight with the old token asks too: no second refresh
        assert (await tokens.refresh(old.version)).access_token == "AT-new"
        assert calls == ["/v4/oa/access_token"]
