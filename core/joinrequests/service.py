"""The officers' side of join requests: who is told, what is waiting in an officer's scope,
and the three decisions (approve, approve with the group and post corrected, refuse).

Each decision is one transaction: the request, the member and the message that tells the
person are written together, so nothing is said unless the decision commits. A refused person
is erased as by /forget (only their platform id stays, as for anyone who writes to the bot)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from core import outbox
from core.campaigns.scope import Actor
from core.errors import DomainError, NotFound
from core.i18n import Translator
from core.initiatives.notify import Notifier
from core.members import service as members
from core.members.models import (
    Identity,
    JoinRequest,
    JoinRequestStatus,
    Member,
    UnionUnit,
    WorkerGroup,
)
from core.messages import OutgoingMessage
from core.privacy.forget import forget_member
from core.storage.secrets import privacy_key


@dataclass(frozen=True)
class Waiting:
    """A pending request with the person and the unit it is for."""

    request: JoinRequest
    member: Member
    unit: UnionUnit


def officers_to_tell(session: Session, *, unit: UnionUnit) -> list[int]:
    """The officers of the nearest unit, from `unit` upwards, that has any."""
    return members.nearest_officers(session, unit=unit)


def _pending_query(session: Session, actor: Actor):  # type: ignore[no-untyped-def]
    return (
        select(JoinRequest, Member, UnionUnit)
        .join(Member, col(Member.id) == JoinRequest.member_id)
        .join(UnionUnit, col(UnionUnit.id) == JoinRequest.unit_id)
        .where(col(JoinRequest.status) == JoinRequestStatus.PENDING)
        .where(actor.unit_filter(session))
    )


def in_scope(session: Session, *, actor: Actor, limit: int = 50, offset: int = 0) -> list[Waiting]:
    """The pending requests of the actor's units, oldest first."""
    query = _pending_query(session, actor).order_by(col(JoinRequest.id))
    return [Waiting(r, m, u) for r, m, u in session.exec(query.offset(offset).limit(limit))]


def count_in_scope(session: Session, *, actor: Actor) -> int:
    query = _pending_query(session, actor).subquery()
    return session.exec(select(func.count()).select_from(query)).one()


def pending(session: Session, *, actor: Actor, request_id: int) -> Waiting:
    """The request, if it is in the actor's scope and still waiting."""
    request = session.get(JoinRequest, request_id)
    if request is None:
        raise NotFound("request_unknown")
    unit = actor.require_unit(session, request.unit_id)
    if request.status != JoinRequestStatus.PENDING or request.member_id is None:
        raise DomainError("already_decided")
    member = session.get(Member, request.member_id)
    if member is None or member.forgotten_at is not None:
        raise DomainError("already_decided")
    return Waiting(request, member, unit)


def _decided(request: JoinRequest, actor: Actor, status: JoinRequestStatus, now: datetime) -> None:
    request.status = status
    request.decided_at = now
    request.decided_by = actor.member_id


def approve(
    session: Session,
    *,
    actor: Actor,
    request_id: int,
    notifier: Notifier,
    now: datetime,
    group: WorkerGroup | None = None,
    leader: bool | None = None,
) -> Waiting:
    """The person becomes a member; the group and post, when given, replace what they said."""
    found = pending(session, actor=actor, request_id=request_id)
    member, unit = found.member, found.unit
    if group is not None:
        member.worker_group = group
    if leader is not None:
        member.holds_leadership_post = leader
    member.onboarded_at = now
    _decided(found.request, actor, JoinRequestStatus.APPROVED, now)
    session.flush()

    def compose(t: Translator) -> list[OutgoingMessage]:
        text = t.gettext(
            "Good news, {name}: the union officers have accepted your request. You are now a "
            "member of {unit} on thidua, and your union's announcements and campaigns will "
            "come to this chat. Send /menu to see what you can do.",
            name=member.full_name,
            unit=unit.name,
        )
        return [OutgoingMessage(text=text)]

    notifier.tell(
        session,
        member_id=member.id,  # type: ignore[arg-type]
        compose=compose,
        key=f"jr:{request_id}:ok",
        now=now,
    )
    return found


def refuse(
    session: Session, *, actor: Actor, request_id: int, notifier: Notifier, now: datetime
) -> Waiting:
    """The person is told, then erased as by /forget; they may ask again with a code."""
    found = pending(session, actor=actor, request_id=request_id)
    member, unit = found.member, found.unit
    identities = list(session.exec(select(Identity).where(Identity.member_id == member.id)))
    _decided(found.request, actor, JoinRequestStatus.REFUSED, now)
    if not identities:
        return found
    reach = max(identities, key=lambda i: (i.last_inbound_at is not None, i.last_inbound_at, i.id))
    t = notifier.translator(member.locale)
    text = t.gettext(
        "The union officers of {unit} did not accept your request to join. What you told us "
        "has been deleted. If you think this is a mistake, please talk to your union officer; "
        "you can send an invite code again at any time.",
        unit=unit.name,
    )
    key = privacy_key(session, notifier.config.privacy_key)
    forget_member(session, member=member, keep_identity=reach, now=now, key=key)
    outbox.enqueue(
        session,
        identity=reach,
        messages=[OutgoingMessage(text=text)],
        dedupe_prefix=f"jr:{request_id}:no",
        now=now,
        proactive=True,
    )
    return found
