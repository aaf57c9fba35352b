"""Admin API: campaigns (list, create, read, edit, plan, launch, close)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlmodel import Session

from bots.api.deps import ApiDep, Caller
from bots.api.schemas import (
    BroadcastOut,
    CampaignIn,
    CampaignOut,
    CampaignPatch,
    LaunchIn,
    PlanOut,
    broadcast_out,
)
from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast
from core.campaigns import service
from core.campaigns.models import Campaign
from core.campaigns.rules import groups_of
from core.campaigns.texts import default_announcement
from core.emulation.review import run_final_review
from core.members.models import UnionUnit

router = APIRouter(prefix="/api/v1", tags=["admin"])


def campaign_out(c: Campaign) -> CampaignOut:
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


def plan_out(plan: broadcasts.Plan) -> PlanOut:
    return PlanOut(
        audience=plan.total,
        by_platform=plan.counts.by_platform,
        unreachable=plan.counts.skipped,
        estimated_finish=plan.finish,
        quiet_until=plan.quiet_until,
    )


@router.get("/campaigns", response_model=list[CampaignOut])
async def list_campaigns(api: ApiDep, who: Caller) -> list[CampaignOut]:
    found = await api.run(lambda s: service.in_scope(s, actor=who, limit=500))
    return [campaign_out(c) for c in found]


@router.post("/campaigns", response_model=CampaignOut, status_code=201)
async def create_campaign(body: CampaignIn, api: ApiDep, who: Caller) -> CampaignOut:
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
    now = api.now()
    created = await api.run(lambda s: service.create(s, actor=who, data=data, now=now))
    return campaign_out(created)


@router.get("/campaigns/{campaign_id}", response_model=CampaignOut)
async def get_campaign(campaign_id: int, api: ApiDep, who: Caller) -> CampaignOut:
    found = await api.run(lambda s: service.get(s, actor=who, campaign_id=campaign_id))
    return campaign_out(found)


@router.patch("/campaigns/{campaign_id}", response_model=CampaignOut)
async def edit_campaign(
    campaign_id: int, body: CampaignPatch, api: ApiDep, who: Caller
) -> CampaignOut:
    changes = body.model_dump(exclude_unset=True)
    if "target_groups" in changes:
        changes["target_groups"] = [str(g) for g in changes["target_groups"] or []]
    now = api.now()
    edited = await api.run(
        lambda s: service.update(s, actor=who, campaign_id=campaign_id, now=now, **changes)
    )
    return campaign_out(edited)


@router.get("/campaigns/{campaign_id}/plan", response_model=PlanOut)
async def plan_campaign(campaign_id: int, api: ApiDep, who: Caller) -> PlanOut:
    now = api.now()

    def work(s: Session) -> broadcasts.Plan:
        campaign = service.get(s, actor=who, campaign_id=campaign_id)
        return broadcasts.plan(
            s, audience=service.audience(s, campaign), policy=api.policy, now=now
        )

    return plan_out(await api.run(work))


@router.post("/campaigns/{campaign_id}/launch", response_model=BroadcastOut)
async def launch_campaign(
    campaign_id: int, body: LaunchIn, api: ApiDep, who: Caller
) -> BroadcastOut:
    now = api.now()
    t = api.translator()

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
            policy=api.policy,
            scheduled_at=body.scheduled_at,
        )

    broadcast, created = await api.run(work)
    api.wake_delivery()
    return broadcast_out(broadcast, created)


@router.post("/campaigns/{campaign_id}/close", response_model=CampaignOut)
async def close_campaign(campaign_id: int, api: ApiDep, who: Caller) -> CampaignOut:
    now, t = api.now(), api.translator()

    def work(s: Session) -> Campaign:
        closed = service.close(s, actor=who, campaign_id=campaign_id, now=now)
        run_final_review(s, campaign_id, now, by=who.member_id, t=t)  # with the titles
        return closed

    closed = await api.run(work)
    return campaign_out(closed)
