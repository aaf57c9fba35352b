"""The digests are on the scheduler at local times, next to the due-work ticker."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bots.bootstrap import Runtime
from scheduler.jobs import Ticker
from scheduler.runner import build_scheduler


def test_digest_jobs_are_scheduled_in_local_time(runtime: Runtime):
    ticker = Ticker(
        engine=runtime.engine,
        clock=runtime.clock,
        policy=runtime.processor.config.delivery,
        catalogs=runtime.catalogs,
    )
    scheduler = build_scheduler(runtime.engine, runtime.clock, "Asia/Ho_Chi_Minh", ticker)
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    after = datetime(2026, 11, 25, 12, 0, tzinfo=tz)  # a Wednesday
    weekly = scheduler.get_job("weekly_digest")
    monthly = scheduler.get_job("monthly_summary")
    assert weekly.trigger.get_next_fire_time(None, after) == datetime(2026, 11, 30, 8, 0, tzinfo=tz)
    assert monthly.trigger.get_next_fire_time(None, after) == datetime(
        2026, 12, 1, 8, 30, tzinfo=tz
    )
