"""Fallback at send time: an announcement that cannot reach a person on one messenger goes to
another of theirs, once.

When a proactive send fails for good for this recipient (they blocked the bot or are unknown
to it: BLOCKED; or the platform's window closed and no template may go: OUTSIDE_WINDOW) and
the member is linked on another messenger that is not blocked, the same message is queued
there: their preferred messenger first, then the one they wrote from last. The row that
failed stays failed (or, when it was held by a window, is cancelled, so that it does not go
as well when they write again). A message that is itself a fallback is never rerouted: the
person gets it at most once more. A broadcast's recipient row follows its message and keeps
the messenger it fell back from, so the delivery report shows it as delivered by fallback.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from core.broadcasts.models import BroadcastRecipient
from core.errors import DeliveryErrorKind
from core.members.models import Identity, Member
from core.storage.models import OutboxMessage, OutboxStatus

SUFFIX = ":fb"
KINDS = frozenset({DeliveryErrorKind.BLOCKED, DeliveryErrorKind.OUTSIDE_WINDOW})
_NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def is_fallback(row: OutboxMessage) -> bool:
    return row.dedupe_key.endswith(SUFFIX)


def target_of(session: Session, row: OutboxMessage) -> Identity | None:
    """The member's next messenger for this row, or None (not a member, no other one)."""
    identity = session.get(Identity, row.identity_id)
    if identity is None or identity.member_id is None:
        return None
    member = session.get(Member, identity.member_id)
    if member is None or member.forgotten_at is not None:
        return None
    others = session.exec(
        select(Identity).where(
            Identity.member_id == member.id,
            Identity.platform != row.platform,
            col(Identity.blocked_at).is_(None),
        )
    ).all()
    if not others:
        return None
    preferred = member.preferred_platform

    def rank(other: Identity) -> tuple[int, float]:
        seen = other.last_inbound_at or _NEVER
        return (0 if other.platform == preferred else 1, -seen.timestamp())

    return min(others, key=rank)


def reroute(
    session: Session, row: OutboxMessage, kind: DeliveryErrorKind, now: datetime
) -> OutboxMessage | None:
    """Queue `row`'s message on the member's next messenger when the rules allow; returns the
    new row. Call it after the failure was applied to `row` (in the same transaction)."""
    if not row.proactive or kind not in KINDS or is_fallback(row):
        return None
    target = target_of(session, row)
    if target is None:
        return None
    key = row.dedupe_key[: 200 - len(SUFFIX)] + SUFFIX
    if session.exec(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)).first():
        return None  # rerouted already
    again = OutboxMessage(
        identity_id=target.id,  # type: ignore[arg-type]
        platform=target.platform,
        body=row.body,
        proactive=True,
        dedupe_key=key,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(again)
    if row.status == OutboxStatus.HELD:
        row.status = OutboxStatus.CANCELLED
    row.last_error = f"{row.last_error or kind}; sent by fallback on {target.platform}"[:500]
    session.execute(
        update(BroadcastRecipient)
        .where(col(BroadcastRecipient.dedupe_key) == row.dedupe_key)
        .values(dedupe_key=key, platform=target.platform, fallback_from=row.platform)
    )
    return again
