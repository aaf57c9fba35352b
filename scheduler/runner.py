from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.engine import Engine

from core.ports import Clock
from scheduler import jobs


def build_scheduler(engine: Engine, clock: Clock, timezone: str) -> AsyncIOScheduler:
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
    return scheduler
