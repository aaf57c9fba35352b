"""Campaigns: list, create, edit, preview per messenger, reach planner, launch or schedule,
close. The launch's delivery report is bots/web/routes/broadcasts.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from bots.web import forms
from bots.web.context import PREFIX, Me, Refused, Visit, WebApp, WebProblem
from bots.web.deps import CurrentMe, OfficerVisit, PostedForm, Web, WebSettings
from bots.web.unitpicker import UnitPicker, asked, picker
from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast
from core.campaigns import service
from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.rules import groups_of
from core.campaigns.texts import ZALO_CHOICE, default_announcement
from core.chat.traits import ChannelTraits
from core.delivery_policy import DeliveryPolicy
from core.emulation import eval_queue
from core.emulation.review import run_final_review
from core.i18n import Translator
from core.members.labels import WORKER_GROUP_LABELS
from core.members.models import UnionUnit
from core.organisation import picking

router = APIRouter()
PLATFORMS = ("zalo", "zalobot", "facebook", "telegram")


@dataclass(frozen=True)
class Preview:
    platform: str
    parts: list[str]


def previews(text: str, traits: Mapping[str, ChannelTraits]) -> list[Preview]:
    """The messages the text becomes on each messenger, split as its adapter splits it."""
    return [
        Preview(p, traits[p].split(text) if text.strip() else []) for p in PLATFORMS if p in traits
    ]


@dataclass(frozen=True)
class CampaignPage:
    campaign: Campaign
    unit: UnionUnit
    plan: broadcasts.Plan | None
    announcement: str
    broadcasts: list[Broadcast]


def campaign_input(form: FormData) -> service.CampaignInput:
    return service.CampaignInput(
        unit_id=forms.integer(form, "unit_id"),
        title=forms.text(form, "title", limit=300),
        description=forms.text(form, "description"),
        criteria=forms.text(form, "criteria"),
        include_subtree=form.get("include_subtree") == "on",
        target_groups=tuple(str(g) for g in form.getlist("groups") if g in WORKER_GROUP_LABELS),
        starts_on=forms.day(form, "starts_on"),
        ends_on=forms.day(form, "ends_on"),
    )


def changes_of(form: FormData) -> dict[str, Any]:
    """The fields the campaign's edit form may change."""
    return {
        "title": forms.text(form, "title", limit=300),
        "description": forms.text(form, "description"),
        "criteria": forms.text(form, "criteria"),
        "starts_on": forms.day(form, "starts_on"),
        "ends_on": forms.day(form, "ends_on"),
        "target_groups": [str(g) for g in form.getlist("groups")],
    }


def page_data(
    s: Session, me: Me, campaign_id: int, policy: DeliveryPolicy, now: datetime, t: Translator
) -> CampaignPage:
    campaign = service.get(s, actor=me.actor, campaign_id=campaign_id)
    unit = s.get(UnionUnit, campaign.unit_id)
    assert unit is not None
    plan = None
    if campaign.status in (CampaignStatus.DRAFT, CampaignStatus.CLOSED):
        audience = service.audience(s, campaign)
        plan = broadcasts.plan(s, audience=audience, policy=policy, now=now)
    sent = list(
        s.exec(
            select(Broadcast)
            .where(Broadcast.campaign_id == campaign.id)
            .order_by(col(Broadcast.id).desc())
        )
    )
    return CampaignPage(campaign, unit, plan, default_announcement(t, unit.name, campaign), sent)


async def show(
    visit: Visit, me: Me, campaign_id: int, refused: Refused | None = None, text: str = ""
) -> Response:
    """The campaign's page (again, with the refusal and the text typed, after a failed form)."""
    policy, now, t = visit.web.policy, visit.now, visit.t
    data = await visit.db(lambda s: page_data(s, me, campaign_id, policy, now, t))
    text = text or data.announcement
    return visit.render(
        "campaign.html",
        status=refused.status if refused else 200,
        page=data,
        text=text,
        previews=previews(text, policy.traits),
        groups=WORKER_GROUP_LABELS,
        zalo_choice=ZALO_CHOICE,
        chosen=groups_of(data.campaign.target_groups),
        error=refused.message if refused else None,
        done=visit.request.query_params.get("done"),
    )


async def list_page(visit: Visit, me: Me, refused: Refused | None = None) -> Response:
    unit, unit_q = asked(visit.request.query_params)

    def load(s: Session) -> tuple[list[Campaign], UnitPicker, dict[int, str], list]:  # type: ignore[type-arg]
        found = service.in_scope(s, actor=me.actor, limit=200)
        chooser = picker(s, me, action=f"{PREFIX}/campaigns", unit=unit, q=unit_q)
        ranked = eval_queue.readable_rankings(s, me.actor)
        return found, chooser, picking.names_of(s, {c.unit_id for c in found}), ranked

    found, chooser, names, ranked = await visit.db(load)
    return visit.render(
        "campaigns.html",
        status=refused.status if refused else 200,
        campaigns=found,
        ranked=ranked,
        picker=chooser,
        names=names,
        groups=WORKER_GROUP_LABELS,
        error=refused.message if refused else None,
        today=visit.now.date().isoformat(),
    )


def launch_moment(form: FormData, timezone: str) -> datetime | None:
    """When the launch is scheduled for; None: now."""
    if form.get("when") != "later":
        return None
    when = forms.local_moment(form, "scheduled_at", timezone)
    if when is None:
        raise WebProblem(422, "bad_date")
    return when


@router.get("/campaigns")
async def campaigns(visit: OfficerVisit, me: CurrentMe) -> Response:
    return await list_page(visit, me)


@router.post("/campaigns")
async def create(visit: OfficerVisit, me: CurrentMe, form: PostedForm) -> Response:
    now = visit.now
    made = await visit.attempt(
        lambda s: service.create(s, actor=me.actor, data=campaign_input(form), now=now)
    )
    if isinstance(made, Refused):
        return await list_page(visit, me, made)
    return visit.redirect(f"{PREFIX}/campaigns/{made.id}")


@router.get("/campaigns/{campaign_id}")
async def campaign(campaign_id: int, visit: OfficerVisit, me: CurrentMe) -> Response:
    return await show(visit, me, campaign_id)


@router.post("/campaigns/{campaign_id}")
async def edit(campaign_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm) -> Response:
    now = visit.now
    saved = await visit.attempt(
        lambda s: service.update(
            s, actor=me.actor, campaign_id=campaign_id, now=now, **changes_of(form)
        )
    )
    if isinstance(saved, Refused):
        return await show(visit, me, campaign_id, saved)
    return visit.redirect(f"{PREFIX}/campaigns/{campaign_id}?done=saved")


@router.get("/campaigns/{campaign_id}/preview")
async def preview(
    campaign_id: int, visit: OfficerVisit, me: CurrentMe, web: Web, text: str = ""
) -> Response:
    await visit.db(lambda s: service.get(s, actor=me.actor, campaign_id=campaign_id))
    return visit.render("_preview.html", previews=previews(text[:5000], web.policy.traits))


async def launch_now_or_later(
    visit: Visit, web: WebApp, me: Me, campaign_id: int, form: FormData, timezone: str
) -> Broadcast | Refused:
    text, now = forms.text(form, "text"), visit.now

    def work(s: Session) -> Broadcast:
        broadcast, _created = service.launch(
            s,
            actor=me.actor,
            campaign_id=campaign_id,
            text=text,
            now=now,
            policy=web.policy,
            scheduled_at=launch_moment(form, timezone),
        )
        return broadcast

    return await visit.attempt(work)


@router.post("/campaigns/{campaign_id}/launch")
async def launch(
    campaign_id: int,
    visit: OfficerVisit,
    me: CurrentMe,
    form: PostedForm,
    web: Web,
    settings: WebSettings,
) -> Response:
    launched = await launch_now_or_later(visit, web, me, campaign_id, form, settings.timezone)
    if isinstance(launched, Refused):
        return await show(visit, me, campaign_id, launched, text=forms.text(form, "text"))
    web.runtime.outbox_ready.set()
    return visit.redirect(f"{PREFIX}/broadcasts/{launched.id}")


@router.post("/campaigns/{campaign_id}/close")
async def close(
    campaign_id: int, visit: OfficerVisit, me: CurrentMe, _form: PostedForm
) -> Response:
    now, t = visit.now, visit.web.translator(None)  # the union's language: for its records

    def work(s: Session) -> Campaign:
        closed = service.close(s, actor=me.actor, campaign_id=campaign_id, now=now)
        run_final_review(s, campaign_id, now, by=me.actor.member_id, t=t)
        return closed

    closed = await visit.attempt(work)
    if isinstance(closed, Refused):
        return await show(visit, me, campaign_id, closed)
    return visit.redirect(f"{PREFIX}/campaigns/{campaign_id}?done=closed")
