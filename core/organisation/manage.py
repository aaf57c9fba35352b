"""Changes to the tree by an officer (web desk, admin API): each unit in the officer's scope,
recorded with who made it (core.organisation.units). An officer changes their own unit's name,
kind, enterprise type, code, declared membership and join mode, but does not move, merge or
close the unit they are an officer of (an officer above them, or the operator, does)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from core.campaigns.scope import Actor
from core.errors import DomainError, Forbidden
from core.members.models import EnterpriseType, JoinMode, UnionUnit, UnitKind
from core.organisation import units


@dataclass(frozen=True, slots=True)
class Edit:
    """The fields to change; None keeps what the unit has."""

    name: str | None = None
    declared_members: int | None = None
    declared_on: date | None = None
    join_mode: JoinMode | None = None
    kind: UnitKind | None = None
    enterprise_type: EnterpriseType | None = None
    code: str | None = None


def _below_own(session: Session, actor: Actor, unit_id: int) -> UnionUnit:
    unit = actor.require_unit(session, unit_id)
    if not actor.operator and any(u.id == unit.id for u in actor.units(session)):
        raise Forbidden("own_unit")
    return unit


def edit(session: Session, *, actor: Actor, unit_id: int, change: Edit, now: datetime) -> UnionUnit:
    unit = actor.require_unit(session, unit_id)
    fields = units.UnitFields(
        name=change.name or unit.name,
        kind=change.kind or unit.kind,
        code=change.code.strip() if change.code and change.code.strip() else None,
        enterprise_type=change.enterprise_type,
        declared_members=change.declared_members,
        declared_on=change.declared_on or (now.date() if change.declared_members else None),
    )
    units.change(session, unit=unit, fields=fields, by=actor.member_id, now=now)
    if change.join_mode is not None:
        units.set_join_mode(session, unit=unit, mode=change.join_mode, by=actor.member_id, now=now)
    return unit


def create(
    session: Session,
    *,
    actor: Actor,
    parent_id: int,
    fields: units.UnitFields,
    now: datetime,
) -> UnionUnit:
    """A new unit under one of the actor's units (or below them)."""
    parent = actor.require_unit(session, parent_id)
    return units.create(session, parent=parent, fields=fields, by=actor.member_id, now=now)


def merge(
    session: Session, *, actor: Actor, unit_id: int, into_id: int, now: datetime
) -> UnionUnit:
    """`unit` becomes part of `into` (both in the actor's scope; not the actor's own unit):
    its members, roster, officers and units below go there, and it is closed."""
    unit = _below_own(session, actor, unit_id)
    into = actor.require_unit(session, into_id)
    if into.closed_at is not None:
        raise DomainError("unit_closed")
    units.merge(session, unit=unit, into=into, by=actor.member_id, now=now)
    merged = session.get(UnionUnit, into_id)
    assert merged is not None
    return merged


def move(
    session: Session, *, actor: Actor, unit_id: int, parent_id: int, now: datetime
) -> UnionUnit:
    unit = _below_own(session, actor, unit_id)
    parent = actor.require_unit(session, parent_id)
    units.move(session, unit=unit, parent=parent, by=actor.member_id, now=now)
    moved = session.get(UnionUnit, unit_id)
    assert moved is not None
    return moved


def close(session: Session, *, actor: Actor, unit_id: int, now: datetime) -> UnionUnit:
    unit = _below_own(session, actor, unit_id)
    units.close(session, unit=unit, by=actor.member_id, now=now)
    return unit
