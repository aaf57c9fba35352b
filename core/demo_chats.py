"""The demo's members reachable: each demo member who is not an officer gets a web chat session
of their own (an identity on `webchat`, as if they had opened the chat), so that the showcase's
announcements reach somebody and its delivery reports show delivered rows; and the person
trying the demo can open one of those sessions (`/chat#as=<session>`, printed by `thidua demo
load`) to be that member. The officers stay without a messenger: they claim their accounts with
their codes. What the showcase sent in its past (the launch two days ago, the commendations of
the morning) is delivered as it would have been then."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlmodel import Session, col, select

from core.members.models import Identity, Member, OfficerRole, UnionUnit, UnitKind
from core.storage.models import OutboxMessage, OutboxStatus, WebchatMessage

PLATFORM = "webchat"


def open_web_chats(session: Session, *, now: datetime) -> int:
    """A web chat session for every demo member who is not an officer and has no messenger."""
    officers = select(OfficerRole.member_id)
    reached = select(Identity.member_id).where(col(Identity.member_id).is_not(None))
    people = session.exec(
        select(Member.id).where(
            col(Member.onboarded_at).is_not(None),
            col(Member.forgotten_at).is_(None),
            col(Member.id).not_in(officers),
            col(Member.id).not_in(reached),
        )
    ).all()
    for member_id in people:
        session.add(
            Identity(
                platform=PLATFORM,
                platform_user_id=secrets.token_urlsafe(24),
                member_id=member_id,
                first_seen_at=now,
                last_inbound_at=now,
            )
        )
    session.flush()
    return len(people)


def deliver_past(session: Session, *, before: datetime) -> int:
    """The messages queued for the demo's web chats before `before` (the showcase's past),
    put in their sessions and recorded sent when they were queued."""
    rows = session.exec(
        select(OutboxMessage, Identity.platform_user_id)
        .join(Identity, col(Identity.id) == OutboxMessage.identity_id)
        .where(
            OutboxMessage.platform == PLATFORM,
            OutboxMessage.status == OutboxStatus.PENDING,
            col(OutboxMessage.created_at) < before,
        )
        .order_by(col(OutboxMessage.id))
    ).all()
    for row, session_id in rows:
        session.add(WebchatMessage(session_id=session_id, body=row.body, created_at=row.created_at))
        row.status, row.sent_at, row.attempts = OutboxStatus.SENT, row.created_at, 1
    session.flush()
    return len(rows)


def doors(session: Session) -> list[tuple[str, str, str]]:
    """One demo member per grassroots union to be in the web chat: (name, unit, session)."""
    found: list[tuple[str, str, str]] = []
    units = session.exec(
        select(UnionUnit)
        .where(UnionUnit.kind == UnitKind.GRASSROOTS_UNION)
        .order_by(col(UnionUnit.id))
    ).all()
    for unit in units:
        first = session.exec(
            select(Member.full_name, Identity.platform_user_id)
            .join(Identity, col(Identity.member_id) == Member.id)
            .where(Member.unit_id == unit.id, Identity.platform == PLATFORM)
            .where(col(Member.id).not_in(select(OfficerRole.member_id)))
            .order_by(col(Member.id))
        ).first()
        if first is not None:
            found.append((first[0] or "", unit.name, first[1]))
    return found
