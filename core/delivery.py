"""The database side of delivery: lease due outbox rows, apply the typed send results.

The async loop that calls channels lives in `bots/worker.py`; everything here is plain
transactions, so it is tested without any network.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, true, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.errors import DeliveryErrorKind, DeliveryFailure, SendResult, Sent
from core.members.models import Identity, Member
from core.messages import OutgoingMessage, Recipient
from core.storage.models import OutboxMessage, OutboxStatus

LEASE = timedelta(seconds=120)
MAX_ATTEMPTS = 8  # transient and auth failures; then the row fails for good
BACKOFF_CAP = 600.0


@dataclass(frozen=True)
class Job:
    outbox_id: int
    recipient: Recipient
    message: OutgoingMessage
    proactive: bool
    attempts: int


def backoff(attempts: int, rng: random.Random | None = None) -> float:
    """Seconds to wait after the n-th failed attempt: 2, 4, 8 ... capped, with ±20% jitter."""
    base = min(2.0**attempts, BACKOFF_CAP)
    return base * (0.8 + 0.4 * (rng or random).random())


def claim_due(
    engine: Engine,
    *,
    platforms: list[str],
    now: datetime,
    limit: int,
    lease: timedelta = LEASE,
    quiet: bool = False,
) -> tuple[list[Job], int]:
    """Lease up to `limit` due rows for these platforms, oldest first.

    Rows whose lease expired (a worker died mid-send) are claimed again: their send may
    have happened, so those are counted as possible duplicates (the second value).
    Rows for a blocked identity fail here without a send. In quiet hours (`quiet`),
    proactive rows (announcements, reminders) stay pending until the morning.
    """
    with Session(engine) as session, session.begin():
        rows = session.exec(
            select(OutboxMessage)
            .where(
                col(OutboxMessage.platform).in_(platforms),
                col(OutboxMessage.proactive).is_(False) if quiet else true(),
                or_(
                    (col(OutboxMessage.status) == OutboxStatus.PENDING)
                    & (col(OutboxMessage.next_attempt_at) <= now),
                    (col(OutboxMessage.status) == OutboxStatus.SENDING)
                    & (col(OutboxMessage.lease_until) < now),
                ),
            )
            .order_by(col(OutboxMessage.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        if not rows:
            return [], 0
        identity_ids = {r.identity_id for r in rows}
        identities = {
            i.id: i
            for i in session.exec(select(Identity).where(col(Identity.id).in_(identity_ids)))
        }
        member_ids = {i.member_id for i in identities.values() if i.member_id}
        locales = {
            m.id: m.locale
            for m in session.exec(select(Member).where(col(Member.id).in_(member_ids)))
        }
        jobs: list[Job] = []
        recovered = 0
        for row in rows:
            identity = identities[row.identity_id]
            if row.status == OutboxStatus.SENDING:
                recovered += 1
            if identity.blocked_at is not None:
                row.status = OutboxStatus.FAILED
                row.error_kind = DeliveryErrorKind.BLOCKED
                row.last_error = "recipient has blocked the bot"
                row.lease_until = None
                continue
            row.status = OutboxStatus.SENDING
            row.lease_until = now + lease
            row.attempts += 1
            jobs.append(
                Job(
                    outbox_id=row.id,  # type: ignore[arg-type]
                    recipient=Recipient(
                        platform=identity.platform,
                        user_id=identity.platform_user_id,
                        identity_id=identity.id,  # type: ignore[arg-type]
                        last_inbound_at=identity.last_inbound_at,
                        locale=locales.get(identity.member_id, "vi"),
                    ),
                    message=OutgoingMessage.from_json(row.body),
                    proactive=row.proactive,
                    attempts=row.attempts,
                )
            )
        return jobs, recovered


def apply_result(engine: Engine, job: Job, result: SendResult, now: datetime) -> str:
    """Record what the platform said; returns the row's new status."""
    return apply_results(engine, [(job, result)], now)[0]


def apply_results(
    engine: Engine, outcomes: list[tuple[Job, SendResult]], now: datetime
) -> list[str]:
    """Record a round of sends in one transaction; returns each row's new status."""
    statuses: list[str] = []
    with Session(engine) as session, session.begin():
        rows = {
            r.id: r
            for r in session.exec(
                select(OutboxMessage).where(
                    col(OutboxMessage.id).in_([job.outbox_id for job, _ in outcomes])
                )
            )
        }
        for job, result in outcomes:
            row = rows.get(job.outbox_id)
            if row is None:  # deleted meanwhile (/forget)
                statuses.append(OutboxStatus.CANCELLED)
                continue
            row.lease_until = None
            if isinstance(result, Sent):
                row.status = OutboxStatus.SENT
                row.sent_at = now
                row.external_ids = ",".join(result.message_ids)[:500]
                row.last_error = row.error_kind = None
            else:
                _apply_failure(session, row, result, now)
            statuses.append(row.status)
    return statuses


def _apply_failure(
    session: Session, row: OutboxMessage, failure: DeliveryFailure, now: datetime
) -> None:
    row.error_kind = failure.kind
    row.last_error = failure.detail[:500]
    kind = failure.kind
    if failure.migrate_to:
        session.execute(
            update(Identity)
            .where(col(Identity.id) == row.identity_id)
            .values(platform_user_id=failure.migrate_to)
        )
        row.status, row.next_attempt_at = OutboxStatus.PENDING, now
        return
    if kind == DeliveryErrorKind.BLOCKED:
        session.execute(
            update(Identity).where(col(Identity.id) == row.identity_id).values(blocked_at=now)
        )
        row.status = OutboxStatus.FAILED
    elif kind == DeliveryErrorKind.OUTSIDE_WINDOW:
        row.status = OutboxStatus.HELD
    elif kind == DeliveryErrorKind.RATE_LIMITED:
        row.attempts -= 1  # waiting our turn is not a failed attempt
        row.status = OutboxStatus.PENDING
        row.next_attempt_at = now + timedelta(seconds=failure.retry_after or 1.0)
    elif kind in (DeliveryErrorKind.TRANSIENT, DeliveryErrorKind.AUTH):
        if row.attempts >= MAX_ATTEMPTS:
            row.status = OutboxStatus.FAILED
        else:
            row.status = OutboxStatus.PENDING
            wait = failure.retry_after or backoff(row.attempts)
            row.next_attempt_at = now + timedelta(seconds=wait)
    else:
        row.status = OutboxStatus.FAILED


def release(engine: Engine, jobs: list[Job]) -> None:
    """Give back leased rows that were not tried (an earlier message to the same person
    failed): they become due again at once, behind it, without counting an attempt."""
    with Session(engine) as session, session.begin():
        for row in session.exec(
            select(OutboxMessage).where(col(OutboxMessage.id).in_([j.outbox_id for j in jobs]))
        ):
            if row.status == OutboxStatus.SENDING:
                row.status = OutboxStatus.PENDING
                row.lease_until = None
                row.attempts -= 1


def next_due(engine: Engine, *, platforms: list[str]) -> datetime | None:
    with Session(engine) as session:
        return session.exec(
            select(OutboxMessage.next_attempt_at)
            .where(
                col(OutboxMessage.platform).in_(platforms),
                OutboxMessage.status == OutboxStatus.PENDING,
            )
            .order_by(col(OutboxMessage.next_attempt_at))
            .limit(1)
        ).first()
