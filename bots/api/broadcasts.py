"""Admin API: announcements to a unit, and the report of any broadcast."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from sqlmodel import Session

from bots.api.deps import ApiDep, Caller
from bots.api.schemas import BroadcastIn, BroadcastOut, broadcast_out
from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast, BroadcastKind
from core.campaigns import service as campaigns
from core.errors import DomainError

router = APIRouter(prefix="/api/v1", tags=["admin"])


@router.post("/broadcasts", response_model=BroadcastOut)
async def create_broadcast(
    body: BroadcastIn,
    api: ApiDep,
    who: Caller,
    idempotency_key: Annotated[str | None, Header(max_length=64)] = None,
) -> BroadcastOut:
    """An announcement to a unit (and the units below it). Send an `Idempotency-Key`
    header to make a retried request create nothing twice."""
    now = api.now()
    key = f"api:{who.member_id or 'admin'}:{idempotency_key or now.isoformat()}"

    def work(s: Session) -> tuple[Broadcast, bool]:
        unit = who.require_unit(s, body.unit_id)
        audience = broadcasts.Audience(
            unit, body.include_subtree, tuple(g.value for g in body.target_groups)
        )
        if not broadcasts.has_members(s, audience=audience):
            raise DomainError("audience_empty")
        return broadcasts.create(
            s,
            key=key,
            kind=BroadcastKind.MESSAGE,
            audience=audience,
            text=body.text,
            now=now,
            policy=api.policy,
            created_by=who.member_id,
            scheduled_at=body.scheduled_at,
        )

    broadcast, created = await api.run(work)
    api.wake_delivery()
    return broadcast_out(broadcast, created)


@router.get("/broadcasts/{broadcast_id}/report")
async def broadcast_report(broadcast_id: int, api: ApiDep, who: Caller) -> dict[str, object]:
    """Queued, sent, waiting (outside the window), failed and skipped, with the reasons,
    by platform and by unit. The categories add up to the audience."""

    def work(s: Session) -> dict[str, object]:
        found = campaigns.broadcast_in_scope(s, actor=who, broadcast_id=broadcast_id)
        return broadcasts.report(s, broadcast=found).as_dict()

    return await api.run(work)
