"""Reminders of initiatives waiting for review: once a day (08:15 local), every initiative
received or under review whose status has not moved for THIDUA_INITIATIVE_REVIEW_REMINDER_DAYS
days gets a reminder to its assignee (or the unit's officers). Batches are claimed with
FOR UPDATE SKIP LOCKED and the reminders carry a dedupe key per waiting period, so two
instances remind once; a missed run simply runs late."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.engine import Engine

from core import initiatives as service
from core.delivery_policy import DeliveryPolicy
from core.dispatch import ChatConfig
from core.i18n import Catalogs
from core.initiatives.notify import Notifier
from core.ports import Clock
from core.storage.uow import unit_of_work

log = logging.getLogger(__name__)
GRACE_SECONDS = 12 * 3600
BATCH = 200


def review_reminders(
    engine: Engine, clock: Clock, policy: DeliveryPolicy, catalogs: Catalogs, days: int
) -> int:
    notifier = Notifier(
        catalogs,
        ChatConfig(
            default_locale=catalogs.default_locale, timezone=policy.timezone, delivery=policy
        ),
    )
    total = 0
    while True:
        with unit_of_work(engine) as session:
            done = service.send_review_reminders(
                session, notifier=notifier, now=clock.now(), days=days, limit=BATCH
            )
        total += done
        if done < BATCH:
            break
    if total:
        log.info("initiative review reminders: %d initiatives", total)
    return total


def register(
    scheduler: Any,
    *,
    engine: Engine,
    clock: Clock,
    policy: DeliveryPolicy,
    catalogs: Catalogs,
    days: int,
) -> None:
    scheduler.add_job(
        review_reminders,
        "cron",
        hour=8,
        minute=15,
        args=[engine, clock, policy, catalogs, days],
        id="initiative_review_reminders",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=GRACE_SECONDS,
    )
