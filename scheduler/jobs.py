"""Scheduled work. The database rows are the truth: every job looks for due rows, claims each
with FOR UPDATE SKIP LOCKED (PostgreSQL) in the transaction that does the work, and commits.
A second instance skips what the first holds; on SQLite there is one writer at a time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.engine import Engine

from core import campaigns, delivery
from core.broadcasts import service as broadcasts
from core.broadcasts.models import BroadcastStatus
from core.delivery_policy import DeliveryPolicy
from core.i18n import Catalogs
from core.ports import Clock
from core.privacy import retention
from core.storage import inbound
from core.storage.uow import unit_of_work
from scheduler.emulation import (
    evaluation_calls,
    pledge_calls,
    progress_calls,
    review_announcements,
)

log = logging.getLogger(__name__)

DEDUPE_HORIZON = timedelta(hours=48)  # Telegram 24 h, Meta 36 h, Zalo 12 h: all covered
MAX_BATCHES_PER_TICK = 200


def purge_inbound(engine: Engine, clock: Clock) -> int:
    return inbound.purge_done(engine, older_than=clock.now() - DEDUPE_HORIZON)


def purge_personal_data(
    engine: Engine, clock: Clock, policy: retention.Retention
) -> dict[str, int]:
    """Personal data past its retention period (core/privacy/retention.py): idempotent, so
    two instances running it at once delete nothing twice."""
    with unit_of_work(engine) as session:
        counts = retention.purge(session, policy=policy, now=clock.now())
    if any(counts.values()):
        log.info("retention purge: %s", counts)
    return counts


def fan_out(engine: Engine, clock: Clock, policy: DeliveryPolicy) -> int:
    """Scheduled broadcasts that became due, and big audiences still being queued: one batch
    per transaction, the broadcast row locked meanwhile. Returns recipients queued."""
    queued = 0
    for _ in range(MAX_BATCHES_PER_TICK):
        now = clock.now()
        with unit_of_work(engine) as session:
            broadcast = broadcasts.claim_work(session, now=now)
            if broadcast is None:
                break
            if broadcast.status == BroadcastStatus.SCHEDULED:
                broadcast.status = BroadcastStatus.QUEUING
                campaigns.start_scheduled(session, broadcast=broadcast, now=now)
            queued += broadcasts.fanout(
                session, broadcast=broadcast, policy=policy, now=now, limit=policy.fanout_batch
            )
    return queued


def finish_broadcasts(engine: Engine, clock: Clock) -> int:
    """Queued broadcasts with nothing left to send become finished, with the time."""
    with unit_of_work(engine) as session:
        return len(broadcasts.finish_done(session, now=clock.now()))


def campaign_reminders(
    engine: Engine, clock: Clock, policy: DeliveryPolicy, catalogs: Catalogs
) -> int:
    t = catalogs.translator(catalogs.default_locale, policy.timezone)
    total = 0
    while True:
        with unit_of_work(engine) as session:
            done = campaigns.send_due_reminders(session, now=clock.now(), policy=policy, t=t)
            closed = campaigns.close_ended(session, now=clock.now(), policy=policy)
        total += done
        if not done and not closed:
            return total


@dataclass
class Ticker:
    """Everything due, in one call: what the APScheduler interval job runs."""

    engine: Engine
    clock: Clock
    policy: DeliveryPolicy
    catalogs: Catalogs
    platforms: list[str] = field(default_factory=list)
    on_outbox: Callable[[], None] | None = None  # wakes the delivery loop of this instance
    retention: retention.Retention = field(default_factory=retention.Retention)

    def tick(self) -> dict[str, int]:
        counts = {
            "reminders": campaign_reminders(self.engine, self.clock, self.policy, self.catalogs),
            "queued": fan_out(self.engine, self.clock, self.policy),
            "pledge_calls": pledge_calls(self.engine, self.clock, self.policy, self.catalogs),
            "progress_calls": progress_calls(self.engine, self.clock, self.policy, self.catalogs),
            "reviews": review_announcements(self.engine, self.clock, self.policy, self.catalogs),
            "evaluation_calls": evaluation_calls(
                self.engine, self.clock, self.policy, self.catalogs
            ),
        }
        counts["finished"] = finish_broadcasts(self.engine, self.clock)
        due = retry_due(self.engine, self.clock, self.platforms)
        counts["due"] = due
        if (
            counts["queued"]
            or counts["reminders"]
            or counts["pledge_calls"]
            or counts["progress_calls"]
            or counts["reviews"]
            or counts["evaluation_calls"]
            or due
        ) and self.on_outbox is not None:
            self.on_outbox()
        return counts


def retry_due(engine: Engine, clock: Clock, platforms: list[str]) -> int:
    """1 when outbox rows (retries after backoff, held-back proactive rows) are due now."""
    if not platforms:
        return 0
    first = delivery.next_due(engine, platforms=platforms)
    return int(first is not None and first <= clock.now())
