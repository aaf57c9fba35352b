from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.engine import Engine

from core.ports import Clock
from scheduler import digests, initiatives, jobs


def build_scheduler(
    engine: Engine,
    clock: Clock,
    timezone: str,
    ticker: jobs.Ticker | None = None,
    interval_seconds: float = 5.0,
    review_reminder_days: int = 3,
) -> AsyncIOScheduler:
    """APScheduler is only the clock: each run looks at the database for what is due."""
    scheduler = AsyncIOScheduler(timezone=timezone)
    scheduler.add_job(
        jobs.purge_inbound,
        "interval",
        hours=1,
        args=[engine, clock],
        id="purge_inbound",
        coalesce=True,
        max_instances=1,
    )
    if ticker is not None:
        scheduler.add_job(
            ticker.tick,
            "interval",
            seconds=interval_seconds,
            id="due_work",
            coalesce=True,
            max_instances=1,
        )
        scheduler.add_job(
            jobs.purge_personal_data,
            "interval",
            hours=1,
            args=[engine, clock, ticker.retention],
            id="purge_personal_data",
            coalesce=True,
            max_instances=1,
        )
        digests.register(
            scheduler, engine=engine, clock=clock, policy=ticker.policy, catalogs=ticker.catalogs
        )
        initiatives.register(
            scheduler,
            engine=engine,
            clock=clock,
            policy=ticker.policy,
            catalogs=ticker.catalogs,
            days=review_reminder_days,
        )
    return scheduler
