"""The weekly members' digest (Monday 08:00) and the monthly officers' summary (the 1st, 08:30),
in local time. Each batch is its own transaction; dedupe keys make a rerun send nothing twice,
so a missed run may simply run late (misfire grace of a few hours)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.delivery_policy import DeliveryPolicy
from core.i18n import Catalogs
from core.leaderboards import digests
from core.ports import Clock
from core.storage.uow import unit_of_work

log = logging.getLogger(__name__)
GRACE_SECONDS = 6 * 3600


Batch = Callable[[Session, int], tuple[int, int | None]]


def _in_batches(engine: Engine, batch: Batch) -> int:
    """Run `batch(session, after)` in its own transaction until it reports no last id; each
    returns how many it queued and the last id it covered. Returns the total queued."""
    total, after = 0, 0
    while True:
        with unit_of_work(engine) as session:
            queued, last = batch(session, after)
        total += queued
        if last is None:
            return total
        after = last


def weekly_digest(engine: Engine, clock: Clock, policy: DeliveryPolicy, catalogs: Catalogs) -> int:
    now = clock.now()
    scope = digests.last_week(now, policy.timezone)
    with unit_of_work(engine) as session:
        ranks = digests.unit_ranks(session, scope=scope)
    total = _in_batches(
        engine,
        lambda session, after: digests.weekly_batch(
            session,
            scope=scope,
            after_member_id=after,
            policy=policy,
            catalogs=catalogs,
            now=now,
            unit_ranks=ranks,
        ),
    )
    log.info("weekly digest %s: %d messages queued", scope, total)
    return total


def monthly_summary(
    engine: Engine, clock: Clock, policy: DeliveryPolicy, catalogs: Catalogs
) -> int:
    now = clock.now()
    scope = digests.last_month(now, policy.timezone)
    total = _in_batches(
        engine,
        lambda session, after: digests.monthly_batch(
            session, scope=scope, after_role_id=after, policy=policy, catalogs=catalogs, now=now
        ),
    )
    log.info("monthly summary %s: %d messages queued", scope, total)
    return total


def register(
    scheduler: Any, *, engine: Engine, clock: Clock, policy: DeliveryPolicy, catalogs: Catalogs
) -> None:
    """Add both jobs to an APScheduler scheduler (its time zone is the union's)."""
    args = [engine, clock, policy, catalogs]
    common = {"coalesce": True, "max_instances": 1, "misfire_grace_time": GRACE_SECONDS}
    scheduler.add_job(
        weekly_digest,
        "cron",
        day_of_week="mon",
        hour=8,
        minute=0,
        args=args,
        id="weekly_digest",
        **common,
    )
    scheduler.add_job(
        monthly_summary, "cron", day=1, hour=8, minute=30, args=args, id="monthly_summary", **common
    )
