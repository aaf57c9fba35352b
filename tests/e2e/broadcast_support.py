"""Shared set-up of the broadcast tests across messengers: every platform a fake on loopback
(Telegram, Messenger, Zalo OA, Zalo Bot), the app wired to them, members in bulk on each
with the platforms remembering the same last interaction, a Telegram group linked to a unit,
and the planner's numbers read from the preview."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy.engine import Engine

from bots.app import create_app
from bots.bootstrap import Runtime, build_runtime
from bots.platforms import Facebook, Telegram, Zalo, ZaloBot
from bots.platforms.base import Messenger
from bots.settings import load_settings
from tests.e2e.campaign_support import bulk_members, platform_user_id
from tests.fakes.facebook_graph import FakeGraph
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram_api import FakeTelegram, FakeTimer
from tests.fakes.telegram_fixtures import SECRET, TelegramChat, telegram_env
from tests.fakes.zalo_bot import FakeZaloBot
from tests.fakes.zalo_oa import FakeZaloOA

PAGE_TOKEN = "EAAGm0PX4ZCpsBAFakePageToken"
APP_SECRET = "3f1c2a9b8e7d6c5b4a39281706f5e4d3"
TEMPLATE_ID = "310521"
START = "Công đoàn các Khu công nghiệp Bình Dương launches the emulation campaign"


@contextlib.asynccontextmanager
async def messenger_world(
    database_url: str,
    engine: Engine,
    clock: Any,
    *,
    zalo_bot: bool = False,
    env: dict[str, str] | None = None,
    wrap: Callable[[Any], Any] = lambda app: app,
) -> AsyncIterator[dict[str, Any]]:
    """The app with Telegram, Messenger and Zalo OA (and the Zalo Bot Platform when asked),
    as a dict: runtime, client, clock and the fakes tg, fb, zl (and zb). `wrap`: applied to
    each fake's ASGI app before it is served (to watch its connections)."""
    tg = FakeTelegram(clock=clock)
    graph = FakeGraph(page_token=PAGE_TOKEN, app_secret=APP_SECRET, clock=clock)
    oa = FakeZaloOA(clock=clock)
    bot = FakeZaloBot(clock=clock)
    with contextlib.ExitStack() as servers:
        tg_url = servers.enter_context(serve_in_thread(wrap(tg.app)))
        servers.callback(tg.release)  # as tests.fakes.telegram_api.running does
        graph.base_url = servers.enter_context(serve_in_thread(wrap(graph.app)))
        oa.url = servers.enter_context(serve_in_thread(wrap(oa.build_app())))
        environ = {
            **telegram_env(database_url, tg_url),
            "THIDUA_FACEBOOK_PAGE_TOKEN": PAGE_TOKEN,
            "THIDUA_FACEBOOK_APP_SECRET": APP_SECRET,
            "THIDUA_FACEBOOK_VERIFY_TOKEN": "verify-me-123",
            "THIDUA_FACEBOOK_GRAPH_BASE": f"{graph.base_url}/v23.0",
            "THIDUA_ZALO_APP_ID": oa.app_id,
            "THIDUA_ZALO_APP_SECRET": oa.app_secret,
            "THIDUA_ZALO_WEBHOOK_SECRET": oa.webhook_secret,
            "THIDUA_ZALO_ACCESS_TOKEN": oa.access_token,
            "THIDUA_ZALO_REFRESH_TOKEN": oa.refresh_token,
            "THIDUA_ZALO_API_BASE": oa.url,
            "THIDUA_ZALO_OAUTH_BASE": oa.url,
        }
        messengers: list[Messenger] = [Telegram(timer=FakeTimer(clock)), Facebook(), Zalo()]
        world: dict[str, Any] = {"tg": tg, "fb": graph, "zl": oa, "clock": clock}
        if zalo_bot:
            bot.url = servers.enter_context(serve_in_thread(wrap(bot.build_app())))
            environ |= {
                "THIDUA_ZALOBOT_TOKEN": bot.token,
                "THIDUA_ZALOBOT_WEBHOOK_SECRET": bot.webhook_secret,
                "THIDUA_ZALOBOT_API_BASE": bot.url,
                "THIDUA_ZALOBOT_SEND_RATE": "200",
            }
            messengers.append(ZaloBot())
            world["zb"] = bot
        runtime = build_runtime(
            load_settings(environ={**environ, **(env or {})}),
            engine=engine,
            clock=clock,
            messengers=messengers,
        )
        app = create_app(runtime.settings, runtime=runtime, background=False)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client:
            yield {**world, "runtime": runtime, "client": client}
        await runtime.aclose()


@dataclass(frozen=True)
class Spec:
    """`count` members of `unit` on `platform` who last wrote `ago`."""

    name: str
    unit: int
    platform: str
    ago: timedelta
    count: int
    blocked: bool = False  # blocked the bot, and we know it
    consent: bool = True  # to announcements
    unknown_block: bool = False  # blocked the Telegram bot, which we learn only at the send


def populate(world: dict[str, Any], specs: Sequence[Spec]) -> dict[str, list[str]]:
    """The members, by spec name, as their platform user ids; each platform's fake knows
    them as the database does (same last interaction, same block)."""
    runtime, now = world["runtime"], world["clock"].now()
    found: dict[str, list[str]] = {}
    for spec in specs:
        ids = bulk_members(
            runtime.engine,
            unit_id=spec.unit,
            count=spec.count,
            platform=spec.platform,
            seen=now - spec.ago,
            now=now,
            prefix=spec.name,
            consent=spec.consent,
            blocked=spec.blocked,
        )
        users = found[spec.name] = [platform_user_id(spec.platform, spec.name, i) for i in ids]
        for user in users:
            if spec.platform == "telegram":
                world["tg"].user(int(user), blocked=spec.blocked or spec.unknown_block)
            elif spec.platform == "facebook":
                world["fb"].last_action[user] = now - spec.ago
            elif spec.platform == "zalo":
                world["zl"].interact(user, now - spec.ago)
            else:
                world["zb"].known.add(user)
    return found


def numbers(text: str, label: str) -> dict[str, int]:
    """The planner's line of one messenger in a preview: {"now": n, ...}."""
    line = next(line for line in text.splitlines() if line.startswith(f"• {label}:"))
    return {
        kind: int(n.replace(",", ""))
        for n, kind in re.findall(r"([\d,]+) (now|only by template|at their next message)", line)
    }


def group_numbers(text: str) -> dict[str, int]:
    """The planner's group lines in an English preview: {"Telegram": n}."""
    return {
        name: int(n.replace(",", ""))
        for name, n in re.findall(r"^• Group chats on (.+?): ([\d,]+) ", text, re.M)
    }


# --- a Telegram group linked to a unit --------------------------------------------------------


async def in_group(world: dict[str, Any], update: dict[str, Any]) -> list[str]:
    """Deliver an update from a group chat through the signed webhook; the texts the bot
    then posted in group chats."""
    tg: FakeTelegram = world["tg"]
    before = len(tg.sent)
    response = await world["client"].post(
        "/webhooks/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert response.status_code == 200, response.text
    await world["runtime"].drain()
    return [m.text or "" for m in tg.sent[before:] if m.chat_id < 0]


def group_code(text: str) -> str:
    """The link code in the bot's answer to /linkgroup (or on the desk)."""
    found = re.search(r"/linkgroup@thidua_bot ([A-Z0-9]{5}-[A-Z0-9]{5})", text)
    assert found, text
    return found.group(1)


async def link_group(
    world: dict[str, Any], officer: TelegramChat, group_id: int, title: str
) -> None:
    """`officer` (on Telegram) adds the bot to a new group and links it to their unit."""
    runtime: Runtime = world["runtime"]
    tg: FakeTelegram = world["tg"]
    tg.group(group_id, title)
    assert runtime is officer.runtime
    await in_group(world, tg.bot_joined(group_id, officer.person))
    code = group_code(officer.texts(await officer.say("/linkgroup")))
    linked = await in_group(
        world, tg.group_message_update(officer.person, group_id, f"/linkgroup@thidua_bot {code}")
    )
    assert linked and linked[0].startswith("Xong"), linked
