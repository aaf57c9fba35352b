"""Scheduled broadcasts, the campaign-ending reminder and closing, driven by the database."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from sqlmodel import Session, func, select

from bots.bootstrap import Runtime
from core.broadcasts.models import Broadcast, BroadcastKind, BroadcastStatus
from core.campaigns.models import Campaign, CampaignStatus
from scheduler.jobs import Ticker
from tests.e2e.campaign_support import ZONE, create_campaign, load_demo, member, officer

pytestmark = pytest.mark.anyio


def ticker(runtime: Runtime) -> Ticker:
    return Ticker(
        engine=runtime.engine,
        clock=runtime.clock,
        policy=runtime.processor.config.delivery,
        catalogs=runtime.catalogs,
        platforms=sorted(runtime.channels),
    )


async def test_scheduled_launch_reminder_and_close(
    client: httpx.AsyncClient, runtime: Runtime, clock
):
    data = load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    boss = await officer(client, runtime, data, ZONE)
    campaign_id = await create_campaign(boss, dates="01/12/2026 - 10/12/2026")
    await boss.say(f"/launch {campaign_id}")
    await boss.tap("campaigns:deftext")
    await boss.tap("campaigns:when")
    await boss.say("01/12/2026 08:00")
    scheduled = await boss.tap("campaigns:go")
    assert "Scheduled: announcement #1 will be sent at" in boss.texts(scheduled)
    with Session(runtime.engine) as session:
        assert session.get(Campaign, campaign_id).status == CampaignStatus.SCHEDULED  # type: ignore[union-attr]

    jobs = ticker(runtime)
    assert jobs.tick()["queued"] == 0
    assert await lan.replies() == []
    clock.current = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 08:00 local
    assert jobs.tick()["queued"] == 18
    assert jobs.tick()["queued"] == 0  # claimed once
    assert "Tháng thi đua năng suất" in lan.texts(await lan.replies())
    with Session(runtime.engine) as session:
        assert session.get(Campaign, campaign_id).status == CampaignStatus.RUNNING  # type: ignore[union-attr]

    clock.current = datetime(2026, 12, 7, 0, 59, tzinfo=UTC)  # 07:59 local, 3 days before the end
    assert jobs.tick()["reminders"] == 0
    clock.current = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    assert jobs.tick()["reminders"] == 1
    assert jobs.tick()["reminders"] == 0
    reminder = lan.texts(await lan.replies())
    assert "Nhắc nhở: phong trào “Tháng thi đua năng suất” còn 3 ngày nữa là kết thúc" in reminder
    with Session(runtime.engine) as session:
        kinds = session.exec(select(Broadcast.kind)).all()
    assert sorted(kinds) == [BroadcastKind.LAUNCH, BroadcastKind.REMINDER]

    clock.current = datetime(2026, 12, 10, 16, 59, tzinfo=UTC)  # 23:59 on the last day
    jobs.tick()
    with Session(runtime.engine) as session:
        assert session.get(Campaign, campaign_id).status == CampaignStatus.RUNNING  # type: ignore[union-attr]
    clock.current = datetime(2026, 12, 10, 17, 0, tzinfo=UTC)  # midnight: it has ended
    jobs.tick()
    with Session(runtime.engine) as session:
        assert session.get(Campaign, campaign_id).status == CampaignStatus.CLOSED  # type: ignore[union-attr]
    menu = await lan.say("x", payload="menu:campaigns")
    assert "campaigns:v:" not in str(lan.payloads(menu))


async def test_closing_cancels_a_scheduled_launch(
    client: httpx.AsyncClient, runtime: Runtime, clock
):
    data = load_demo(runtime)
    await member(client, runtime, name="Nguyễn Thị Lan")
    boss = await officer(client, runtime, data, ZONE)
    campaign_id = await create_campaign(boss, dates="01/12/2026 - 10/12/2026")
    await boss.say(f"/launch {campaign_id}")
    await boss.say("Phát động!")
    await boss.tap("campaigns:when")
    await boss.say("01/12/2026 08:00")
    await boss.tap("campaigns:go")
    await boss.say(f"/close {campaign_id}")
    await boss.tap(f"campaigns:closeok:{campaign_id}")
    clock.current = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    assert ticker(runtime).tick()["queued"] == 0
    with Session(runtime.engine) as session:
        assert session.exec(select(Broadcast.status)).one() == BroadcastStatus.CANCELLED


async def test_big_audiences_are_queued_in_batches(runtime: Runtime):
    """Above the inline size the confirm only records the broadcast; the scheduler queues the
    rest one batch per transaction, the cursor moving with each."""
    from dataclasses import replace

    from core.broadcasts import service as broadcasts
    from core.members.models import Member, UnionUnit

    load_demo(runtime)
    policy = replace(runtime.processor.config.delivery, fanout_batch=7, inline_fanout=10)
    with Session(runtime.engine, expire_on_commit=False) as session, session.begin():
        province = session.get(UnionUnit, 1)
        total = session.exec(select(func.count()).select_from(Member)).one()
        broadcast, _ = broadcasts.create(
            session,
            key="big",
            kind=BroadcastKind.MESSAGE,
            audience=broadcasts.Audience(province, True, ()),  # type: ignore[arg-type]
            text="Xin chào",
            now=runtime.clock.now(),
            policy=policy,
        )
        assert broadcast.audience == 10 and broadcast.status == BroadcastStatus.QUEUING
    jobs = ticker(runtime)
    jobs.policy = policy
    assert jobs.tick()["queued"] == total - 10
    with Session(runtime.engine) as session:
        done = session.get(Broadcast, broadcast.id)
        assert done.status == BroadcastStatus.QUEUED and done.audience == total  # type: ignore[union-attr]
