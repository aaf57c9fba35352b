"""Stopping the scheduler lets a job that is running finish, rather than cancelling it."""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import UTC, datetime

import pytest

from scheduler.runner import Scheduler


def test_a_running_job_finishes_before_the_scheduler_stops(caplog: pytest.LogCaptureFixture):
    started = threading.Event()
    release = threading.Event()
    finished: list[str] = []

    def job() -> None:
        started.set()
        release.wait(10)
        finished.append("done")

    async def main() -> None:
        scheduler = Scheduler(timezone="UTC")
        scheduler.add_job(job, "date", run_date=datetime.now(UTC), id="job", max_instances=1)
        scheduler.start()
        await asyncio.to_thread(started.wait, 10)
        stopping = asyncio.create_task(scheduler.stop(timeout=10))
        await asyncio.sleep(0)  # stop() has paused and waits for the job
        assert not stopping.done()
        release.set()
        await stopping
        assert not scheduler.running

    with caplog.at_level(logging.INFO, logger="apscheduler"):
        asyncio.run(main())
    assert finished == ["done"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_stopping_an_idle_or_stopped_scheduler_returns_at_once():
    async def main() -> None:
        scheduler = Scheduler(timezone="UTC")
        await scheduler.stop()  # never started
        scheduler.start()
        await scheduler.stop()
        assert not scheduler.running

    asyncio.run(main())
