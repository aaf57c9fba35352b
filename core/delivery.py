"""The database side of delivery: lease due outbox rows, apply the typed send results.

The async loop that calls channels lives in `bots/worker.py`; everything here is plain
transactions, so it is tested without any network.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import TextClause, bindparam, text, true, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core import delivery_fallback
from core.errors import DeliveryErrorKind, DeliveryFailure, SendResult, Sent
from core.members.models import Identity, Member
from core.messages import OutgoingMessage, Recipient
from core.storage.models import OutboxMessage, OutboxStatus
from core.storage.prepared import Prepared
from core.storage.types import UTCDateTime

LEASE = timedelta(seconds=3)  # renewed every third of it while the worker lives
MAX_ATTEMPTS = 8  # transient failures; then the row fails for good
AUTH_RETRY = 300.0  # seconds between tries while a channel's token is broken
BACKOFF_CAP = 600.0
# A transient failure among a platform's successes (a lone 5xx or time-out while the calls
# around it are answered) is retried after QUICK_RETRY seconds instead of the backoff, for its
# first QUICK_TRIES attempts: the platform is up and this call was unlucky. Should the row fail
# again while the platform is still up, its backoff starts from the first step (2 s, 4 s ...),
# not from the step its quick tries would have reached (8 s at the third attempt): with 5 % of
# calls failing, a broadcast to 30,000 has some 7 rows that fail three times, and one of them
# near the end kept the whole broadcast waiting 6.4-9.6 s (P8). A platform is taken as up
# while at most HEALTHY_FAILURES of its last HEALTH_WINDOW outcomes were failures of its own
# (transient, rate-limited, auth) and it has given at least that many; while it is not, every
# failure waits backoff(attempts) as it always did.
QUICK_RETRY = 0.25
QUICK_TRIES = 2
HEALTH_WINDOW = 50
HEALTHY_FAILURES = 10


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


class Health:
    """A platform's last outcomes, to tell a lone failure from an outage (see QUICK_RETRY).

    During an outage every failure keeps its backoff (2, 4, 8 s ...), so a platform that is
    down is not called more often than before; a failure that the platform names a wait for
    (`retry_after`) keeps that wait.
    """

    def __init__(self) -> None:
        self._outcomes: deque[bool] = deque(maxlen=HEALTH_WINDOW)  # True: the platform's fault

    def observe(self, result: SendResult) -> None:
        self._outcomes.append(not isinstance(result, Sent) and result.kind in _PLATFORM_FAULTS)

    def up(self) -> bool:
        return len(self._outcomes) == HEALTH_WINDOW and sum(self._outcomes) <= HEALTHY_FAILURES

    def retry(self, job: Job, result: SendResult) -> SendResult:
        """`result`, observed; a transient failure while the platform is up carries its wait
        (QUICK_RETRY, then the backoff from its first step)."""
        up = self.up()  # judged before this outcome: one failure does not tip it
        self.observe(result)
        if (
            isinstance(result, DeliveryFailure)
            and result.kind == DeliveryErrorKind.TRANSIENT
            and result.retry_after is None
            and result.migrate_to is None
            and up
        ):
            if job.attempts <= QUICK_TRIES:
                return replace(result, retry_after=QUICK_RETRY)
            return replace(result, retry_after=backoff(job.attempts - QUICK_TRIES))
        return result


_PLATFORM_FAULTS = frozenset(
    {DeliveryErrorKind.TRANSIENT, DeliveryErrorKind.RATE_LIMITED, DeliveryErrorKind.AUTH}
)


_CLAIM_COLUMNS = "id, identity_id, status, body, proactive, attempts"


def _sqlite_claim(time_condition: str, quiet: bool) -> TextClause:
    replies_only = " AND proactive = 0" if quiet else ""
    return text(
        f"SELECT {_CLAIM_COLUMNS} FROM outbox_message INDEXED BY ix_outbox_claim "
        f"WHERE platform IN :platforms AND status = :status AND {time_condition} :now"
        f"{replies_only} ORDER BY id LIMIT :limit"
    ).bindparams(bindparam("platforms", expanding=True), bindparam("now", type_=UTCDateTime()))


def _params(platforms: list[str], status: str, now: datetime, limit: int) -> dict[str, object]:
    return {"platforms": platforms, "status": status, "now": now, "limit": limit}


def _claim(status: str, platforms: list[str], now: datetime, limit: int, quiet: bool):  # type: ignore[no-untyped-def]
    outbox = OutboxMessage.__table__
    columns = [getattr(outbox.c, name) for name in _CLAIM_COLUMNS.split(", ")]
    timed = outbox.c.next_attempt_at <= now if status == "pending" else outbox.c.lease_until < now
    return (
        select(*columns)
        .where(
            outbox.c.platform.in_(platforms),
            outbox.c.status == status,
            timed,
            outbox.c.proactive.is_(False) if quiet else true(),
        )
        .order_by(outbox.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


def claim_due(
    engine: Engine,
    *,
    platforms: list[str],
    now: datetime,
    limit: int,
    lease: timedelta = LEASE,
    quiet: bool = False,
    own: Collection[int] = (),
) -> tuple[list[Job], int]:
    """Lease up to `limit` due rows for these platforms, oldest first (status LEASED).

    Rows whose lease lapsed (their worker died or hung) are claimed again. Those that were
    SENDING, handed to the platform, may have reached the person: each gets one more
    `possible_duplicates`, and their number is the second value. Rows that were only LEASED
    were never tried and come back without a mark. Rows for a blocked identity fail here
    without a send. In quiet hours (`quiet`), proactive rows (announcements, reminders) stay
    pending until the morning.
    """
    with Session(engine) as session, session.begin():
        found = _due_rows(session, engine, platforms, now, limit, quiet)
        # `own`: rows this worker still holds; if its own renewal came late, it must not
        # take them a second time.
        mine = set(own)
        rows = sorted((r for r in found if r.id not in mine), key=lambda r: r.id)[:limit]
        if not rows:
            return [], 0
        identities, locales = _recipients(session, rows)
        jobs: list[Job] = []
        blocked: list[int] = []
        lost_in_flight: list[int] = []
        for row in rows:
            identity = identities[row.identity_id]
            if row.status == OutboxStatus.SENDING:
                lost_in_flight.append(row.id)
            if identity.blocked_at is not None:
                blocked.append(row.id)
                continue
            jobs.append(_job(row, identity, locales))
        _mark_claimed(session, jobs, blocked, lost_in_flight, now + lease)
        return jobs, len(lost_in_flight)


def _due_rows(
    session: Session, engine: Engine, platforms: list[str], now: datetime, limit: int, quiet: bool
) -> list[Any]:
    """One query per status, each walking ix_outbox_claim (platform, status, id) in id order
    and stopping at `limit`: one OR across statuses, or the (status, next_attempt_at) index,
    would make the database sort every pending row of a big broadcast on each claim."""
    lapsed = (OutboxStatus.LEASED, OutboxStatus.SENDING)
    if engine.dialect.name == "sqlite":  # its planner needs telling which index
        return [
            *session.execute(
                _sqlite_claim("next_attempt_at <=", quiet),
                _params(platforms, OutboxStatus.PENDING, now, limit),
            ).all(),
            *(
                row
                for status in lapsed
                for row in session.execute(
                    _sqlite_claim("lease_until <", quiet),
                    _params(platforms, status, now, limit),
                ).all()
            ),
        ]
    return [
        *session.execute(_claim(OutboxStatus.PENDING, platforms, now, limit, quiet)).all(),
        *(
            row
            for status in lapsed
            for row in session.execute(_claim(status, platforms, now, limit, quiet)).all()
        ),
    ]


def _recipients(session: Session, rows: list[Any]) -> tuple[dict[int, Any], dict[int, str]]:
    """The claimed rows' identities, and their members' languages."""
    people = Identity.__table__
    identities = {
        i.id: i
        for i in session.execute(
            select(
                people.c.id,
                people.c.platform,
                people.c.platform_user_id,
                people.c.member_id,
                people.c.last_inbound_at,
                people.c.blocked_at,
            ).where(people.c.id.in_({r.identity_id for r in rows}))
        )
    }
    member_ids = {i.member_id for i in identities.values() if i.member_id}
    locales = dict(
        session.execute(
            select(Member.__table__.c.id, Member.__table__.c.locale).where(
                Member.__table__.c.id.in_(member_ids)
            )
        ).all()
    )
    return identities, locales


def _job(row: Any, identity: Any, locales: dict[int, str]) -> Job:
    return Job(
        outbox_id=row.id,
        recipient=Recipient(
            platform=identity.platform,
            user_id=identity.platform_user_id,
            identity_id=identity.id,
            last_inbound_at=identity.last_inbound_at,
            locale=locales.get(identity.member_id, "vi"),
        ),
        message=OutgoingMessage.from_json(row.body),
        proactive=row.proactive,
        attempts=row.attempts + 1,
    )


def _mark_claimed(
    session: Session, jobs: list[Job], blocked: list[int], lost: list[int], lease_until: datetime
) -> None:
    outbox = OutboxMessage.__table__  # plain rows: a broadcast leases thousands a second
    if lost:
        session.execute(
            update(outbox)
            .where(outbox.c.id.in_(lost))
            .values(possible_duplicates=outbox.c.possible_duplicates + 1)
        )
    if blocked:
        session.execute(
            update(outbox)
            .where(outbox.c.id.in_(blocked))
            .values(
                status=OutboxStatus.FAILED,
                error_kind=DeliveryErrorKind.BLOCKED,
                last_error="recipient has blocked the bot",
                lease_until=None,
            )
        )
    if jobs:
        session.execute(
            update(outbox)
            .where(outbox.c.id.in_([job.outbox_id for job in jobs]))
            .values(status=OutboxStatus.LEASED, lease_until=lease_until)
        )


def renew(engine: Engine, ids: Collection[int], *, now: datetime, lease: timedelta) -> int:
    """Extend the lease of rows this worker still holds (it is alive); returns how many.

    Rows that the same worker's group commit has locked are skipped, not waited for: that
    commit sets their lease or finishes them, and an `UPDATE … WHERE id IN (…)` beside it
    locks the same rows in another order, which PostgreSQL ends as a deadlock."""
    if not ids:
        return 0
    outbox = OutboxMessage.__table__
    free = (
        select(outbox.c.id)
        .where(
            outbox.c.id.in_(sorted(ids)),
            outbox.c.status.in_([OutboxStatus.LEASED, OutboxStatus.SENDING]),
        )
        .with_for_update(skip_locked=True)
    )
    with Session(engine) as session, session.begin():
        result = session.execute(
            update(outbox).where(outbox.c.id.in_(free)).values(lease_until=now + lease)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Record:
    """One group commit of a delivery loop: sends that finished, rows about to be handed to
    the platform, and leased rows given back untried, each with the outbox id of the failed
    send it must stay behind (None: due again at once)."""

    outcomes: Sequence[tuple[Job, SendResult]] = ()
    starting: Sequence[Job] = ()
    released: Sequence[tuple[Job, int | None]] = ()


_outbox = OutboxMessage.__table__
# A group commit's statements, compiled once (core/storage/prepared.py): a delivery loop
# commits once per send or two, and building, compiling and processing these through
# SQLAlchemy for each commit was most of the worker's database time (docs/benchmarks.md, P8).
_SENT = Prepared(
    update(_outbox)
    .where(_outbox.c.id == bindparam("row_id"))
    .values(
        status=OutboxStatus.SENT,
        sent_at=bindparam("now", type_=UTCDateTime()),
        external_ids=bindparam("ext"),
        lease_until=None,
        last_error=None,
        error_kind=None,
    )
)
_START = Prepared(
    update(_outbox)
    .where(_outbox.c.id == bindparam("row_id"), _outbox.c.status == OutboxStatus.LEASED)
    .values(
        status=OutboxStatus.SENDING,
        lease_until=bindparam("until", type_=UTCDateTime()),
        attempts=_outbox.c.attempts + 1,
    )
)
_RELEASE = Prepared(
    update(_outbox)
    .where(_outbox.c.id == bindparam("row_id"), _outbox.c.status == OutboxStatus.LEASED)
    .values(
        status=OutboxStatus.PENDING,
        lease_until=None,
        next_attempt_at=bindparam("due", type_=UTCDateTime()),
    )
)


def record(engine: Engine, batch: Record, *, now: datetime, lease: timedelta) -> list[str]:
    """Commit a group of outcomes, starts and releases in one transaction.

    A start (LEASED to SENDING, one attempt counted) is committed before its send: a row
    found SENDING after its lease lapsed is one whose send may have happened. A failed send
    that will be retried keeps the same person's later rows behind it (due no earlier than
    its retry). Returns the new status of each outcome's row.
    """
    outbox = _outbox
    with Session(engine) as session, session.begin():
        statuses = _apply(session, batch.outcomes, now) if batch.outcomes else []
        retry_at: dict[int, datetime] = {}
        failed = {
            job.outbox_id: job.recipient.identity_id
            for job, result in batch.outcomes
            if not isinstance(result, Sent)
        }
        if failed:
            for row in session.execute(
                select(outbox.c.id, outbox.c.next_attempt_at).where(
                    outbox.c.id.in_(list(failed)), outbox.c.status == OutboxStatus.PENDING
                )
            ):
                retry_at[row.id] = row.next_attempt_at
                session.execute(  # rows of the person queued meanwhile, not ours
                    update(outbox)
                    .where(
                        outbox.c.identity_id == failed[row.id],
                        outbox.c.id > row.id,
                        outbox.c.status == OutboxStatus.PENDING,
                        outbox.c.next_attempt_at < row.next_attempt_at,
                    )
                    .values(next_attempt_at=row.next_attempt_at)
                )
        if batch.starting:
            until = now + lease
            _START.many(
                session.connection(),
                [{"row_id": job.outbox_id, "until": until} for job in batch.starting],
            )
        if batch.released:
            _RELEASE.many(
                session.connection(),
                [
                    {
                        "row_id": job.outbox_id,
                        "due": retry_at.get(behind, now) if behind is not None else now,
                    }
                    for job, behind in batch.released
                ],
            )
    return statuses


def apply_result(engine: Engine, job: Job, result: SendResult, now: datetime) -> str:
    """Record what the platform said; returns the row's new status."""
    return apply_results(engine, [(job, result)], now)[0]


def apply_results(
    engine: Engine, outcomes: list[tuple[Job, SendResult]], now: datetime
) -> list[str]:
    """Record a round of sends in one transaction; returns each row's new status."""
    with Session(engine) as session, session.begin():
        return _apply(session, outcomes, now)


def _apply(
    session: Session, outcomes: Sequence[tuple[Job, SendResult]], now: datetime
) -> list[str]:
    outbox = _outbox
    sent = [
        {"row_id": job.outbox_id, "ext": ",".join(result.message_ids)[:500], "now": now}
        for job, result in outcomes
        if isinstance(result, Sent)
    ]
    gone: set[int] = set()  # deleted meanwhile (/forget)
    if sent and _SENT.many(session.connection(), sent) != len(sent):
        ids = [s["row_id"] for s in sent]
        gone = set(ids) - set(
            session.execute(select(outbox.c.id).where(outbox.c.id.in_(ids))).scalars()
        )
    failed = [job.outbox_id for job, r in outcomes if not isinstance(r, Sent)]
    rows = (
        {
            r.id: r
            for r in session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(failed)))
        }
        if failed
        else {}
    )
    statuses: list[str] = []
    for job, result in outcomes:
        if isinstance(result, Sent):
            gone_now = job.outbox_id in gone
            statuses.append(OutboxStatus.CANCELLED if gone_now else OutboxStatus.SENT)
            continue
        row = rows.get(job.outbox_id)
        if row is None:  # deleted meanwhile (/forget)
            statuses.append(OutboxStatus.CANCELLED)
            continue
        row.lease_until = None
        if row.status == OutboxStatus.LEASED:  # sent without a recorded start (drain)
            row.attempts += 1
        _apply_failure(session, row, result, now)
        statuses.append(row.status)
    if rows:
        session.flush()
    return statuses


def _apply_failure(
    session: Session, row: OutboxMessage, failure: DeliveryFailure, now: datetime
) -> None:
    row.error_kind = failure.kind
    row.last_error = failure.detail[:500]
    kind = failure.kind
    if failure.migrate_to:
        _follow_migration(session, row, failure.migrate_to)
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
    elif kind == DeliveryErrorKind.AUTH:
        # Our token is broken (the channel is flagged and officers told): nothing is wrong with
        # this message, so it waits for the operator instead of using up its attempts.
        row.attempts -= 1
        row.status = OutboxStatus.PENDING
        row.next_attempt_at = now + timedelta(seconds=failure.retry_after or AUTH_RETRY)
    elif kind == DeliveryErrorKind.TRANSIENT:
        if row.attempts >= MAX_ATTEMPTS:
            row.status = OutboxStatus.FAILED
        else:
            row.status = OutboxStatus.PENDING
            wait = failure.retry_after or backoff(row.attempts)
            row.next_attempt_at = now + timedelta(seconds=wait)
            if failure.maybe_delivered:  # the retry may deliver it a second time
                row.possible_duplicates += 1
    else:
        row.status = OutboxStatus.FAILED
    if row.proactive and kind in delivery_fallback.KINDS:
        delivery_fallback.reroute(session, row, kind, now)


def _follow_migration(session: Session, row: OutboxMessage, new_id: str) -> None:
    """The chat moved (a Telegram group became a supergroup): the identity takes the new id,
    unless the new id is known already (it wrote first), whose identity then takes the row."""
    known = session.exec(
        select(Identity.id).where(
            Identity.platform == row.platform, Identity.platform_user_id == new_id
        )
    ).first()
    if known is not None:
        row.identity_id = known
        return
    session.execute(
        update(Identity).where(col(Identity.id) == row.identity_id).values(platform_user_id=new_id)
    )


def release(engine: Engine, jobs: list[Job], *, now: datetime) -> None:
    """Give back leased rows that were not tried: due again at once, no attempt counted."""
    record(engine, Record(released=[(job, None) for job in jobs]), now=now, lease=LEASE)


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
