"""Waiting for an officer: a person who joined a "roster only" unit without being found on its
roster has a join request instead of a membership.

Onboarding opens the request (`open_request`); what tells the unit's officers is registered
by the join requests feature (`core.joinrequests`) with `on_opened`, because telling someone
writes to the outbox, which the members package cannot import. The officers' decisions are
in `core.joinrequests.service`."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, col, select

from core.dispatch import Context
from core.members.models import JoinMode, JoinRequest, JoinRequestStatus, Member, UnionUnit

Opened = Callable[[Context, JoinRequest], None]
_opened: list[Opened] = []


def on_opened(hook: Opened) -> Opened:
    """Register what happens once a request is opened (in the same transaction)."""
    if hook not in _opened:
        _opened.append(hook)
    return hook


def needs_request(unit: UnionUnit | None, member: Member) -> bool:
    """True when this member may not join without an officer's approval."""
    return (
        unit is not None and unit.join_mode == JoinMode.ROSTER_ONLY and member.verified_at is None
    )


def waiting(session: Session, *, member_id: int) -> JoinRequest | None:
    """The member's request that no officer has decided yet."""
    return session.exec(
        select(JoinRequest)
        .where(
            JoinRequest.member_id == member_id,
            col(JoinRequest.status) == JoinRequestStatus.PENDING,
        )
        .limit(1)
    ).first()


def open_request(ctx: Context, *, member: Member) -> JoinRequest:
    """The member's pending request (a new one, told to the officers, if there is none)."""
    assert member.id is not None
    found = waiting(ctx.session, member_id=member.id)
    if found is not None:
        return found
    request = JoinRequest(member_id=member.id, unit_id=member.unit_id, created_at=ctx.now)
    ctx.session.add(request)
    ctx.session.flush()
    for hook in _opened:
        hook(ctx, request)
    return request
