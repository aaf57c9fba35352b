"""Admin API routes. Every call carries `Authorization: Bearer <token>`: an officer's token
(`thidua officer token`) acts within that officer's units; THIDUA_ADMIN_TOKEN acts on all.
A request outside the caller's scope gets 403 and is logged."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from sqlmodel import Session

from bots.api.schemas import (
    BroadcastIn,
    BroadcastOut,
    CampaignIn,
    CampaignOut,
    CampaignPatch,
    LaunchIn,
    PlanOut,
)
from bots.bootstrap import Runtime
from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast, BroadcastKind
from core.campaigns import service
from core.campaigns.models import Campaign
from core.campaigns.rules import groups_of
from core.campaigns.scope import Actor
from core.campaigns.texts import default_announcement
from core.errors import DomainError, Forbidden, InvalidInput, NotFound
from core.members.models import UnionUnit
from core.storage.uow import run_unit_in_thread

log = logging.getLogger(__name__)
T = TypeVar("T")


class ApiError(Exception):
    def __init__(self, status: int, code: str) -> None:
        self.status, self.code = status, code


def _status(err: DomainError) -> int:
    if isinstance(err, Forbidden):
        return 403
    if isinstance(err, NotFound):
        return 404
    if isinstance(err, InvalidInput):
        return 422
    return 409


def _campaign_out(c: Campaign) -> CampaignOut:
    return CampaignOut(
        id=c.id,  # type: ignore[arg-type]
        unit_id=c.unit_id,
        include_subtree=c.include_subtree,
        title=c.title,
        description=c.description,
        criteria=c.criteria,
        target_groups=groups_of(c.target_groups),
        starts_on=c.starts_on,
        ends_on=c.ends_on,
        status=c.status,
        launched_at=c.launched_at,
        closed_at=c.closed_at,
    )


def _broadcast_out(b: Broadcast, created: bool) -> BroadcastOut:
    return BroadcastOut(
        id=b.id,  # type: ignore[arg-type]
        kind=b.kind,
        campaign_id=b.campaign_id,
        unit_id=b.unit_id,
        status=b.status,
        scheduled_at=b.scheduled_at,
        audience=b.audience,
        created=created,
    )


async def in_transaction(runtime: Runtime, work: Callable[[Session], T]) -> T:
    try:
        return await run_unit_in_thread(runtime.engine, work)
    except DomainError as err:
        raise ApiError(_status(err), err.code) from err


async def current_actor(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> Actor:
    """The officer behind the bearer token, or the operator for THIDUA_ADMIN_TOKEN."""
    runtime: Runtime = request.app.state.runtime
    scheme, _sep, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(401, "missing bearer token", {"WWW-Authenticate": "Bearer"})
    admin = runtime.settings.admin_token
    if admin and hmac.compare_digest(token.encode(), admin.get_secret_value().encode()):
        return Actor.admin()
    now = runtime.clock.now()
    found = await in_transaction(
        runtime, lambda s: service.actor_for_token(s, token=token, now=now)
    )
    if found is None:
        raise HTTPException(401, "invalid token", {"WWW-Authenticate": "Bearer"})
    request.state.actor = found
    return found


Caller = Annotated[Actor, Depends(current_actor)]


def make_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["admin"])
    settings = runtime.settings
    policy = runtime.processor.config.delivery

    async def run(work: Callable[[Session], T]) -> T:
        return await in_transaction(runtime, work)

    @router.get("/campaigns", response_model=list[CampaignOut])
    async def list_campaigns(who: Caller) -> list[CampaignOut]:
        found = await run(lambda s: service.in_scope(s, actor=who, limit=500))
        return [_campaign_out(c) for c in found]

    @router.post("/campaigns", response_model=CampaignOut, status_code=201)
    async def create_campaign(body: CampaignIn, who: Caller) -> CampaignOut:
        data = service.CampaignInput(
            unit_id=body.unit_id,
            title=body.title,
            description=body.description,
            criteria=body.criteria,
            include_subtree=body.include_subtree,
            target_groups=tuple(g.value for g in body.target_groups),
            starts_on=body.starts_on,
            ends_on=body.ends_on,
        )
        now = runtime.clock.now()
        created = await run(lambda s: service.create(s, actor=who, data=data, now=now))
        return _campaign_out(created)

    @router.get("/campaigns/{campaign_id}", response_model=CampaignOut)
    async def get_campaign(campaign_id: int, who: Caller) -> CampaignOut:
        found = await run(lambda s: service.get(s, actor=who, campaign_id=campaign_id))
        return _campaign_out(found)

    @router.patch("/campaigns/{campaign_id}", response_model=CampaignOut)
    async def edit_campaign(campaign_id: int, body: CampaignPatch, who: Caller) -> CampaignOut:
        changes = body.model_dump(exclude_unset=True)
        if "target_groups" in changes:
            changes["target_groups"] = [str(g) for g in changes["target_groups"] or []]
        now = runtime.clock.now()
        edited = await run(
            lambda s: service.update(s, actor=who, campaign_id=campaign_id, now=now, **changes)
        )
        return _campaign_out(edited)

    @router.get("/campaigns/{campaign_id}/plan", response_model=PlanOut)
    async def plan_campaign(campaign_id: int, who: Caller) -> PlanOut:
        now = runtime.clock.now()

        def work(s: Session) -> broadcasts.Plan:
            campaign = service.get(s, actor=who, campaign_id=campaign_id)
            return broadcasts.plan(
                s, audience=service.audience(s, campaign), policy=policy, now=now
            )

        return _plan_out(await run(work))

    @router.post("/campaigns/{campaign_id}/launch", response_model=BroadcastOut)
    async def launch_campaign(campaign_id: int, body: LaunchIn, who: Caller) -> BroadcastOut:
        now = runtime.clock.now()
        t = runtime.catalogs.translator(settings.default_locale, settings.timezone)

        def work(s: Session) -> tuple[Broadcast, bool]:
            text = body.text
            if text is None:
                campaign = service.get(s, actor=who, campaign_id=campaign_id)
                unit = s.get(UnionUnit, campaign.unit_id)
                text = default_announcement(t, unit.name if unit else "", campaign)
            return service.launch(
                s,
                actor=who,
                campaign_id=campaign_id,
                text=text,
                now=now,
                policy=policy,
                scheduled_at=body.scheduled_at,
            )

        broadcast, created = await run(work)
        runtime.outbox_ready.set()
        return _broadcast_out(broadcast, created)

    @router.post("/campaigns/{campaign_id}/close", response_model=CampaignOut)
    async def close_campaign(campaign_id: int, who: Caller) -> CampaignOut:
        now = runtime.clock.now()
        closed = await run(lambda s: service.close(s, actor=who, campaign_id=campaign_id, now=now))
        return _campaign_out(closed)

    @router.post("/broadcasts", response_model=BroadcastOut)
    async def create_broadcast(
        body: BroadcastIn,
        who: Caller,
        idempotency_key: Annotated[str | None, Header(max_length=64)] = None,
    ) -> BroadcastOut:
        """An announcement to a unit (and the units below it). Send an `Idempotency-Key`
        header to make a retried request create nothing twice."""
        now = runtime.clock.now()
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
                policy=policy,
                created_by=who.member_id,
                scheduled_at=body.scheduled_at,
            )

        broadcast, created = await run(work)
        runtime.outbox_ready.set()
        return _broadcast_out(broadcast, created)

    @router.get("/broadcasts/{broadcast_id}/report")
    async def broadcast_report(broadcast_id: int, who: Caller) -> dict[str, object]:
        """Queued, sent, waiting (outside the window), failed and skipped, with the reasons,
        by platform and by unit. The categories add up to the audience."""

        def work(s: Session) -> dict[str, object]:
            found = service.broadcast_in_scope(s, actor=who, broadcast_id=broadcast_id)
            return broadcasts.report(s, broadcast=found).as_dict()

        return await run(work)

    return router


def _plan_out(plan: broadcasts.Plan) -> PlanOut:
    return PlanOut(
        audience=plan.total,
        by_platform=plan.counts.by_platform,
        unreachable=plan.counts.skipped,
        estimated_finish=plan.finish,
        quiet_until=plan.quiet_until,
    )


async def api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    if exc.status == 403:
        actor = getattr(request.state, "actor", None)
        log.warning(
            "admin API refused (403 %s): %s %s by member %s",
            exc.code,
            request.method,
            request.url.path,
            getattr(actor, "member_id", None),
        )
    return JSONResponse({"error": exc.code}, status_code=exc.status)
