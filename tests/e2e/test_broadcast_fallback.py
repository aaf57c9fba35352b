"""A campaign launched to members on four messengers (Telegram, Messenger, Zalo OA, Zalo Bot),
each a fake on loopback: the planner's numbers equal what the fakes received; members who
blocked the Telegram bot (unknown to us until the send) and are linked on Zalo Bot get the
announcement there, once, and the report shows it as delivered by fallback."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bots.app import create_app
from bots.bootstrap import build_runtime
from bots.platforms import Facebook, Telegram, Zalo, ZaloBot
from bots.settings import load_settings
from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast
from core.campaigns.buttons import CampaignText, ConfirmSend
from core.members.models import Identity, Member
from tests.e2e.campaign_support import (
    HUNG_THINH,
    MINH_PHAT,
    ZONE,
    bulk_members,
    create_campaign,
    load_demo,
    officer,
    platform_user_id,
)
from tests.e2e.test_zalobot_typed import join, number
from tests.fakes.facebook_graph import FakeGraph
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram_api import FakeTelegram, FakeTimer, running
from tests.fakes.telegram_fixtures import TelegramChat, telegram_env
from tests.fakes.zalo_bot import FakeZaloBot, ZaloBotUser
from tests.fakes.zalo_oa import FakeZaloOA

pytestmark = pytest.mark.anyio

PAGE_TOKEN = "EAAGm0PX4ZCpsBAFakePageToken"
APP_SECRET = "3f1c2a9b8e7d6c5b4a39281706f5e4d3"
START = "Công đoàn các Khu công nghiệp Bình Dương launches the emulation campaign"


@pytest.fixture
async def world(database_url: str, engine: Engine, clock: Any) -> AsyncIterator[dict[str, Any]]:
    tg = FakeTelegram(clock=clock)
    graph = FakeGraph(page_token=PAGE_TOKEN, app_secret=APP_SECRET, clock=clock)
    oa = FakeZaloOA(clock=clock)
    bot = FakeZaloBot(clock=clock)
    with (
        running(tg) as tg_url,
        serve_in_thread(graph.app) as fb_url,
        serve_in_thread(oa.build_app()) as zl_url,
        serve_in_thread(bot.build_app()) as zb_url,
    ):
        graph.base_url, oa.url, bot.url = fb_url, zl_url, zb_url
        env = {
            **telegram_env(database_url, tg_url),
            "THIDUA_FACEBOOK_PAGE_TOKEN": PAGE_TOKEN,
            "THIDUA_FACEBOOK_APP_SECRET": APP_SECRET,
            "THIDUA_FACEBOOK_VERIFY_TOKEN": "verify-me-123",
            "THIDUA_FACEBOOK_GRAPH_BASE": f"{fb_url}/v23.0",
            "THIDUA_ZALO_APP_ID": oa.app_id,
            "THIDUA_ZALO_APP_SECRET": oa.app_secret,
            "THIDUA_ZALO_WEBHOOK_SECRET": oa.webhook_secret,
            "THIDUA_ZALO_ACCESS_TOKEN": oa.access_token,
            "THIDUA_ZALO_REFRESH_TOKEN": oa.refresh_token,
            "THIDUA_ZALO_API_BASE": zl_url,
            "THIDUA_ZALO_OAUTH_BASE": zl_url,
            "THIDUA_ZALOBOT_TOKEN": bot.token,
            "THIDUA_ZALOBOT_WEBHOOK_SECRET": bot.webhook_secret,
            "THIDUA_ZALOBOT_API_BASE": zb_url,
            "THIDUA_ZALOBOT_SEND_RATE": "200",
        }
        runtime = build_runtime(
            load_settings(environ=env),
            engine=engine,
            clock=clock,
            messengers=(Telegram(timer=FakeTimer(clock)), Facebook(), Zalo(), ZaloBot()),
        )
        app = create_app(runtime.settings, runtime=runtime, background=False)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client:
            yield {
                "runtime": runtime,
                "client": client,
                "tg": tg,
                "fb": graph,
                "zl": oa,
                "zb": bot,
                "clock": clock,
            }
        await runtime.aclose()


def numbers(text: str, label: str) -> dict[str, int]:
    line = next(line for line in text.splitlines() if line.startswith(f"• {label}:"))
    return {
        kind: int(n.replace(",", ""))
        for n, kind in re.findall(r"([\d,]+) (now|only by template|at their next message)", line)
    }


def population(world: dict[str, Any]) -> dict[str, list[str]]:
    """Members of the zone's two companies by messenger; `both` are on Telegram (preferred)
    and on Zalo Bot, and have blocked the Telegram bot without our knowing."""
    runtime, now = world["runtime"], world["clock"].now()
    specs = [  # name, unit, platform, last wrote, count
        ("tg", MINH_PHAT, "telegram", timedelta(days=2), 30),
        ("fb", HUNG_THINH, "facebook", timedelta(hours=3), 20),
        ("zl", HUNG_THINH, "zalo", timedelta(hours=20), 20),
        ("zb", MINH_PHAT, "zalobot", timedelta(days=10), 25),  # no window on the Bot Platform
        ("both", MINH_PHAT, "telegram", timedelta(days=1), 5),
    ]
    groups: dict[str, list[str]] = {}
    for name, unit, platform, ago, count in specs:
        ids = bulk_members(
            runtime.engine,
            unit_id=unit,
            count=count,
            platform=platform,
            seen=now - ago,
            now=now,
            prefix=name,
        )
        groups[name] = [platform_user_id(platform, name, i) for i in ids]
        for user in groups[name]:
            if platform == "telegram":
                world["tg"].user(int(user), blocked=name == "both")
            elif platform == "facebook":
                world["fb"].last_action[user] = now - ago
            elif platform == "zalo":
                world["zl"].interact(user, now - ago)
            else:
                world["zb"].known.add(user)
        if name == "both":
            groups["both_zb"] = [platform_user_id("zalobot", "both", i) for i in ids]
            with runtime.engine.begin() as conn:
                conn.execute(
                    insert(Identity),
                    [
                        {
                            "platform": "zalobot",
                            "platform_user_id": platform_user_id("zalobot", "both", i),
                            "member_id": i,
                            "first_seen_at": now - timedelta(days=5),
                            "last_inbound_at": now - timedelta(days=5),
                        }
                        for i in ids
                    ],
                )
            world["zb"].known.update(groups["both_zb"])
    return groups


async def test_four_messengers_as_planned_and_a_blocked_telegram_member_gets_it_on_zalo_bot(
    world: dict[str, Any],
):
    runtime = world["runtime"]
    data = load_demo(runtime)
    groups = population(world)
    boss = await officer(world["client"], runtime, data, ZONE)
    campaign_id = await create_campaign(boss)
    await boss.say(f"/launch {campaign_id}")
    preview = boss.texts(await boss.tap(CampaignText().pack()))
    assert "Who will receive it (117 members):" in preview  # 100 + the 17 demo workers
    planned = {
        "Telegram": numbers(preview, "Telegram"),
        "Messenger": numbers(preview, "Messenger"),
        "Zalo": numbers(preview, "Zalo"),
        "Zalo Bot": numbers(preview, "Zalo Bot"),
    }
    assert planned == {
        "Telegram": {"now": 35},  # the 5 who blocked it too: we cannot know yet
        "Messenger": {"now": 20},
        "Zalo": {"now": 20},
        "Zalo Bot": {"now": 25},
    }
    await boss.tap(ConfirmSend().pack())
    await runtime.drain()

    tg, fb, zl, zb = world["tg"], world["fb"], world["zl"], world["zb"]
    got = {
        "Telegram": [str(m.chat_id) for m in tg.sent if (m.text or "").startswith(START)],
        "Messenger": [m.recipient for m in fb.sent if m.text.startswith(START)],
        "Zalo": [d.user_id for d in zl.delivered if d.text.startswith(START)],
        "Zalo Bot": [d.chat_id for d in zb.delivered if d.text.startswith(START)],
    }
    assert sorted(got["Telegram"]) == sorted(groups["tg"])  # 30: the 5 blocked it
    assert sorted(got["Messenger"]) == sorted(groups["fb"])
    assert sorted(got["Zalo"]) == sorted(groups["zl"])
    # the planned 25, and the 5 by fallback, each once
    assert sorted(got["Zalo Bot"]) == sorted(groups["zb"] + groups["both_zb"])
    delivered = {k: len(v) for k, v in got.items()}
    assert delivered["Telegram"] + 5 == planned["Telegram"]["now"]
    assert delivered["Zalo Bot"] - 5 == planned["Zalo Bot"]["now"]
    assert delivered["Messenger"] == planned["Messenger"]["now"]
    assert delivered["Zalo"] == planned["Zalo"]["now"]

    world["clock"].advance(hours=1)
    await runtime.drain()  # nothing goes twice
    assert len([d for d in zb.delivered if d.text.startswith(START)]) == 30
    with Session(runtime.engine) as session:
        broadcast = session.exec(select(Broadcast)).one()
        report = broadcasts.report(session, broadcast=broadcast)
        blocked = session.exec(
            select(Identity).where(
                Identity.platform == "telegram", col(Identity.blocked_at).is_not(None)
            )
        ).all()
    assert sorted(i.platform_user_id for i in blocked) == sorted(groups["both"])
    assert report.totals == {"queued": 0, "sent": 100, "waiting": 0, "failed": 0, "skipped": 17}
    assert report.by_fallback == {"telegram": 5}
    assert report.by_platform["zalobot"]["sent"] == 30
    assert report.by_platform["telegram"]["sent"] == 30


async def test_a_member_chooses_the_messenger_announcements_try_first(world: dict[str, Any]):
    runtime, client = world["runtime"], world["client"]
    load_demo(runtime)
    lan = ZaloBotUser(client, runtime, world["zb"], "0a1b2c3d4e5f60718293")
    await join(lan, "Nguyễn Thị Lan")
    alone = await lan.say("/messenger")
    assert "/link" in lan.texts(alone) and "1. " not in lan.texts(alone)
    issued = lan.texts(await lan.say("/link"))
    code = re.search(r"Mã liên kết của bạn là ([A-Z0-9-]+)\.", issued)
    assert code, issued
    tg = TelegramChat(world["tg"], client, runtime, world["tg"].user(777, "Lan"))
    linked = await tg.say(f"/link {code.group(1)}")
    assert "Nguyễn Thị Lan" in tg.texts(linked)
    asked = await lan.say("/messenger")
    assert "Hiện tại: Zalo Bot." in lan.texts(asked)
    done = await lan.say(number(asked, "Telegram"))
    assert "Xong: thông báo sẽ được gửi trước hết qua Telegram." in lan.texts(done)
    with Session(runtime.engine) as session:
        member = session.exec(select(Member).where(Member.full_name == "Nguyễn Thị Lan")).one()
    assert member.preferred_platform == "telegram"
