"""Withdrawing access: invite codes, officer roles and admin API tokens, each in the acting
officer's scope and effective at once (every check reads the database: an invite when it is
used, a role on every chat action and web page, a token on every API call).

An officer withdraws (or changes, chair or officer) the roles of officers of their units and
the units below, not their own (so that nobody locks a union out by mistake; the operator
can), and their own tokens; the operator withdraws anything. A person whose last role goes
loses their tokens and their desk sessions with it. Every role withdrawn or changed is
recorded in `unit_change` with who and when."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from core.campaigns.models import OfficerToken
from core.campaigns.scope import Actor
from core.errors import Forbidden, NotFound
from core.members.models import InviteCode, Member, OfficerRole, OfficerRoleKind, UnionUnit
from core.members.rules import normalise_invite_code
from core.organisation.models import UnitChange
from core.websignin import sessions

CODE_TTL = timedelta(days=30)


@dataclass(frozen=True)
class RoleRow:
    role: OfficerRole
    member: Member
    unit: UnionUnit


def revoke_invite(session: Session, *, actor: Actor, code: str, now: datetime) -> InviteCode:
    """The code lets nobody join from now on (people who joined with it stay)."""
    invite = session.get(InviteCode, normalise_invite_code(code)[:32])
    if invite is None:
        raise NotFound("invite_unknown")
    actor.require_unit(session, invite.unit_id)
    if invite.revoked_at is None:
        invite.revoked_at = now
        session.flush()
    return invite


def roles_in_scope(session: Session, *, actor: Actor, limit: int = 500) -> list[RoleRow]:
    """The officer roles of the actor's units and the units below, by unit then name."""
    query = (
        select(OfficerRole, Member, UnionUnit)
        .join(Member, col(Member.id) == OfficerRole.member_id)
        .join(UnionUnit, col(UnionUnit.id) == OfficerRole.unit_id)
        .where(actor.unit_filter(session))
        .order_by(col(UnionUnit.path), col(Member.full_name), col(OfficerRole.id))
        .limit(limit)
    )
    return [RoleRow(r, m, u) for r, m, u in session.exec(query)]


def units_without_officers(session: Session, *, actor: Actor, limit: int = 200) -> list[UnionUnit]:
    """The open units in the actor's scope that nobody is an officer of yet."""
    has_officer = select(OfficerRole.unit_id)
    query = (
        select(UnionUnit)
        .where(actor.unit_filter(session), col(UnionUnit.closed_at).is_(None))
        .where(col(UnionUnit.id).not_in(has_officer))
        .order_by(col(UnionUnit.path))
        .limit(limit)
    )
    return list(session.exec(query))


def revoke_role(session: Session, *, actor: Actor, role_id: int, now: datetime) -> RoleRow:
    role = session.get(OfficerRole, role_id)
    if role is None:
        raise NotFound("role_unknown")
    unit = actor.require_unit(session, role.unit_id)
    if not actor.operator and role.member_id == actor.member_id:
        raise Forbidden("own_role")
    member = session.get(Member, role.member_id)
    assert member is not None
    found = RoleRow(role, member, unit)
    session.add(
        UnitChange(
            unit_id=unit.id,  # type: ignore[arg-type]
            action="officer_revoked",
            by_member_id=actor.member_id,
            before=json.dumps({"officer": member.id, "role": role.role}),
            after=None,
            at=now,
        )
    )
    session.delete(role)
    session.flush()
    still = session.exec(select(OfficerRole.id).where(OfficerRole.member_id == member.id)).first()
    if still is None:
        session.execute(
            update(OfficerToken)
            .where(col(OfficerToken.member_id) == member.id, col(OfficerToken.revoked_at).is_(None))
            .values(revoked_at=now)
        )
        sessions.end_all(session, member_id=member.id, now=now)  # type: ignore[arg-type]
    return found


def change_role(
    session: Session, *, actor: Actor, role_id: int, kind: OfficerRoleKind, now: datetime
) -> RoleRow:
    """A chair (chủ tịch) becomes an officer (ủy viên, cán bộ) or the other way round; what
    they may do does not change (that is their units). Recorded like a withdrawal."""
    role = session.get(OfficerRole, role_id)
    if role is None:
        raise NotFound("role_unknown")
    unit = actor.require_unit(session, role.unit_id)
    if not actor.operator and role.member_id == actor.member_id:
        raise Forbidden("own_role")
    member = session.get(Member, role.member_id)
    assert member is not None
    if role.role != kind:
        session.add(
            UnitChange(
                unit_id=unit.id,  # type: ignore[arg-type]
                action="officer_changed",
                by_member_id=actor.member_id,
                before=json.dumps({"officer": member.id, "role": role.role}),
                after=json.dumps({"officer": member.id, "role": kind}),
                at=now,
            )
        )
        role.role = kind
        session.flush()
    return RoleRow(role, member, unit)


def tokens_of(session: Session, *, actor: Actor) -> list[OfficerToken]:
    """The actor's own tokens (the operator: every officer's), newest first."""
    query = select(OfficerToken).order_by(col(OfficerToken.id).desc())
    if not actor.operator:
        query = query.where(OfficerToken.member_id == actor.member_id)
    return list(session.exec(query.limit(500)))


def revoke_token(session: Session, *, actor: Actor, token_id: int, now: datetime) -> OfficerToken:
    token = session.get(OfficerToken, token_id)
    if token is None or (not actor.operator and token.member_id != actor.member_id):
        raise NotFound("token_unknown")
    if token.revoked_at is None:
        token.revoked_at = now
        session.flush()
    return token


def officer_codes(
    session: Session, *, actor: Actor, now: datetime, limit: int = 200
) -> list[tuple[UnionUnit, str]]:
    """A one-time officer code for each unit in the actor's scope that has no officer yet
    (at most `limit`): whoever joins that unit and sends `/officer CODE` becomes its officer.
    Only the codes' hashes are kept; the codes are shown once, on the sheet printed now."""
    from core import linking
    from core.linking import CodePurpose

    return [
        (
            unit,
            linking.issue(
                session, purpose=CodePurpose.OFFICER, unit_id=unit.id, now=now, ttl=CODE_TTL
            ),
        )
        for unit in units_without_officers(session, actor=actor, limit=limit)
    ]
