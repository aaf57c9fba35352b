"""Reminders to the reviewers of initiatives that have waited too long."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from core.initiatives import rules
from core.initiatives.models import Initiative
from core.initiatives.notify import Notifier
from core.initiatives.rules import Status
from core.initiatives.workflow import tell_reviewers


def send_review_reminders(
    session: Session, *, notifier: Notifier, now: datetime, days: int, limit: int = 200
) -> int:
    """Remind the assignee (or the unit's officers) of each initiative waiting for review
    (received or under review) whose status has not moved for `days` days, once per `days`
    days. The rows are claimed with FOR UPDATE SKIP LOCKED, and each reminder's dedupe key is
    the waiting period's number: two scheduler instances remind once."""
    cutoff = now - timedelta(days=days)
    due = session.exec(
        select(Initiative)
        .where(
            col(Initiative.status).in_([Status.RECEIVED, Status.UNDER_REVIEW]),
            col(Initiative.status_changed_at) <= cutoff,
            or_(col(Initiative.reminded_at).is_(None), col(Initiative.reminded_at) <= cutoff),
        )
        .order_by(col(Initiative.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for item in due:
        item.reminded_at = now
        period = rules.waiting_periods(item.status_changed_at, now, days)
        since = int(item.status_changed_at.timestamp())
        tell_reviewers(
            session, notifier, item, f"ini:{item.id}:remind:{since}:{period}", now, reminder=True
        )
    session.flush()
    return len(due)
