"""Admin API: the union tree in the caller's units: list, create, change (name, kind,
enterprise type, code, declared membership, join mode), move with the subtree, merge into
another unit, close. Every change is recorded with who made it (unit_change)."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from bots.api.deps import ApiDep, Caller
from core.members.models import EnterpriseType, JoinMode, UnionUnit, UnitKind
from core.organisation import manage, units

router = APIRouter(prefix="/api/v1", tags=["members"])


class UnitOut(BaseModel):
    id: int
    parent_id: int | None
    name: str
    kind: str
    code: str | None
    enterprise_type: str | None
    declared_members: int | None
    declared_on: date | None
    join_mode: str
    closed_at: datetime | None


class UnitIn(BaseModel):
    parent_id: int
    name: str = Field(min_length=1, max_length=200)
    kind: UnitKind
    code: str | None = Field(default=None, min_length=1, max_length=40)
    enterprise_type: EnterpriseType | None = None
    declared_members: int | None = Field(default=None, ge=0, le=10_000_000)
    declared_on: date | None = None


class UnitChangeIn(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    declared_members: int | None = Field(default=None, ge=0, le=10_000_000)
    declared_on: date | None = None
    join_mode: JoinMode | None = None
    kind: UnitKind | None = None
    enterprise_type: EnterpriseType | None = None
    code: str | None = Field(default=None, min_length=1, max_length=40)


class MergeIn(BaseModel):
    into_id: int


class MoveIn(BaseModel):
    parent_id: int


def _out(unit: UnionUnit) -> UnitOut:
    return UnitOut.model_validate(unit, from_attributes=True)


@router.get("/units", response_model=list[UnitOut])
async def list_units(api: ApiDep, who: Caller) -> list[UnitOut]:
    """The caller's units and every unit below them, top down."""

    def work(s: Session) -> list[UnitOut]:
        found = s.exec(select(UnionUnit).where(who.unit_filter(s)).order_by(col(UnionUnit.path)))
        return [_out(u) for u in found]

    return await api.run(work)


@router.post("/units", response_model=UnitOut, status_code=201)
async def create_unit(body: UnitIn, api: ApiDep, who: Caller) -> UnitOut:
    now = api.now()
    fields = units.UnitFields(
        name=body.name.strip(),
        kind=body.kind,
        code=body.code.strip() if body.code else None,
        enterprise_type=body.enterprise_type,
        declared_members=body.declared_members,
        declared_on=body.declared_on or (now.date() if body.declared_members else None),
    )
    return await api.run(
        lambda s: _out(
            manage.create(s, actor=who, parent_id=body.parent_id, fields=fields, now=now)
        )
    )


@router.patch("/units/{unit_id}", response_model=UnitOut)
async def change_unit(unit_id: int, body: UnitChangeIn, api: ApiDep, who: Caller) -> UnitOut:
    now = api.now()
    change = manage.Edit(
        body.name,
        body.declared_members,
        body.declared_on,
        body.join_mode,
        body.kind,
        body.enterprise_type,
        body.code,
    )
    return await api.run(
        lambda s: _out(manage.edit(s, actor=who, unit_id=unit_id, change=change, now=now))
    )


@router.post("/units/{unit_id}/move", response_model=UnitOut)
async def move_unit(unit_id: int, body: MoveIn, api: ApiDep, who: Caller) -> UnitOut:
    """The unit and everything below it go under `parent_id`, with their members, campaigns
    and scores."""
    now = api.now()
    return await api.run(
        lambda s: _out(
            manage.move(s, actor=who, unit_id=unit_id, parent_id=body.parent_id, now=now)
        )
    )


@router.post("/units/{unit_id}/merge", response_model=UnitOut)
async def merge_unit(unit_id: int, body: MergeIn, api: ApiDep, who: Caller) -> UnitOut:
    """The unit becomes part of `into_id`: its members, roster, officers and units below go
    there and it is closed (past records keep naming it). Answers the unit merged into."""
    now = api.now()
    return await api.run(
        lambda s: _out(manage.merge(s, actor=who, unit_id=unit_id, into_id=body.into_id, now=now))
    )


@router.post("/units/{unit_id}/close", response_model=UnitOut)
async def close_unit(unit_id: int, api: ApiDep, who: Caller) -> UnitOut:
    now = api.now()
    return await api.run(lambda s: _out(manage.close(s, actor=who, unit_id=unit_id, now=now)))
