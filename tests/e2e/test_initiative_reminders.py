"""Review reminders: after N days without a move the reviewer is reminded, once per period,
even when a second scheduler instance runs the same job; registered on the scheduler."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from bots.scheduling import make_ticker
from core.initiatives.models import Initiative
from core.storage.models import OutboxMessage
from scheduler.initiatives import review_reminders
from scheduler.runner import build_scheduler
from tests.e2e.campaign_support import MINH_PHAT, load_demo, member, member_id, officer
from tests.e2e.initiative_support import sent_initiative

pytestmark = pytest.mark.anyio


def run_job(runtime: Runtime, days: int = 3) -> int:
    policy = runtime.processor.config.delivery
    return review_reminders(runtime.engine, runtime.clock, policy, runtime.catalogs, days)


def reminder_rows(runtime: Runtime) -> list[str]:
    with Session(runtime.engine) as session:
        return list(
            session.exec(
                select(OutboxMessage.dedupe_key)
                .where(col(OutboxMessage.dedupe_key).contains(":remind:"))
                .order_by(col(OutboxMessage.id))
            )
        )


async def test_reminder_once_per_period_across_instances(
    client: httpx.AsyncClient, runtime: Runtime, clock
) -> None:  # type: ignore[no-untyped-def]
    data = load_demo(runtime)
    reviewer = await officer(client, runtime, data, MINH_PHAT, english=False)
    await member(client, runtime, name="Nguyễn Thị Lan")
    initiative_id, code = sent_initiative(runtime, member_id(runtime, "Nguyễn Thị Lan"))
    assert code in reviewer.texts(await reviewer.replies())

    clock.advance(days=2, hours=23)
    assert run_job(runtime) == 0
    clock.advance(hours=2)
    assert run_job(runtime) == 1
    card = reviewer.texts(await reviewer.replies())
    assert "Nhắc việc" in card and code in card
    assert run_job(runtime) == 0  # the same instance, again: nothing due

    # A second instance that read the row before the first one committed: the reminder's
    # dedupe key is the waiting period's number, so nothing new is queued.
    with Session(runtime.engine) as session, session.begin():
        item = session.get(Initiative, initiative_id)
        assert item is not None
        item.reminded_at = None
    assert run_job(runtime) == 1
    assert len(reminder_rows(runtime)) == 1
    assert await reviewer.replies() == []

    # two instances at the same moment, each in its own thread and transaction
    clock.advance(days=3)
    results = await asyncio.gather(
        asyncio.to_thread(run_job, runtime), asyncio.to_thread(run_job, runtime)
    )
    assert sum(results) >= 1
    assert len(reminder_rows(runtime)) == 2
    assert "Nhắc việc" in reviewer.texts(await reviewer.replies())

    # waiting for the author's answer is not the reviewer's delay
    with Session(runtime.engine) as session, session.begin():
        item = session.get(Initiative, initiative_id)
        assert item is not None
        item.status = "needs_info"
    clock.advance(days=10)
    assert run_job(runtime) == 0


async def test_job_is_registered(runtime: Runtime) -> None:
    scheduler = build_scheduler(
        runtime.engine,
        runtime.clock,
        runtime.settings.timezone,
        ticker=make_ticker(runtime, asyncio.get_running_loop()),
        review_reminder_days=runtime.settings.initiative_review_reminder_days,
    )
    job = scheduler.get_job("initiative_review_reminders")
    assert job is not None and job.args[-1] == runtime.settings.initiative_review_reminder_days
