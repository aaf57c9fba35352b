"""Member and unit services: keyword-only functions over a session, returning rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from sqlalchemy import bindparam, func, or_, update
from sqlalchemy import select as core_select
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from core.errors import DomainError, Forbidden, NotFound
from core.held import HeldWrites
from core.members import consents
from core.members.models import (
    Consent,
    ConsentPurpose,
    EnterpriseType,
    Identity,
    InviteCode,
    Member,
    OfficerRole,
    OfficerRoleKind,
    UnionUnit,
    UnitKind,
)
from core.members.rules import child_path, invite_problem, new_invite_code, normalise_invite_code


def create_unit(
    session: Session,
    *,
    name: str,
    kind: UnitKind,
    parent: UnionUnit | None = None,
    enterprise_type: EnterpriseType | None = None,
) -> UnionUnit:
    if enterprise_type is not None and kind != UnitKind.GRASSROOTS_UNION:
        raise DomainError("enterprise_type_only_for_grassroots")
    unit = UnionUnit(
        name=name,
        kind=kind,
        enterprise_type=enterprise_type,
        parent_id=parent.id if parent else None,
    )
    session.add(unit)
    session.flush()
    assert unit.id is not None
    unit.path = child_path(parent.path if parent else None, unit.id)
    session.flush()
    return unit


def subtree_filter(unit: UnionUnit):  # type: ignore[no-untyped-def]
    return col(UnionUnit.path).startswith(unit.path)


def is_in_subtree(unit: UnionUnit, ancestor: UnionUnit) -> bool:
    return unit.path.startswith(ancestor.path)


def create_invite(
    session: Session,
    *,
    unit: UnionUnit,
    expires_at: datetime | None = None,
    max_uses: int | None = None,
    code: str | None = None,
) -> InviteCode:
    invite = InviteCode(
        code=normalise_invite_code(code) if code else new_invite_code(),
        unit_id=unit.id,  # type: ignore[arg-type]
        expires_at=expires_at,
        max_uses=max_uses,
    )
    session.add(invite)
    session.flush()
    return invite


def check_invite(session: Session, *, code: str, now: datetime) -> tuple[InviteCode, UnionUnit]:
    """The invite and its unit, or a DomainError saying why the code cannot be used."""
    invite = session.get(InviteCode, normalise_invite_code(code))
    if invite is None:
        raise NotFound("invite_unknown")
    problem = invite_problem(
        expires_at=invite.expires_at,
        max_uses=invite.max_uses,
        uses=invite.uses,
        revoked=invite.revoked_at is not None,
        now=now,
    )
    if problem:
        raise DomainError(problem)
    unit = session.get(UnionUnit, invite.unit_id)
    if unit is None:
        raise NotFound("invite_unknown")
    return invite, unit


def touch_identity(
    session: Session, *, platform: str, platform_user_id: str, now: datetime
) -> Identity:
    """The identity of whoever wrote, created on first contact; writing again unblocks it."""
    identity = session.exec(
        select(Identity).where(
            Identity.platform == platform, Identity.platform_user_id == platform_user_id
        )
    ).first()
    if identity is None:
        identity = Identity(platform=platform, platform_user_id=platform_user_id, first_seen_at=now)
        session.add(identity)
    identity.last_inbound_at = now
    identity.blocked_at = None
    session.flush()
    return identity


def join_unit(
    session: Session, *, identity: Identity, code: str, locale: str, now: datetime
) -> Member:
    """Create the member after consent, spending one use of the invite code atomically."""
    invite, unit = check_invite(session, code=code, now=now)
    spent = session.execute(
        update(InviteCode)
        .where(
            col(InviteCode.code) == invite.code,
            or_(col(InviteCode.max_uses).is_(None), col(InviteCode.uses) < InviteCode.max_uses),
        )
        .values(uses=InviteCode.uses + 1)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError("invite_used_up")
    member = Member(unit_id=unit.id, locale=locale, joined_at=now)  # type: ignore[arg-type]
    session.add(member)
    session.flush()
    identity.member_id = member.id
    member.preferred_platform = identity.platform
    # taking part only: the other purposes are asked one by one (core/members/onboarding.py)
    consents.set_consent(
        session,
        member_id=member.id,  # type: ignore[arg-type]
        purpose=ConsentPurpose.DATA_PROCESSING,
        granted=True,
        now=now,
    )
    return member


def active_consents(session: Session, *, member_id: int) -> list[Consent]:
    return list(
        session.exec(
            select(Consent).where(
                Consent.member_id == member_id, col(Consent.withdrawn_at).is_(None)
            )
        )
    )


def has_consent(session: Session, *, member_id: int, purpose: ConsentPurpose) -> bool:
    return any(c.purpose == purpose for c in active_consents(session, member_id=member_id))


def set_announcements(session: Session, *, member_id: int, enabled: bool, now: datetime) -> bool:
    """Grant or withdraw the announcements consent; False when nothing changed."""
    return consents.set_consent(
        session,
        member_id=member_id,
        purpose=ConsentPurpose.ANNOUNCEMENTS,
        granted=enabled,
        now=now,
    )


def identities_of(session: Session, *, member_id: int) -> list[Identity]:
    return list(
        session.exec(
            select(Identity).where(Identity.member_id == member_id).order_by(col(Identity.id))
        )
    )


def grant_officer(
    session: Session,
    *,
    member: Member,
    unit: UnionUnit,
    role: OfficerRoleKind = OfficerRoleKind.OFFICER,
) -> OfficerRole:
    grant = OfficerRole(member_id=member.id, unit_id=unit.id, role=role)  # type: ignore[arg-type]
    session.add(grant)
    session.flush()
    return grant


# Built once: the main menu asks on every /start and every free text whether the person is an
# officer (its «Officer tasks»), and building the statement and its cache key each time cost
# more than running it (a third of /start + text's processing, bench/processing_p6.py).
_OFFICER_UNITS = (
    select(UnionUnit)
    .join(OfficerRole, col(OfficerRole.unit_id) == UnionUnit.id)
    .where(OfficerRole.member_id == bindparam("member_id"))
)
_role = OfficerRole.__table__  # type: ignore[attr-defined]
_IS_OFFICER = (
    core_select(_role.c.member_id).where(_role.c.member_id == bindparam("member_id")).limit(1)
)


def officer_units(session: Session, *, member_id: int) -> list[UnionUnit]:
    return list(session.exec(_OFFICER_UNITS, params={"member_id": member_id}))


@dataclass(frozen=True)
class KnownOfficers:
    """Which of some members hold an officer role, read once for a batch (`HeldWrites.reads`,
    core/held.py): the main menu of every /start and free text asks."""

    NAME: ClassVar[str] = "officers"
    members: frozenset[int]  # those asked about
    officers: frozenset[int]  # those of them who hold a role


_OFFICERS_AMONG = (
    core_select(_role.c.member_id)
    .where(_role.c.member_id.in_(bindparam("ids", expanding=True)))
    .distinct()
)


def officers_among(connection: Connection, member_ids: Sequence[int]) -> KnownOfficers:
    found = connection.execute(_OFFICERS_AMONG, {"ids": list(member_ids)}).scalars()
    return KnownOfficers(frozenset(member_ids), frozenset(found))


def is_officer(session: Session, *, member_id: int, held: HeldWrites | None = None) -> bool:
    """Whether the member holds an officer role on any unit (one indexed probe, or what the
    batch read for its writers: `held`)."""
    known = held.reads.get(KnownOfficers.NAME) if held is not None else None
    if isinstance(known, KnownOfficers) and member_id in known.members:
        return member_id in known.officers
    session.flush()  # as a query through the ORM would: a role granted in this unit of work
    found = session.connection().execute(_IS_OFFICER, {"member_id": member_id}).first()
    return found is not None


def nearest_officers(session: Session, *, unit: UnionUnit, above: bool = False) -> list[int]:
    """The officers of the nearest unit that has any, from `unit` upwards (from its parent
    upwards with `above`)."""
    ancestors = [int(part) for part in unit.path.strip("/").split("/") if part]
    if above:
        ancestors = [a for a in ancestors if a != unit.id]
    rows = session.exec(
        select(OfficerRole.member_id, UnionUnit.path)
        .join(UnionUnit, col(UnionUnit.id) == OfficerRole.unit_id)
        .where(col(OfficerRole.unit_id).in_(ancestors))
    ).all()
    if not rows:
        return []
    deepest = max(len(path) for _member, path in rows)
    return sorted({member for member, path in rows if len(path) == deepest})


def require_scope(session: Session, *, member_id: int, unit_id: int) -> UnionUnit:
    """The unit, if the officer's roles cover it; Forbidden otherwise."""
    unit = session.get(UnionUnit, unit_id)
    if unit is None:
        raise NotFound("unit_unknown")
    if not any(is_in_subtree(unit, own) for own in officer_units(session, member_id=member_id)):
        raise Forbidden("outside_scope")
    return unit


def find_unit(session: Session, *, ref: str) -> UnionUnit:
    """A unit by id or by exact name (for the CLI)."""
    unit = session.get(UnionUnit, int(ref)) if ref.isdigit() else None
    if unit is None:
        unit = session.exec(select(UnionUnit).where(UnionUnit.name == ref)).first()
    if unit is None:
        raise NotFound("unit_unknown", f"no union unit {ref!r}")
    return unit


def count_members(session: Session, *, unit_ids: Sequence[int]) -> int:
    return session.exec(
        select(func.count()).select_from(Member).where(col(Member.unit_id).in_(unit_ids))
    ).one()
