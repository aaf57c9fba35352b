"""The issue's end-to-end broadcast: an officer launches a campaign for a subtree of about
1,000 members on Telegram, Messenger (some outside 24 h) and Zalo (some beyond 7 days), each
platform a fake on loopback enforcing its documented contract. The planner's numbers match
what then happens, the held ones arrive at their next message, and the report adds up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast
from core.campaigns.buttons import CampaignText, ConfirmSend
from core.storage.models import OutboxMessage, OutboxStatus
from tests.e2e.broadcast_support import TEMPLATE_ID, Spec, messenger_world, numbers, populate
from tests.e2e.campaign_support import (
    HUNG_THINH,
    MINH_PHAT,
    ZONE,
    create_campaign,
    load_demo,
    officer,
)
from tests.fakes.facebook_graph import MessengerUser

pytestmark = pytest.mark.anyio


@pytest.fixture
async def world(database_url: str, engine: Engine, clock: Any) -> AsyncIterator[dict[str, Any]]:
    env = {"THIDUA_ZALO_ANNOUNCEMENT_TEMPLATE_ID": TEMPLATE_ID, "THIDUA_QUIET_HOURS": "21:00-07:00"}
    async with messenger_world(database_url, engine, clock, env=env) as world:
        yield world


def population(runtime: Runtime, world: dict[str, Any], now: datetime) -> dict[str, list[str]]:
    """About 1,000 members in the zone's two companies, by how they can be reached."""
    days, hours = timedelta(days=1), timedelta(hours=1)
    return populate(
        world,
        [
            Spec("tg_now", MINH_PHAT, "telegram", 40 * days, 380),
            Spec("tg_blocked", MINH_PHAT, "telegram", 3 * days, 20, blocked=True),
            Spec("tg_stopped", HUNG_THINH, "telegram", days, 10, consent=False),
            Spec("fb_now", HUNG_THINH, "facebook", 3 * hours, 200),
            Spec("fb_late", MINH_PHAT, "facebook", 30 * hours, 100),
            Spec("zl_now", HUNG_THINH, "zalo", 20 * hours, 150),
            Spec("zl_billed", MINH_PHAT, "zalo", 4 * days, 40),
            Spec("zl_old", HUNG_THINH, "zalo", 9 * days, 100),
        ],
    )


async def test_launch_to_a_thousand_members_on_three_platforms(world: dict[str, Any]):
    runtime: Runtime = world["runtime"]
    clock = world["clock"]
    data = load_demo(runtime)
    now = clock.now()
    groups = population(runtime, world, now)
    boss = await officer(world["client"], runtime, data, ZONE)
    campaign_id = await create_campaign(boss)
    await boss.say(f"/launch {campaign_id}")
    preview = boss.texts(await boss.tap(CampaignText().pack()))

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
    await boss.tap(ConfirmSend().pack())
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
