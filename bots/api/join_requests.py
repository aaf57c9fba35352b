"""Admin API: join requests (the people waiting to join a "roster only" unit): list, approve
(optionally correcting the group and the post), refuse. The person is told either way."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlmodel import Session

from bots.api.deps import ApiDep, Caller
from core.joinrequests import service
from core.members.models import WorkerGroup

router = APIRouter(prefix="/api/v1", tags=["members"])


class JoinRequestOut(BaseModel):
    id: int
    status: str
    unit_id: int
    unit_name: str
    member_id: int | None
    full_name: str | None
    worker_group: str | None
    holds_leadership_post: bool | None
    created_at: datetime
    decided_at: datetime | None


class ApproveIn(BaseModel):
    worker_group: WorkerGroup | None = None  # None: as the person said
    holds_leadership_post: bool | None = None


def _out(found: service.Waiting) -> JoinRequestOut:
    r, m = found.request, found.member
    return JoinRequestOut(
        id=r.id,  # type: ignore[arg-type]
        status=r.status,
        unit_id=r.unit_id,
        unit_name=found.unit.name,
        member_id=r.member_id,
        full_name=m.full_name,
        worker_group=m.worker_group,
        holds_leadership_post=m.holds_leadership_post,
        created_at=r.created_at,
        decided_at=r.decided_at,
    )


@router.get("/join-requests", response_model=list[JoinRequestOut])
async def list_join_requests(
    api: ApiDep,
    who: Caller,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[JoinRequestOut]:
    """The requests waiting in the caller's units, oldest first."""

    def work(s: Session) -> list[JoinRequestOut]:
        return [_out(w) for w in service.in_scope(s, actor=who, limit=limit, offset=offset)]

    return await api.run(work)


@router.post("/join-requests/{request_id}/approve", response_model=JoinRequestOut)
async def approve(request_id: int, body: ApproveIn, api: ApiDep, who: Caller) -> JoinRequestOut:
    now = api.now()

    def work(s: Session) -> JoinRequestOut:
        done = service.approve(
            s,
            actor=who,
            request_id=request_id,
            notifier=api.notifier,
            now=now,
            group=body.worker_group,
            leader=body.holds_leadership_post,
        )
        return _out(done)

    result = await api.run(work)
    api.wake_delivery()
    return result


@router.post("/join-requests/{request_id}/refuse", response_model=JoinRequestOut)
async def refuse(request_id: int, api: ApiDep, who: Caller) -> JoinRequestOut:
    """The person is told, and what they gave is deleted (as by /forget)."""
    now = api.now()

    def work(s: Session) -> JoinRequestOut:
        done = service.refuse(s, actor=who, request_id=request_id, notifier=api.notifier, now=now)
        return _out(done)

    result = await api.run(work)
    api.wake_delivery()
    return result
