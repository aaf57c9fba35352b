"""Broadcasts: plan the reach, fan out to the outbox in batches, report what happened."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.broadcasts.models import (
    Broadcast,
    BroadcastKind,
    BroadcastRecipient,
    BroadcastStatus,
    Reach,
)
from core.broadcasts.rules import (
    ANNOUNCEMENT_MAX,
    Choice,
    Contact,
    PlanCounts,
    announcement_problem,
    choose_contact,
    estimated_finish,
)
from core.delivery_policy import DeliveryPolicy
from core.errors import ConcurrencyConflict, DomainError, InvalidInput
from core.groups import posts as group_posts
from core.groups.models import BroadcastGroup
from core.members.models import Consent, ConsentPurpose, Identity, Member, UnionUnit
from core.messages import Button, OutgoingMessage
from core.storage.models import OutboxMessage, OutboxStatus


@dataclass(frozen=True)
class Audience:
    unit: UnionUnit
    include_subtree: bool
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    counts: PlanCounts
    finish: datetime
    quiet_until: datetime | None  # proactive sends wait for the end of the quiet hours
    # linked group chats it is also posted in, per messenger (core/groups/posts.py)
    groups: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.counts.total


def _members_after(
    session: Session, audience: Audience, *, after: int, limit: int
) -> Sequence[tuple[int, int, str | None]]:
    query = (
        select(Member.id, Member.unit_id, Member.preferred_platform)
        .join(UnionUnit, col(UnionUnit.id) == Member.unit_id)
        .where(
            col(Member.onboarded_at).is_not(None),
            col(Member.forgotten_at).is_(None),
            col(Member.id) > after,
        )
    )
    if audience.include_subtree:
        query = query.where(col(UnionUnit.path).startswith(audience.unit.path))
    else:
        query = query.where(col(Member.unit_id) == audience.unit.id)
    if audience.groups:
        query = query.where(col(Member.worker_group).in_(audience.groups))
    return session.exec(query.order_by(col(Member.id)).limit(limit)).all()  # type: ignore[return-value]


def _choices(
    session: Session,
    rows: Sequence[tuple[int, int, str | None]],
    policy: DeliveryPolicy,
    now: datetime,
) -> list[tuple[int, int, Choice]]:
    ids = [r[0] for r in rows]
    contacts: dict[int, list[Contact]] = defaultdict(list)
    for identity in session.exec(select(Identity).where(col(Identity.member_id).in_(ids))):
        contacts[identity.member_id].append(  # type: ignore[index]
            Contact(
                identity_id=identity.id,  # type: ignore[arg-type]
                platform=identity.platform,
                last_inbound_at=identity.last_inbound_at,
                blocked=identity.blocked_at is not None,
            )
        )
    consented = set(
        session.exec(
            select(Consent.member_id).where(
                col(Consent.member_id).in_(ids),
                Consent.purpose == ConsentPurpose.ANNOUNCEMENTS,
                col(Consent.withdrawn_at).is_(None),
            )
        )
    )
    return [
        (
            member_id,
            unit_id,
            choose_contact(
                contacts.get(member_id, []),
                preferred=preferred,
                consented=member_id in consented,
                policy=policy,
                now=now,
            ),
        )
        for member_id, unit_id, preferred in rows
    ]


def has_members(session: Session, *, audience: Audience) -> bool:
    return bool(_members_after(session, audience, after=0, limit=1))


def plan(session: Session, *, audience: Audience, policy: DeliveryPolicy, now: datetime) -> Plan:
    """What would happen if the broadcast were confirmed now."""
    counts = PlanCounts()
    cursor = 0
    while True:
        rows = _members_after(session, audience, after=cursor, limit=policy.fanout_batch)
        if not rows:
            break
        for _member_id, _unit_id, choice in _choices(session, rows, policy, now):
            counts.add(choice)
        cursor = rows[-1][0]
    quiet = policy.quiet_ends_after(now)
    return Plan(
        counts=counts,
        finish=estimated_finish(counts.sendable(), policy, now),
        quiet_until=quiet if quiet != now else None,
        groups=group_posts.planned(
            session,
            unit=audience.unit,
            include_subtree=audience.include_subtree,
            targeted=bool(audience.groups),
        ),
    )


def announcement_problem_of(text: str, raw_length: int = 0) -> str | None:
    """`raw_length` is the length as typed: chat input is cut before handlers see it."""
    if raw_length > ANNOUNCEMENT_MAX:
        return "announcement_too_long"
    return announcement_problem(text)


def check_text(text: str) -> None:
    problem = announcement_problem(text)
    if problem:
        raise InvalidInput(problem)


def create(
    session: Session,
    *,
    key: str,
    kind: BroadcastKind,
    audience: Audience,
    text: str,
    now: datetime,
    policy: DeliveryPolicy,
    campaign_id: int | None = None,
    created_by: int | None = None,
    scheduled_at: datetime | None = None,
    buttons: tuple[Button, ...] = (),
) -> tuple[Broadcast, bool]:
    """The broadcast with this key, created if new (False when it already existed: a second
    confirm writes nothing twice). Small audiences are queued in this same transaction.
    `buttons` go under the text to everyone (a feature's own buttons, labelled in the
    announcement's language)."""
    existing = session.exec(select(Broadcast).where(Broadcast.key == key)).first()
    if existing is not None:
        return existing, False
    check_text(text)
    if scheduled_at is not None and scheduled_at <= now:
        raise InvalidInput("scheduled_in_past")
    broadcast = Broadcast(
        key=key,
        kind=kind,
        campaign_id=campaign_id,
        unit_id=audience.unit.id,  # type: ignore[arg-type]
        include_subtree=audience.include_subtree,
        target_groups=",".join(audience.groups),
        text=text,
        buttons=OutgoingMessage("", buttons).to_json() if buttons else "",
        status=BroadcastStatus.SCHEDULED if scheduled_at else BroadcastStatus.QUEUING,
        scheduled_at=scheduled_at,
        created_by=created_by,
        created_at=now,
    )
    session.add(broadcast)
    try:
        session.flush()
    except IntegrityError as exc:  # the same key inserted by a concurrent transaction
        raise ConcurrencyConflict(str(exc)) from exc
    if scheduled_at is None:
        fanout(session, broadcast=broadcast, policy=policy, now=now, limit=policy.inline_fanout)
    return broadcast, True


def audience_of(session: Session, broadcast: Broadcast) -> Audience:
    unit = session.get(UnionUnit, broadcast.unit_id)
    if unit is None:
        raise DomainError("unit_unknown")
    groups = tuple(g for g in broadcast.target_groups.split(",") if g)
    return Audience(unit, broadcast.include_subtree, groups)


def body_of(broadcast: Broadcast) -> str:
    """The outbox body of each recipient's message: the text and its buttons."""
    buttons = OutgoingMessage.from_json(broadcast.buttons).buttons if broadcast.buttons else ()
    return OutgoingMessage(text=broadcast.text, buttons=buttons).to_json()


def fanout(
    session: Session, *, broadcast: Broadcast, policy: DeliveryPolicy, now: datetime, limit: int
) -> int:
    """Write recipients and outbox rows for up to `limit` more members, in this transaction.
    The cursor moves with them, so a crash between batches loses nothing and repeats nothing."""
    if broadcast.status != BroadcastStatus.QUEUING:
        return 0
    audience = audience_of(session, broadcast)
    body = body_of(broadcast)
    done = 0
    while done < limit:
        rows = _members_after(
            session,
            audience,
            after=broadcast.fanout_cursor,
            limit=min(policy.fanout_batch, limit - done),
        )
        if not rows:
            broadcast.status = BroadcastStatus.QUEUED
            broadcast.queued_at = now
            # the text only: a button tapped in a group chat would answer nobody
            group_body = OutgoingMessage(text=broadcast.text).to_json()
            group_posts.post(session, broadcast=broadcast, body=group_body, now=now)
            break
        recipients: list[dict[str, object]] = []
        messages: list[dict[str, object]] = []
        for member_id, unit_id, choice in _choices(session, rows, policy, now):
            contact = choice.contact
            key = f"bc:{broadcast.id}:{member_id}" if contact else None
            recipients.append(
                {
                    "broadcast_id": broadcast.id,
                    "member_id": member_id,
                    "unit_id": unit_id,
                    "platform": contact.platform if contact else None,
                    "reach": str(choice.reach),
                    "skip_reason": str(choice.skip) if choice.skip else None,
                    "dedupe_key": key,
                }
            )
            if contact is None:
                continue
            held = choice.reach == Reach.NEXT_MESSAGE
            messages.append(
                {
                    "identity_id": contact.identity_id,
                    "platform": contact.platform,
                    "body": body,
                    "proactive": True,
                    "status": OutboxStatus.HELD if held else OutboxStatus.PENDING,
                    "error_kind": "outside_window" if held else None,
                    "last_error": "outside the messaging window when queued" if held else None,
                    "attempts": 0,
                    "dedupe_key": key,
                    "next_attempt_at": now,
                    "created_at": now,
                }
            )
        session.execute(insert(BroadcastRecipient), recipients)
        if messages:
            session.execute(insert(OutboxMessage), messages)
        broadcast.fanout_cursor = rows[-1][0]
        broadcast.audience += len(rows)
        done += len(rows)
    session.flush()
    return done


UNSENT = (OutboxStatus.PENDING, OutboxStatus.LEASED, OutboxStatus.SENDING)


def finish_done(session: Session, *, now: datetime) -> list[int]:
    """Mark FINISHED, with the time, every queued broadcast with nothing left to send: each
    recipient's row is sent, failed, or waiting for the person's next message (held), or the
    recipient was skipped. Returns the ids finished.

    One probe per queued broadcast: the unsent rows are few once it is done (ix_outbox_due
    starts with the status), and the first unsent row of a broadcast still sending is found
    at once."""
    finished: list[int] = []
    queued = session.exec(
        select(Broadcast)
        .where(Broadcast.status == BroadcastStatus.QUEUED)
        .with_for_update(skip_locked=True)
    ).all()
    for broadcast in queued:
        left = session.exec(
            select(OutboxMessage.id)
            .where(
                col(OutboxMessage.status).in_(UNSENT),
                col(OutboxMessage.dedupe_key).startswith(f"bc:{broadcast.id}:"),
            )
            .limit(1)
        ).first()
        if left is None:
            broadcast.status = BroadcastStatus.FINISHED
            broadcast.finished_at = now
            finished.append(broadcast.id)  # type: ignore[arg-type]
    session.flush()
    return finished


def claim_work(session: Session, *, now: datetime) -> Broadcast | None:
    """A broadcast with work to do (queuing, or scheduled and due), locked for this
    transaction: another instance skips it (FOR UPDATE SKIP LOCKED on PostgreSQL)."""
    due = (col(Broadcast.status) == BroadcastStatus.QUEUING) | (
        (col(Broadcast.status) == BroadcastStatus.SCHEDULED) & (col(Broadcast.scheduled_at) <= now)
    )
    return session.exec(
        select(Broadcast)
        .where(due)
        .order_by(col(Broadcast.id))
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()


# --- the delivery report --------------------------------------------------------------------

QUEUED, SENT, WAITING, FAILED, SKIPPED = "queued", "sent", "waiting", "failed", "skipped"
CATEGORIES = (QUEUED, SENT, WAITING, FAILED, SKIPPED)


def _category(skip: str | None, status: str | None) -> str:
    if skip is not None:
        return SKIPPED
    if status in (OutboxStatus.PENDING, OutboxStatus.LEASED, OutboxStatus.SENDING):
        return QUEUED
    if status == OutboxStatus.SENT:
        return SENT
    if status == OutboxStatus.HELD:
        return WAITING
    return FAILED  # failed, cancelled, or the row is gone


@dataclass
class Report:
    broadcast_id: int
    status: str
    scheduled_at: datetime | None
    audience: int = 0
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    failed_why: dict[str, int] = field(default_factory=dict)
    skipped_why: dict[str, int] = field(default_factory=dict)
    by_platform: dict[str, dict[str, int]] = field(default_factory=dict)
    by_unit: dict[int, dict[str, int]] = field(default_factory=dict)
    unit_names: dict[int, str] = field(default_factory=dict)
    # Sends that may have reached a person twice: a worker lost its lease (killed, or stalled
    # past it) while the send was in flight, and the row was sent again.
    possible_duplicates: int = 0
    # Delivered on another messenger of the member after the planned one failed for good
    # (core/delivery_fallback.py), by the messenger it fell back from.
    by_fallback: dict[str, int] = field(default_factory=dict)
    # its posts in linked group chats, per messenger: a line of their own, not in the totals
    # (a group is not a member of the audience)
    groups: dict[str, dict[str, int]] = field(default_factory=dict)
    finished_at: datetime | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "broadcast_id": self.broadcast_id,
            "status": self.status,
            "scheduled_at": self.scheduled_at.isoformat() if self.scheduled_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "audience": self.audience,
            "totals": self.totals,
            "possible_duplicates": self.possible_duplicates,
            "delivered_by_fallback": self.by_fallback,
            "failed_why": self.failed_why,
            "skipped_why": self.skipped_why,
            "by_platform": self.by_platform,
            "groups": self.groups,
            "by_unit": {
                str(unit_id): {"name": self.unit_names.get(unit_id, ""), **counts}
                for unit_id, counts in self.by_unit.items()
            },
        }


def report(session: Session, *, broadcast: Broadcast) -> Report:
    rows = session.exec(
        select(
            BroadcastRecipient.platform,
            BroadcastRecipient.unit_id,
            BroadcastRecipient.skip_reason,
            OutboxMessage.status,
            OutboxMessage.error_kind,
            BroadcastRecipient.fallback_from,
            func.count(),
            func.coalesce(func.sum(OutboxMessage.possible_duplicates), 0),
        )
        .select_from(BroadcastRecipient)
        .outerjoin(OutboxMessage, col(OutboxMessage.dedupe_key) == BroadcastRecipient.dedupe_key)
        .where(BroadcastRecipient.broadcast_id == broadcast.id)
        .group_by(
            BroadcastRecipient.platform,
            BroadcastRecipient.unit_id,
            BroadcastRecipient.skip_reason,
            OutboxMessage.status,
            OutboxMessage.error_kind,
            BroadcastRecipient.fallback_from,
        )
    ).all()
    result = Report(broadcast.id, str(broadcast.status), broadcast.scheduled_at)  # type: ignore[arg-type]
    result.finished_at = broadcast.finished_at
    for platform, unit_id, skip, status, error_kind, fallback_from, n, duplicates in rows:
        category = _category(skip, status)
        if fallback_from and category == SENT:
            result.by_fallback[fallback_from] = result.by_fallback.get(fallback_from, 0) + n
        result.possible_duplicates += int(duplicates)
        result.audience += n
        result.totals[category] += n
        if category == SKIPPED:
            result.skipped_why[skip] = result.skipped_why.get(skip, 0) + n
        elif category == FAILED:
            why = error_kind or status or "cancelled"
            result.failed_why[why] = result.failed_why.get(why, 0) + n
        for table, key in ((result.by_platform, platform or "none"), (result.by_unit, unit_id)):
            row = table.setdefault(key, dict.fromkeys(CATEGORIES, 0))  # type: ignore[attr-defined]
            row[category] += n
    result.groups = _group_lines(session, broadcast.id)  # type: ignore[arg-type]
    if result.by_unit:
        result.unit_names = {
            u.id: u.name  # type: ignore[misc]
            for u in session.exec(
                select(UnionUnit).where(col(UnionUnit.id).in_(list(result.by_unit)))
            )
        }
    return result


def _group_lines(session: Session, broadcast_id: int) -> dict[str, dict[str, int]]:
    """The broadcast's posts in group chats, per messenger and category."""
    lines: dict[str, dict[str, int]] = {}
    for platform, status, n in session.exec(
        select(BroadcastGroup.platform, OutboxMessage.status, func.count())
        .select_from(BroadcastGroup)
        .outerjoin(OutboxMessage, col(OutboxMessage.dedupe_key) == BroadcastGroup.dedupe_key)
        .where(BroadcastGroup.broadcast_id == broadcast_id)
        .group_by(BroadcastGroup.platform, OutboxMessage.status)
    ).all():
        row = lines.setdefault(platform, dict.fromkeys(CATEGORIES, 0))
        row[_category(None, status)] += n
    return lines
