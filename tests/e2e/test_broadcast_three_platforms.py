"""The issue's end-to-end broadcast: an officer launches a campaign for a subtree of about
1,000 members on Telegram, Messenger (some outside 24 h) and Zalo (some beyond 7 days), each
platform a fake on loopback enforcing its documented contract. The planner's numbers match
what then happens, the held ones arrive at their next message, and the report adds up."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bots.app import create_app
from bots.bootstrap import Runtime, build_runtime
from bots.platforms import Facebook, Telegram, Zalo
from bots.settings import load_settings
from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast
from core.storage.models import OutboxMessage, OutboxStatus
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
from tests.fakes.facebook_graph import FakeGraph, MessengerUser
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram_api import FakeTelegram, FakeTimer, running
from tests.fakes.telegram_fixtures import telegram_env
from tests.fakes.zalo_oa import FakeZaloOA

pytestmark = pytest.mark.anyio

PAGE_TOKEN = "EAAGm0PX4ZCpsBAFakePageToken"
APP_SECRET = "3f1c2a9b8e7d6c5b4a39281706f5e4d3"
TEMPLATE_ID = "310521"


@pytest.fixture
async def world(database_url: str, engine: Engine, clock: Any) -> AsyncIterator[dict[str, Any]]:
    tg = FakeTelegram(clock=clock)
    graph = FakeGraph(page_token=PAGE_TOKEN, app_secret=APP_SECRET, clock=clock)
    oa = FakeZaloOA(clock=clock)
    with (
        running(tg) as tg_url,
        serve_in_thread(graph.app) as fb_url,
        serve_in_thread(oa.build_app()) as zl_url,
    ):
        graph.base_url, oa.url = fb_url, zl_url
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
            "THIDUA_ZALO_ANNOUNCEMENT_TEMPLATE_ID": TEMPLATE_ID,
            "THIDUA_QUIET_HOURS": "21:00-07:00",
        }
        runtime = build_runtime(
            load_settings(environ=env),
            engine=engine,
            clock=clock,
            messengers=(Telegram(timer=FakeTimer(clock)), Facebook(), Zalo()),
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
                "clock": clock,
            }
        await runtime.aclose()


def population(runtime: Runtime, world: dict[str, Any], now: datetime) -> dict[str, list[str]]:
    """About 1,000 members in the zone's two companies, by how they can be reached."""
    specs = [  # name, unit, platform, how long ago they last wrote, count, blocked, consent
        ("tg_now", MINH_PHAT, "telegram", timedelta(days=40), 380, False, True),
        ("tg_blocked", MINH_PHAT, "telegram", timedelta(days=3), 20, True, True),
        ("tg_stopped", HUNG_THINH, "telegram", timedelta(days=1), 10, False, False),
        ("fb_now", HUNG_THINH, "facebook", timedelta(hours=3), 200, False, True),
        ("fb_late", MINH_PHAT, "facebook", timedelta(hours=30), 100, False, True),
        ("zl_now", HUNG_THINH, "zalo", timedelta(hours=20), 150, False, True),
        ("zl_billed", MINH_PHAT, "zalo", timedelta(days=4), 40, False, True),
        ("zl_old", HUNG_THINH, "zalo", timedelta(days=9), 100, False, True),
    ]
    groups: dict[str, list[str]] = {}
    for name, unit, platform, ago, count, blocked, consent in specs:
        ids = bulk_members(
            runtime.engine,
            unit_id=unit,
            count=count,
            platform=platform,
            seen=now - ago,
            now=now,
            prefix=name,
            consent=consent,
            blocked=blocked,
        )
        users = [platform_user_id(platform, name, i) for i in ids]
        groups[name] = users
        for user in users:  # the platforms remember the same last interaction
            if platform == "telegram":
                world["tg"].user(int(user), blocked=blocked)
            elif platform == "facebook":
                world["fb"].last_action[user] = now - ago
            else:
                world["zl"].interact(user, now - ago)
    return groups


def numbers(text: str, label: str) -> dict[str, int]:
    line = next(line for line in text.splitlines() if line.startswith(f"• {label}:"))
    return {
        kind: int(n.replace(",", ""))
        for n, kind in re.findall(r"([\d,]+) (now|only by template|at their next message)", line)
    }


async def test_launch_to_a_thousand_members_on_three_platforms(world: dict[str, Any]):
    runtime: Runtime = world["runtime"]
    clock = world["clock"]
    data = load_demo(runtime)
    now = clock.now()
    groups = population(runtime, world, now)
    boss = await officer(world["client"], runtime, data, ZONE)
    campaign_id = await create_campaign(boss)
    await boss.say(f"/launch {campaign_id}")
    preview = boss.texts(await boss.tap("campaigns:deftext"))

    # what the planner promises (the 17 demo workers have no messenger yet)
    assert "Who will receive it (1,017 members):" in preview
    assert numbers(preview, "Telegram") == {"now": 380}
    assert numbers(preview, "Messenger") == {"now": 200, "at their next message": 100}
    assert numbers(preview, "Zalo") == {"now": 150, "only by template": 140}
    assert (
        "Unreachable: 47 (blocked or left: 20; stopped announcements: 10; no messenger: 17)"
        in preview
    )
    finish_line = next(
        line for line in preview.splitlines() if line.startswith("Estimated finish:")
    )
    with Session(runtime.engine) as session:
        from core.campaigns import service

        campaign = service.get(session, actor=service.Actor.admin(), campaign_id=campaign_id)
        plan = broadcasts.plan(
            session,
            audience=service.audience(session, campaign),
            policy=runtime.processor.config.delivery,
            now=clock.now(),
        )
    assert plan.finish == now + timedelta(seconds=13)  # 380 on Telegram at 30/s
    assert finish_line

    started = clock.now()
    await boss.tap("campaigns:go")
    await runtime.drain()

    # what happened at the platforms
    tg, fb, zl = world["tg"], world["fb"], world["zl"]
    text_start = "Công đoàn các Khu công nghiệp Bình Dương launches the emulation campaign"
    tg_got = {str(m.chat_id) for m in tg.sent if (m.text or "").startswith(text_start)}
    assert tg_got == set(groups["tg_now"])
    fb_got = {m.recipient for m in fb.sent if m.text.startswith(text_start)}
    assert fb_got == set(groups["fb_now"])
    zl_cs = {d.user_id for d in zl.delivered if d.text.startswith(text_start)}
    assert zl_cs == set(groups["zl_now"])
    zl_templates = {t["user_id"] for t in zl.templates_sent}
    assert zl_templates == set(groups["zl_billed"] + groups["zl_old"])
    assert clock.now() - started <= timedelta(seconds=14)  # the planner's finish time held
    assert not tg.early and not tg.floods  # within Telegram's limits throughout

    with Session(runtime.engine) as session:
        broadcast = session.exec(select(Broadcast)).one()
        report = broadcasts.report(session, broadcast=broadcast)
    assert report.audience == 1017
    assert report.totals == {"queued": 0, "sent": 870, "waiting": 100, "failed": 0, "skipped": 47}
    assert sum(report.totals.values()) == report.audience
    assert report.by_platform["telegram"]["sent"] == 380
    assert report.by_platform["facebook"] == {
        "queued": 0,
        "sent": 200,
        "waiting": 100,
        "failed": 0,
        "skipped": 0,
    }
    assert report.by_platform["zalo"]["sent"] == 290
    assert report.skipped_why == {"blocked": 20, "no_consent": 10, "no_messenger": 17}
    for counts in report.by_unit.values():
        assert sum(counts.values()) > 0
    assert sum(sum(c.values()) for c in report.by_unit.values()) == report.audience

    # three of the held members write again: the announcement follows the reply
    for psid in groups["fb_late"][:3]:
        person = MessengerUser(fb, world["client"], runtime, psid)
        answers = await person.say("Chào công đoàn")
        assert any(m.text.startswith(text_start) for m in answers), [m.text for m in answers]
    with Session(runtime.engine) as session:
        report = broadcasts.report(session, broadcast=session.exec(select(Broadcast)).one())
        held = session.exec(
            select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.HELD)
        ).all()
    assert report.totals["sent"] == 873 and report.totals["waiting"] == 97
    assert len(held) == 97

    text = boss.texts(await boss.say("/report"))
    assert "Audience: 1,017" in text
    assert "sent 873, queued 0, waiting 97, failed 0, skipped 47" in text
