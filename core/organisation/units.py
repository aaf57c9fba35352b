"""Changing the union tree: create, rename, move with the subtree, close, merge. Each change is
recorded (who, when, before and after); the caller has checked that the acting officer's
scope covers the unit (`Actor.require_unit`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import String, bindparam, func, insert, literal, update
from sqlmodel import Session, col, select

from core.errors import DomainError
from core.members.models import (
    EnterpriseType,
    InviteCode,
    JoinMode,
    Member,
    OfficerRole,
    RosterEntry,
    UnionUnit,
    UnitKind,
)
from core.members.rules import child_path
from core.organisation.models import UnitChange

GRASSROOTS_AND_BELOW = (UnitKind.GRASSROOTS_UNION, UnitKind.UNION_DIVISION, UnitKind.UNION_GROUP)


@dataclass(frozen=True, slots=True)
class UnitFields:
    name: str
    kind: UnitKind
    code: str | None = None
    enterprise_type: EnterpriseType | None = None
    declared_members: int | None = None
    declared_on: date | None = None


def snapshot(unit: UnionUnit) -> str:
    return _snapshot_of(
        {name: getattr(unit, name) for name in SNAPSHOT},
        closed=unit.closed_at is not None,
        join_mode=unit.join_mode,
    )


SNAPSHOT = (
    "name",
    "kind",
    "parent_id",
    "code",
    "enterprise_type",
    "declared_members",
    "declared_on",
)


def _snapshot_of(
    values: dict[str, object], *, closed: bool = False, join_mode: str = JoinMode.OPEN
) -> str:
    shown = {name: values.get(name) for name in SNAPSHOT}
    on = shown["declared_on"]
    shown["declared_on"] = on.isoformat() if isinstance(on, date) else None
    extra: dict[str, object] = {"closed": closed}
    if join_mode != JoinMode.OPEN:  # records made before join modes existed stay the same
        extra["join_mode"] = str(join_mode)
    return json.dumps({**shown, **extra}, ensure_ascii=False)


def _record(
    session: Session,
    unit: UnionUnit,
    action: str,
    before: str | None,
    by: int | None,
    now: datetime,
) -> None:
    session.add(
        UnitChange(
            unit_id=unit.id,  # type: ignore[arg-type]
            action=action,
            by_member_id=by,
            before=before,
            after=snapshot(unit),
            at=now,
        )
    )


def create(
    session: Session, *, parent: UnionUnit, fields: UnitFields, by: int | None, now: datetime
) -> UnionUnit:
    if parent.closed_at is not None:
        raise DomainError("unit_closed")
    _check_code(session, fields.code, None)
    unit = UnionUnit(parent_id=parent.id, created_at=now, **_values(fields))
    session.add(unit)
    session.flush()
    unit.path = child_path(parent.path, unit.id)  # type: ignore[arg-type]
    _record(session, unit, "create", None, by, now)
    session.flush()
    return unit


@dataclass(frozen=True, slots=True)
class Placed:
    """A unit's id and path: enough to hang another unit under it."""

    id: int
    path: str


def create_many(
    session: Session,
    *,
    items: list[tuple[Placed, UnitFields]],
    by: int | None,
    now: datetime,
) -> list[Placed]:
    """Create many units at once (an import): three statements, not three per unit."""
    if not items:
        return []
    codes = [fields.code for _parent, fields in items if fields.code]
    if (
        len(codes) != len(set(codes))
        or session.exec(select(UnionUnit.id).where(col(UnionUnit.code).in_(codes))).first()
    ):
        raise DomainError("unit_code_taken")
    rows = [
        {"parent_id": parent.id, "path": "", "created_at": now, "join_mode": "open", **_values(f)}
        for parent, f in items
    ]
    ids = (
        session.execute(
            insert(UnionUnit).returning(UnionUnit.id, sort_by_parameter_order=True), rows
        )
        .scalars()
        .all()
    )
    placed = [
        Placed(uid, child_path(parent.path, uid))
        for uid, (parent, _f) in zip(ids, items, strict=True)
    ]
    session.execute(
        update(UnionUnit.__table__)  # type: ignore[arg-type]
        .where(UnionUnit.__table__.c.id == bindparam("uid"))  # type: ignore[attr-defined]
        .values(path=bindparam("new_path")),
        [{"uid": p.id, "new_path": p.path} for p in placed],
    )
    session.execute(
        insert(UnitChange),
        [
            {
                "unit_id": p.id,
                "action": "create",
                "by_member_id": by,
                "at": now,
                "after": _snapshot_of(row),
            }
            for p, row in zip(placed, rows, strict=True)
        ],
    )
    return placed


def change(
    session: Session, *, unit: UnionUnit, fields: UnitFields, by: int | None, now: datetime
) -> None:
    """Rename, re-kind, re-declare: the fields given (None keeps what the unit has)."""
    before = snapshot(unit)
    _check_code(session, fields.code, unit.id)
    for name, value in _values(fields).items():
        if value is not None:
            setattr(unit, name, value)
    if snapshot(unit) != before:
        _record(session, unit, "update", before, by, now)
        session.flush()


def move(
    session: Session, *, unit: UnionUnit, parent: UnionUnit, by: int | None, now: datetime
) -> None:
    """Hang `unit` and everything below it under `parent`; their records go with them."""
    if parent.path.startswith(unit.path):
        raise DomainError("unit_under_itself")
    if parent.closed_at is not None:
        raise DomainError("unit_closed")
    if unit.parent_id == parent.id:
        return
    before = snapshot(unit)
    old, new = unit.path, child_path(parent.path, unit.id)  # type: ignore[arg-type]
    session.flush()
    session.execute(
        update(UnionUnit)
        .where(col(UnionUnit.path).startswith(old))
        .values(path=literal(new, String).concat(func.substr(UnionUnit.path, len(old) + 1)))
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    moved = session.get(UnionUnit, unit.id)
    assert moved is not None
    moved.parent_id = parent.id
    _record(session, moved, "move", before, by, now)
    session.flush()


def set_join_mode(
    session: Session, *, unit: UnionUnit, mode: JoinMode, by: int | None, now: datetime
) -> None:
    """Open (anyone with a code joins) or roster only (a person not found on the roster
    waits for an officer's approval). Requests already waiting stay waiting."""
    if unit.join_mode == mode:
        return
    before = snapshot(unit)
    unit.join_mode = mode
    _record(session, unit, "join_mode", before, by, now)
    session.flush()


def close(session: Session, *, unit: UnionUnit, by: int | None, now: datetime) -> None:
    """A unit that no longer exists: its records stay, nobody joins it any more."""
    open_below = session.exec(
        select(func.count())
        .select_from(UnionUnit)
        .where(col(UnionUnit.path).startswith(unit.path), UnionUnit.id != unit.id)
        .where(col(UnionUnit.closed_at).is_(None))
    ).one()
    if open_below:
        raise DomainError("unit_has_open_units")
    before = snapshot(unit)
    unit.closed_at = now
    session.execute(
        update(InviteCode)
        .where(InviteCode.unit_id == unit.id, col(InviteCode.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    _record(session, unit, "close", before, by, now)
    session.flush()


def merge(
    session: Session, *, unit: UnionUnit, into: UnionUnit, by: int | None, now: datetime
) -> None:
    """Two unions become one: the members, roster, officers and units below `unit` move to
    `into`, and `unit` is closed. Past records keep naming the unit they were made in."""
    if unit.id == into.id or into.path.startswith(unit.path):
        raise DomainError("unit_under_itself")
    before = snapshot(unit)
    for child in session.exec(select(UnionUnit).where(UnionUnit.parent_id == unit.id)).all():
        move(session, unit=child, parent=into, by=by, now=now)
    for model in (Member, RosterEntry):
        session.execute(
            update(model).where(model.unit_id == unit.id).values(unit_id=into.id)  # type: ignore[attr-defined]
        )
    taken = select(OfficerRole.member_id).where(OfficerRole.unit_id == into.id)
    session.execute(
        update(OfficerRole)
        .where(OfficerRole.unit_id == unit.id, col(OfficerRole.member_id).not_in(taken))
        .values(unit_id=into.id)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        OfficerRole.__table__.delete().where(OfficerRole.__table__.c.unit_id == unit.id)  # type: ignore[attr-defined]
    )
    session.expire_all()
    merged = session.get(UnionUnit, unit.id)
    assert merged is not None
    if merged.declared_members and into.declared_members is not None:
        into.declared_members += merged.declared_members
    _record(session, merged, "merge", before, by, now)
    close(session, unit=merged, by=by, now=now)


def _values(fields: UnitFields) -> dict[str, object]:
    if fields.enterprise_type is not None and fields.kind not in GRASSROOTS_AND_BELOW:
        raise DomainError("enterprise_type_only_for_grassroots")
    return {
        "name": fields.name,
        "kind": fields.kind,
        "code": fields.code,
        "enterprise_type": fields.enterprise_type,
        "declared_members": fields.declared_members,
        "declared_on": fields.declared_on,
    }


def _check_code(session: Session, code: str | None, unit_id: int | None) -> None:
    if code is None:
        return
    other = session.exec(select(UnionUnit.id).where(UnionUnit.code == code)).first()
    if other is not None and other != unit_id:
        raise DomainError("unit_code_taken")
