"""Admin API: the members of the caller's units: a page of them (searched by name without
diacritics), one member with their record of changes, edit (name, group, post, phone), move
to another unit of the caller's scope, remove (erased as by /forget, the union's records kept;
the person is told)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlmodel import Session

from bots.api.deps import ApiDep, Caller
from core.errors import NotFound
from core.memberadmin import service as member_admin
from core.members.models import WHY_LIMIT, Member, MemberChange, WorkerGroup
from core.organisation import membership

router = APIRouter(prefix="/api/v1", tags=["members"])


class MemberOut(BaseModel):
    id: int
    unit_id: int
    full_name: str | None
    worker_group: str | None
    holds_leadership_post: bool | None
    phone: str | None
    verified: bool
    joined_at: datetime


class ChangeOut(BaseModel):
    action: str
    unit_id: int
    by_member_id: int | None
    at: datetime
    before: dict[str, object] | None
    after: dict[str, object] | None
    why: str | None


class MemberDetail(MemberOut):
    unit_name: str
    roster_entry_id: int | None
    platforms: list[str]
    history: list[ChangeOut]


class MembersPage(BaseModel):
    unit_id: int
    total: int
    next_cursor: str | None  # the next page: `cursor=` this; None on the last page
    prev_cursor: str | None  # the page before; None on the first page
    verified: int
    self_declared: int
    not_on_bot: int
    members: list[MemberOut]


class MemberChangeIn(BaseModel):
    full_name: str | None = Field(default=None, min_length=1, max_length=100)
    worker_group: WorkerGroup | None = None
    holds_leadership_post: bool | None = None
    phone: str | None = Field(default=None, max_length=32)  # "": no phone
    why: str | None = Field(default=None, max_length=WHY_LIMIT)  # kept with the change


class MemberMoveIn(BaseModel):
    unit_id: int
    why: str | None = Field(default=None, max_length=WHY_LIMIT)


class RemovedOut(BaseModel):
    member_id: int
    unit_id: int
    removed_at: datetime


def _out(m: Member) -> MemberOut:
    return MemberOut(
        id=m.id,  # type: ignore[arg-type]
        unit_id=m.unit_id,
        full_name=m.full_name,
        worker_group=m.worker_group,
        holds_leadership_post=m.holds_leadership_post,
        phone=m.phone,
        verified=m.verified_at is not None,
        joined_at=m.onboarded_at or m.joined_at,
    )


def _change(c: MemberChange) -> ChangeOut:
    return ChangeOut(
        action=c.action,
        unit_id=c.unit_id,
        by_member_id=c.by_member_id,
        at=c.at,
        before=json.loads(c.before) if c.before else None,
        after=json.loads(c.after) if c.after else None,
        why=c.why,
    )


def _detail(view: member_admin.MemberView) -> MemberDetail:
    return MemberDetail(
        **_out(view.member).model_dump(),
        unit_name=view.unit.name,
        roster_entry_id=view.roster.id if view.roster else None,
        platforms=view.platforms,
        history=[_change(c) for c in view.history],
    )


@router.get("/members", response_model=MembersPage)
async def list_members(
    api: ApiDep,
    who: Caller,
    unit_id: int | None = None,
    q: Annotated[str, Query(max_length=100)] = "",
    cursor: Annotated[str, Query(max_length=400)] = "",
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
) -> MembersPage:
    """The members who joined the unit (default: the caller's first unit) and the units below
    it, in the order of names; `q` finds a part of the name without case or diacritics.
    `cursor`: a page's `next_cursor` or `prev_cursor` (opaque; 422 `bad_cursor` otherwise)
    gives the page after or before it, read from that place in the order however deep."""

    def work(s: Session) -> MembersPage:
        roots = who.units(s)
        if unit_id is None and not roots:
            raise NotFound("unit_unknown")
        unit = who.require_unit(s, unit_id) if unit_id is not None else roots[0]
        scope = membership.scope_of(s, unit)
        counts = membership.counts(s, unit=unit, scope=scope)  # the page counts its search
        place = membership.Cursor.decode(cursor) if cursor else None
        found = membership.cursor_page(
            s, unit=unit, q=q, cursor=place, per_page=per_page, counted=counts, scope=scope
        )
        return MembersPage(
            unit_id=unit.id,  # type: ignore[arg-type]
            total=found.total,
            next_cursor=found.next.encode() if found.next else None,
            prev_cursor=found.prev.encode() if found.prev else None,
            verified=counts.verified,
            self_declared=counts.self_declared,
            not_on_bot=counts.not_on_bot,
            members=[_out(m) for m in found.members],
        )

    return await api.run(work)


@router.get("/members/{member_id}", response_model=MemberDetail)
async def read_member(member_id: int, api: ApiDep, who: Caller) -> MemberDetail:
    return await api.run(lambda s: _detail(member_admin.read(s, actor=who, member_id=member_id)))


@router.patch("/members/{member_id}", response_model=MemberDetail)
async def edit_member(
    member_id: int, body: MemberChangeIn, api: ApiDep, who: Caller
) -> MemberDetail:
    """The fields given change (a verified member's roster entry follows the name, group and
    post); the change is recorded with who made it."""
    now = api.now()
    change = member_admin.MemberEdit(
        body.full_name, body.worker_group, body.holds_leadership_post, body.phone
    )

    def work(s: Session) -> MemberDetail:
        member_admin.edit(s, actor=who, member_id=member_id, change=change, now=now, why=body.why)
        return _detail(member_admin.read(s, actor=who, member_id=member_id))

    return await api.run(work)


@router.post("/members/{member_id}/move", response_model=MemberDetail)
async def move_member(member_id: int, body: MemberMoveIn, api: ApiDep, who: Caller) -> MemberDetail:
    """To another unit of the caller's units or below them (403 `outside_scope` otherwise)."""
    now = api.now()

    def work(s: Session) -> MemberDetail:
        member_admin.move(
            s, actor=who, member_id=member_id, unit_id=body.unit_id, now=now, why=body.why
        )
        return _detail(member_admin.read(s, actor=who, member_id=member_id))

    return await api.run(work)


@router.delete("/members/{member_id}", response_model=RemovedOut)
async def remove_member(
    member_id: int,
    api: ApiDep,
    who: Caller,
    why: Annotated[str | None, Query(max_length=WHY_LIMIT)] = None,
) -> RemovedOut:
    """The person is told, then erased as by /forget; the union's records stay. `why`: the
    reason, kept with the removal (write no name or phone in it: it stays after the erasure)."""
    now = api.now()

    def work(s: Session) -> RemovedOut:
        change = member_admin.remove(
            s, actor=who, member_id=member_id, notifier=api.notifier, now=now, why=why
        )
        return RemovedOut(member_id=member_id, unit_id=change.unit_id, removed_at=change.at)

    result = await api.run(work)
    api.wake_delivery()
    return result
