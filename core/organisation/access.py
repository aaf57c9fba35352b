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
from sqlmodel import Session, col, func, select

from core.campaigns.models import OfficerToken
from core.campaigns.scope import Actor
from core.errors import Forbidden, NotFound
from core.members import service as members
from core.members.models import InviteCode, Member, OfficerRole, OfficerRoleKind, UnionUnit
from core.members.rules import normalise_invite_code
from core.organisation.models import UnitChange
from core.websignin import sessions

CODE_TTL = timedelta(days=30)
VACANT_PAGE = 100  # units without an officer listed (and printed on a sheet) at a time


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


def roles_in_scope(
    session: Session, *, actor: Actor, under: UnionUnit | None = None, limit: int = 500
) -> list[RoleRow]:
    """The officer roles of the actor's units and the units below (or of `under`'s subtree,
    which the caller checked is the actor's), by unit then name."""
    scope = members.subtree_filter(under) if under is not None else actor.unit_filter(session)
    query = (
        select(OfficerRole, Member, UnionUnit)
        .join(Member, col(Member.id) == OfficerRole.member_id)
        .join(UnionUnit, col(UnionUnit.id) == OfficerRole.unit_id)
        .where(scope)
        .order_by(col(UnionUnit.path), col(Member.full_name), col(OfficerRole.id))
        .limit(limit)
    )
    return [RoleRow(r, m, u) for r, m, u in session.exec(query)]


@dataclass(frozen=True)
class Vacant:
    """The open units of a subtree that nobody is an officer of yet, a page at a time in the
    order of the tree, with how many there are in all and below each unit directly under the
    subtree's top (so that a province's officer sees which districts and zones lag behind)."""

    under: UnionUnit
    units: list[UnionUnit]  # this page
    parents: dict[int, str]  # the name of each listed unit's parent (names repeat in a tree)
    total: int  # open units without an officer in the subtree
    open_units: int  # open units in the subtree
    by_below: list[tuple[UnionUnit, int]]  # units directly below, with their vacant count
    start: int  # how many come before this page
    after: int | None  # the unit this page starts after (None: the first page)
    next_after: int | None  # the last unit of this page when more follow


def vacant_units(
    session: Session, *, under: UnionUnit, after: int | None = None, limit: int = VACANT_PAGE
) -> Vacant:
    """The page of `under`'s subtree (the caller checks it is the actor's) after the unit
    `after`. One read of the vacant units' ids and paths (a province's 1,500 units: a few
    kilobytes), counted and cut there; the page's units and parents read by id."""
    subtree = (members.subtree_filter(under), col(UnionUnit.closed_at).is_(None))
    open_units = session.exec(select(func.count()).select_from(UnionUnit).where(*subtree)).one()
    vacant = session.exec(
        select(UnionUnit.id, UnionUnit.path)
        .where(*subtree, col(UnionUnit.id).not_in(select(OfficerRole.unit_id)))
        .order_by(col(UnionUnit.path))
    ).all()
    # the page goes on after the unit `after`'s place in the tree, even if that unit got an
    # officer since the page before (it is then no longer in the list)
    anchor = session.get(UnionUnit, after) if after is not None else None
    mark = anchor.path if anchor is not None else None
    counts: dict[int, int] = {}
    start = 0
    for index, (_unit_id, path) in enumerate(vacant):
        below = path[len(under.path) :].strip("/").split("/")[0]
        if below:
            counts[int(below)] = counts.get(int(below), 0) + 1
        if mark is not None and path <= mark:
            start = index + 1
    page_ids = [unit_id for unit_id, _path in vacant[start : start + limit]]
    wanted = set(page_ids) | set(counts)
    found = {u.id: u for u in session.exec(select(UnionUnit).where(col(UnionUnit.id).in_(wanted)))}
    listed = [found[i] for i in page_ids]
    parent_ids = {u.parent_id for u in listed if u.parent_id is not None}
    parents = dict(
        session.execute(
            select(UnionUnit.id, UnionUnit.name).where(col(UnionUnit.id).in_(parent_ids))
        ).all()
    )
    by_below = sorted(((found[i], n) for i, n in counts.items()), key=lambda p: p[0].name)
    more = start + limit < len(vacant)
    return Vacant(
        under,
        listed,
        parents,
        len(vacant),
        int(open_units),
        by_below,
        start,
        after if start else None,
        page_ids[-1] if more and page_ids else None,
    )


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
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    unit_id: int | None = None,
    after: int | None = None,
) -> list[tuple[UnionUnit, str]]:
    """A one-time officer code for each unit of a page of `vacant_units` (the subtree of
    `unit_id`, default the actor's first unit, after the unit `after`): whoever joins that unit
    and sends `/officer CODE` becomes its officer. Only the codes' hashes are kept; the codes
    are shown once, on the sheet printed now."""
    from core import linking
    from core.linking import CodePurpose

    return [
        (
            unit,
            linking.issue(
                session, purpose=CodePurpose.OFFICER, unit_id=unit.id, now=now, ttl=CODE_TTL
            ),
        )
        for unit in vacant_units(session, under=_top(session, actor, unit_id), after=after).units
    ]


def _top(session: Session, actor: Actor, unit_id: int | None) -> UnionUnit:
    if unit_id is not None:
        return actor.require_unit(session, unit_id)
    roots = actor.units(session)
    if not roots:
        raise Forbidden("not_an_officer")
    return min(roots, key=lambda u: (u.path.count("/"), u.name))
