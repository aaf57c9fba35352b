"""Admin API: group chats linked to the caller's units: list them (the bot removed from one
shows as `unlink_reason: "removed"`), get a one-time link code for a unit, unlink one."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel
from sqlmodel import Session

from bots.api.deps import ApiDep, Caller
from core.groups import service

router = APIRouter(prefix="/api/v1", tags=["groups"])


class GroupCodeIn(BaseModel):
    unit_id: int


class GroupCodeOut(BaseModel):
    code: str
    expires_at: datetime


@router.get("/groups")
async def list_groups(api: ApiDep, who: Caller) -> list[dict[str, object]]:
    """Every group chat ever linked to a unit in scope, newest link first; `can_post` is
    false once it was unlinked or the bot was removed from it."""
    rows = await api.run(lambda s: service.in_scope(s, actor=who))
    return [row.as_dict() for row in rows]


@router.post("/groups/codes", response_model=GroupCodeOut)
async def group_code(body: GroupCodeIn, api: ApiDep, who: Caller) -> GroupCodeOut:
    """A one-time code that links the group chat it is sent in to this unit (an officer of
    the unit must send it there; the operator's token cannot, having no messenger)."""
    now = api.now()
    code = await api.run(lambda s: service.issue_code(s, actor=who, unit_id=body.unit_id, now=now))
    return GroupCodeOut(code=code, expires_at=now + service.CODE_TTL)


@router.post("/groups/{group_id}/unlink")
async def unlink_group(group_id: int, api: ApiDep, who: Caller) -> dict[str, object]:
    """Stop posting the unit's announcements in this group (the bot stays in it)."""
    now = api.now()

    def work(s: Session) -> dict[str, object]:
        service.unlink(s, actor=who, group_id=group_id, now=now)
        return next(r.as_dict() for r in service.in_scope(s, actor=who) if r.id == group_id)

    return await api.run(work)
