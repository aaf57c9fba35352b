from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.engine import Engine

from core.ports import Clock
from scheduler import digests, initiatives, jobs

STOP_TIMEOUT_SECONDS = 10.0  # within `thidua serve`'s 20 s for its child to stop


class Scheduler(AsyncIOScheduler):
    """APScheduler's asyncio scheduler with a stop that lets the jobs running finish.

    Its executor's shutdown cancels the future of a job still running in its thread: the
    thread goes on writing while the engine is disposed, and the job is logged as failed
    with a CancelledError's traceback. Every job here runs one instance at a time
    (`max_instances=1`), so a job's id says whether it runs."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._jobs_running: set[str] = set()
        self._idle: asyncio.Event | None = None
        self.add_listener(self._submitted, EVENT_JOB_SUBMITTED)
        self.add_listener(self._ended, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)

    def _submitted(self, event: JobEvent) -> None:
        self._jobs_running.add(event.job_id)

    def _ended(self, event: JobEvent) -> None:
        self._jobs_running.discard(event.job_id)
        if not self._jobs_running and self._idle is not None:
            self._idle.set()

    async def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """Start no job any more, wait up to `timeout` for those running, then shut down."""
        if not self.running:
            return
        self.pause()
        if self._jobs_running:
            self._idle = asyncio.Event()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), timeout)
        self.shutdown(wait=False)
        await asyncio.sleep(0)  # AsyncIOScheduler shuts down at the loop's next turn


def build_scheduler(
    engine: Engine,
    clock: Clock,
    timezone: str,
    ticker: jobs.Ticker | None = None,
    interval_seconds: float = 5.0,
    review_reminder_days: int = 3,
) -> Scheduler:
    """APScheduler is only the clock: each run looks at the database for what is due."""
    scheduler = Scheduler(timezone=timezone)
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
