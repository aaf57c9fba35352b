"""Idle connections to the messengers' APIs are closed by us after THIDUA_HTTP_KEEPALIVE_EXPIRY
seconds (default 4, below uvicorn's 5 s and a proxy's 60-75 s), so that a send never goes out
on a connection the server is closing: each platform's client (Telegram, Messenger, Zalo OA,
Zalo Bot), watched from its fake's side, reuses a connection within the expiry and opens a
new one after it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest
from sqlalchemy.engine import Engine

from bots.settings import load_settings
from core.errors import Sent
from core.messages import OutgoingMessage, Recipient
from tests.e2e.broadcast_support import messenger_world

pytestmark = pytest.mark.anyio

EXPIRY = 1.5  # seconds, for the test; the idle wait below is the scenario, not a sync


class Connections:
    """An ASGI wrapper that notes, per fake, the client port of every request: one port, one
    TCP connection."""

    def __init__(self) -> None:
        self.ports: dict[str, list[int]] = defaultdict(list)
        self.count = 0

    def wrap(self, app: Any) -> Any:
        self.count += 1
        name = ("telegram", "facebook", "zalo", "zalobot")[self.count - 1]

        async def watched(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] == "http" and scope.get("client"):
                self.ports[name].append(scope["client"][1])
            await app(scope, receive, send)

        return watched


@pytest.fixture
async def world(database_url: str, engine: Engine, clock: Any) -> AsyncIterator[dict[str, Any]]:
    seen = Connections()
    env = {"THIDUA_HTTP_KEEPALIVE_EXPIRY": str(EXPIRY)}
    async with messenger_world(
        database_url, engine, clock, zalo_bot=True, env=env, wrap=seen.wrap
    ) as world:
        yield {**world, "seen": seen}


def recipients(world: dict[str, Any]) -> dict[str, Recipient]:
    now = world["clock"].now()
    world["tg"].user(700_001, "Lan")
    world["fb"].last_action["psid-700001"] = now
    world["zl"].interact("7000010001", now)
    world["zb"].known.add("0a1b2c3d4e5f60718293")
    ids = {
        "telegram": "700001",
        "facebook": "psid-700001",
        "zalo": "7000010001",
        "zalobot": "0a1b2c3d4e5f60718293",
    }
    return {p: Recipient(p, user, identity_id=1, last_inbound_at=now) for p, user in ids.items()}


async def send(world: dict[str, Any], recipient: Recipient, text: str) -> None:
    channel = world["runtime"].channels[recipient.platform]
    result = await channel.send(recipient, OutgoingMessage(text), proactive=False)
    assert isinstance(result, Sent), (recipient.platform, result)


async def test_each_platform_closes_idle_connections_before_the_server_would(
    world: dict[str, Any],
):
    to = recipients(world)
    seen: Connections = world["seen"]
    for recipient in to.values():
        await send(world, recipient, "một")
        await send(world, recipient, "hai")  # within the expiry: the same connection
    await anyio.sleep(EXPIRY * 2)  # idle longer than the expiry
    for recipient in to.values():
        await send(world, recipient, "ba")
    for platform in to:
        ports = seen.ports[platform][-3:]
        assert ports[0] == ports[1], (platform, seen.ports[platform])
        assert ports[2] != ports[1], (platform, seen.ports[platform])


def test_the_default_expiry_is_below_uvicorns_idle_timeout(database_url: str):
    settings = load_settings(environ={"THIDUA_DATABASE_URL": database_url})
    assert settings.http_keepalive_expiry == 4.0 < 5.0  # uvicorn's timeout_keep_alive
