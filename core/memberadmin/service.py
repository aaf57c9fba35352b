"""An officer's changes to one member of their units (web desk, admin API): read them with
their record of changes, edit the name, worker group, leadership post and phone, move them to
another unit, remove them.

Both the member's unit and, for a move, the unit they go to must be in the officer's scope
(their units and every unit below). Every change is recorded in `member_change` with who made
it, when, the fields before and after, and the reason the officer gave (`why`, optional). A
verified member's roster entry follows the name, group, post and unit, so that the boards
counting the roster stay true. Removing a
person erases them as /forget does (the union's records stay, attributed to a former member),
marks their roster entry removed, and tells them, in the same transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from core import outbox
from core.campaigns.scope import Actor
from core.errors import DomainError, Forbidden, InvalidInput, NotFound
from core.initiatives.notify import Notifier
from core.members.models import (
    WHY_LIMIT,
    Identity,
    Member,
    MemberChange,
    OfficerRole,
    RosterEntry,
    UnionUnit,
    WorkerGroup,
)
from core.members.rules import key_of, name_problem, normalise_phone
from core.messages import OutgoingMessage
from core.privacy.forget import forget_member
from core.storage.secrets import privacy_key
from core.text import clean

HISTORY = 50  # the latest changes shown with a member


@dataclass(frozen=True, slots=True)
class MemberEdit:
    """The fields to change; None keeps what the member has ("" as the phone clears it)."""

    full_name: str | None = None
    worker_group: WorkerGroup | None = None
    holds_leadership_post: bool | None = None
    phone: str | None = None


@dataclass(frozen=True)
class MemberView:
    member: Member
    unit: UnionUnit
    roster: RosterEntry | None  # the roster entry they were matched to (verified)
    platforms: list[str]
    history: list[MemberChange]


def find(session: Session, *, actor: Actor, member_id: int) -> tuple[Member, UnionUnit]:
    """A current member of the actor's units (not one who left, nor one still waiting)."""
    member = session.get(Member, member_id)
    if member is None or member.forgotten_at is not None or member.onboarded_at is None:
        raise NotFound("member_unknown")
    return member, actor.require_unit(session, member.unit_id)


def read(session: Session, *, actor: Actor, member_id: int) -> MemberView:
    member, unit = find(session, actor=actor, member_id=member_id)
    platforms = session.exec(
        select(Identity.platform)
        .where(Identity.member_id == member_id)
        .order_by(col(Identity.platform))
    ).all()
    history = session.exec(
        select(MemberChange)
        .where(MemberChange.member_id == member_id)
        .order_by(col(MemberChange.id).desc())
        .limit(HISTORY)
    ).all()
    return MemberView(member, unit, _entry(session, member_id), list(platforms), list(history))


def reason(raw: str | None) -> str | None:
    """The reason given for a change, as kept: one line, None when empty."""
    text = clean(raw or "")
    if len(text) > WHY_LIMIT:
        raise InvalidInput("why_too_long")
    return text or None


def edit(
    session: Session,
    *,
    actor: Actor,
    member_id: int,
    change: MemberEdit,
    now: datetime,
    why: str | None = None,
) -> Member:
    member, _unit = find(session, actor=actor, member_id=member_id)
    why = reason(why)
    before = _fields(member)
    if change.full_name is not None:
        problem = name_problem(change.full_name)
        if problem:
            raise InvalidInput(problem)
        member.full_name = clean(change.full_name)
    if change.worker_group is not None:
        member.worker_group = change.worker_group
    if change.holds_leadership_post is not None:
        member.holds_leadership_post = change.holds_leadership_post
    if change.phone is not None:
        member.phone = _phone(change.phone)
    after = _fields(member)
    if after != before:
        entry = _entry(session, member_id)
        if entry is not None:
            entry.full_name = member.full_name or entry.full_name
            entry.name_key = key_of(entry.full_name)
            entry.worker_group = member.worker_group
            entry.holds_leadership_post = member.holds_leadership_post
        _record(session, member, "edit", (before, after), actor, now, why)
    return member


def _no_officer_beyond(session: Session, actor: Actor, member_id: int) -> None:
    """An officer of a unit outside the actor's scope (one above them, say) is moved or removed
    only by an officer over that unit, even when their own member unit is in the actor's."""
    for unit_id in session.exec(
        select(OfficerRole.unit_id).where(OfficerRole.member_id == member_id)
    ):
        try:
            actor.require_unit(session, unit_id)
        except (Forbidden, NotFound) as exc:
            raise Forbidden("officer_beyond") from exc


def move(
    session: Session,
    *,
    actor: Actor,
    member_id: int,
    unit_id: int,
    now: datetime,
    why: str | None = None,
) -> Member:
    """The member (and their roster entry) to another unit of the actor's scope; their past
    points, initiatives and commendations keep the unit they were made in."""
    member, unit = find(session, actor=actor, member_id=member_id)
    why = reason(why)
    _no_officer_beyond(session, actor, member_id)
    target = actor.require_unit(session, unit_id)
    if target.closed_at is not None:
        raise DomainError("unit_closed")
    if target.id == unit.id:
        return member
    session.execute(
        update(RosterEntry)
        .where(col(RosterEntry.member_id) == member_id, col(RosterEntry.removed_at).is_(None))
        .values(unit_id=target.id)
    )
    moved: tuple[dict[str, object], dict[str, object]] = (
        {"unit_id": unit.id},
        {"unit_id": target.id},
    )
    _record(session, member, "move", moved, actor, now, why)
    member.unit_id = target.id  # type: ignore[assignment]
    session.flush()
    return member


def remove(
    session: Session,
    *,
    actor: Actor,
    member_id: int,
    notifier: Notifier,
    now: datetime,
    why: str | None = None,
) -> MemberChange:
    """The person leaves the union's members: told on the messenger they last wrote from,
    then erased as by /forget; their roster entry is marked removed (the list keeps it).
    The reason is recorded after the erasure, so it stays with the removal."""
    member, unit = find(session, actor=actor, member_id=member_id)
    why = reason(why)
    if not actor.operator and member.id == actor.member_id:
        raise Forbidden("own_member")
    _no_officer_beyond(session, actor, member_id)
    session.execute(
        update(RosterEntry)
        .where(col(RosterEntry.member_id) == member_id, col(RosterEntry.removed_at).is_(None))
        .values(removed_at=now)
    )
    identities = list(session.exec(select(Identity).where(Identity.member_id == member_id)))
    reach = max(
        identities,
        key=lambda i: (i.last_inbound_at is not None, i.last_inbound_at, i.id),
        default=None,
    )
    text = notifier.translator(member.locale).gettext(
        "The union officers of {unit} have removed you from the union's members on thidua. "
        "What you told us has been deleted; the union's records (points, initiatives, "
        "commendations) stay without your name. If you think this is a mistake, please talk "
        "to your union officer.",
        unit=unit.name,
    )
    key = privacy_key(session, notifier.config.privacy_key)
    forget_member(session, member=member, keep_identity=reach, now=now, key=key)
    change = _record(session, member, "remove", (None, None), actor, now, why)
    if reach is not None and reach.blocked_at is None:
        outbox.enqueue(
            session,
            identity=reach,
            messages=[OutgoingMessage(text=text)],
            dedupe_prefix=f"member:{member_id}:removed",
            now=now,
            proactive=True,
        )
    return change


def _phone(raw: str) -> str | None:
    if not raw.strip():
        return None
    phone = normalise_phone(raw)
    if phone is None:
        raise InvalidInput("bad_phone")
    return phone


def _entry(session: Session, member_id: int) -> RosterEntry | None:
    return session.exec(
        select(RosterEntry).where(
            RosterEntry.member_id == member_id, col(RosterEntry.removed_at).is_(None)
        )
    ).first()


def _fields(member: Member) -> dict[str, object]:
    return {
        "full_name": member.full_name,
        "worker_group": member.worker_group,
        "holds_leadership_post": member.holds_leadership_post,
        "phone": member.phone,
    }


def _changed(before: dict[str, object], after: dict[str, object]) -> tuple[str, str]:
    """Only the fields that changed, before and after."""
    names = [name for name in after if before.get(name) != after[name]]
    return (
        json.dumps({n: before.get(n) for n in names}, ensure_ascii=False),
        json.dumps({n: after[n] for n in names}, ensure_ascii=False),
    )


def _record(
    session: Session,
    member: Member,
    action: str,
    values: tuple[dict[str, object] | None, dict[str, object] | None],
    actor: Actor,
    now: datetime,
    why: str | None = None,
) -> MemberChange:
    before, after = values
    texts = _changed(before, after) if before is not None and after is not None else (None, None)
    change = MemberChange(
        member_id=member.id,  # type: ignore[arg-type]
        unit_id=member.unit_id,
        action=action,
        by_member_id=actor.member_id,
        before=texts[0],
        after=texts[1],
        at=now,
        why=why,
    )
    session.add(change)
    session.flush()
    return change
