"""Campaigns: list, create, edit, preview per messenger, reach planner, launch or schedule,
close; and the launch's delivery report with live progress."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from bots.web import forms
from bots.web.context import PREFIX, Me, Visit, WebApp, WebProblem, in_scope_units, officer_visit
from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast, BroadcastStatus
from core.campaigns import service
from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.rules import groups_of
from core.campaigns.texts import default_announcement
from core.chat.traits import ChannelTraits
from core.members.labels import WORKER_GROUP_LABELS
from core.members.models import UnionUnit

PLATFORMS = ("zalo", "facebook", "telegram")


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


def _input(form, visit: Visit) -> service.CampaignInput:  # type: ignore[no-untyped-def]
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


def register(router: APIRouter, web: WebApp) -> None:
    policy = web.policy

    def page_data(s: Session, me: Me, campaign_id: int, visit: Visit) -> CampaignPage:
        campaign = service.get(s, actor=me.actor, campaign_id=campaign_id)
        unit = s.get(UnionUnit, campaign.unit_id)
        assert unit is not None
        plan = None
        if campaign.status in (CampaignStatus.DRAFT, CampaignStatus.CLOSED):
            plan = broadcasts.plan(
                s, audience=service.audience(s, campaign), policy=policy, now=visit.now
            )
        sent = list(
            s.exec(
                select(Broadcast)
                .where(Broadcast.campaign_id == campaign.id)
                .order_by(col(Broadcast.id).desc())
            )
        )
        return CampaignPage(
            campaign, unit, plan, default_announcement(visit.t, unit.name, campaign), sent
        )

    async def show(visit: Visit, campaign_id: int, *, status: int = 200, **extra: object):  # type: ignore[no-untyped-def]
        me = visit.me
        assert me is not None
        data = await visit.db(lambda s: page_data(s, me, campaign_id, visit))
        text = extra.pop("announcement", None) or data.announcement
        return visit.render(
            "campaign.html",
            status=status,
            page=data,
            text=text,
            previews=previews(str(text), web.policy.traits),
            groups=WORKER_GROUP_LABELS,
            chosen=groups_of(data.campaign.target_groups),
            error=extra.pop("error", None),
            done=visit.request.query_params.get("done"),
        )

    async def list_page(visit: Visit, *, status: int = 200, error: str | None = None):  # type: ignore[no-untyped-def]
        me = visit.me
        assert me is not None

        def load(s: Session) -> tuple[list[Campaign], list[UnionUnit]]:
            return service.in_scope(s, actor=me.actor, limit=200), in_scope_units(s, me)

        found, units = await visit.db(load)
        names = {u.id: u.name for u in units}
        return visit.render(
            "campaigns.html",
            status=status,
            campaigns=found,
            units=units,
            names=names,
            groups=WORKER_GROUP_LABELS,
            error=error,
            today=visit.now.date().isoformat(),
        )

    @router.get("/campaigns")
    async def campaigns(request: Request) -> Response:
        return await list_page(await officer_visit(web, request))

    @router.post("/campaigns")
    async def create(request: Request) -> Response:
        visit = await officer_visit(web, request)
        form = await visit.form()
        now = visit.now
        try:
            data = _input(form, visit)
            made = await visit.db(
                lambda s: service.create(s, actor=visit.actor, data=data, now=now)
            )
        except WebProblem as problem:
            if problem.status == 404:
                raise
            return await list_page(visit, status=problem.status, error=visit.problem(problem.err))
        return visit.redirect(f"{PREFIX}/campaigns/{made.id}")

    @router.get("/campaigns/{campaign_id}")
    async def campaign(request: Request, campaign_id: int) -> Response:
        return await show(await officer_visit(web, request), campaign_id)

    @router.post("/campaigns/{campaign_id}")
    async def edit(request: Request, campaign_id: int) -> Response:
        visit = await officer_visit(web, request)
        form = await visit.form()
        now = visit.now
        try:
            changes = {
                "title": forms.text(form, "title", limit=300),
                "description": forms.text(form, "description"),
                "criteria": forms.text(form, "criteria"),
                "starts_on": forms.day(form, "starts_on"),
                "ends_on": forms.day(form, "ends_on"),
                "target_groups": [str(g) for g in form.getlist("groups")],
            }
            await visit.db(
                lambda s: service.update(
                    s, actor=visit.actor, campaign_id=campaign_id, now=now, **changes
                )
            )
        except WebProblem as problem:
            if problem.status == 404:
                raise
            return await show(
                visit, campaign_id, status=problem.status, error=visit.problem(problem.err)
            )
        return visit.redirect(f"{PREFIX}/campaigns/{campaign_id}?done=saved")

    @router.get("/campaigns/{campaign_id}/preview")
    async def preview(request: Request, campaign_id: int, text: str = "") -> Response:
        visit = await officer_visit(web, request)
        await visit.db(lambda s: service.get(s, actor=visit.actor, campaign_id=campaign_id))
        return visit.render("_preview.html", previews=previews(text[:5000], web.policy.traits))

    @router.post("/campaigns/{campaign_id}/launch")
    async def launch(request: Request, campaign_id: int) -> Response:
        visit = await officer_visit(web, request)
        form = await visit.form()
        text = forms.text(form, "text")
        now = visit.now
        try:
            when = None
            if form.get("when") == "later":
                when = forms.local_moment(form, "scheduled_at", web.settings.timezone)
                if when is None:
                    raise WebProblem(422, "bad_date")
            broadcast, _created = await visit.db(
                lambda s: service.launch(
                    s,
                    actor=visit.actor,
                    campaign_id=campaign_id,
                    text=text,
                    now=now,
                    policy=policy,
                    scheduled_at=when,
                )
            )
        except WebProblem as problem:
            if problem.status == 404:
                raise
            return await show(
                visit,
                campaign_id,
                status=problem.status,
                error=visit.problem(problem.err),
                announcement=text,
            )
        web.runtime.outbox_ready.set()
        return visit.redirect(f"{PREFIX}/broadcasts/{broadcast.id}")

    @router.post("/campaigns/{campaign_id}/close")
    async def close(request: Request, campaign_id: int) -> Response:
        visit = await officer_visit(web, request)
        await visit.form()
        now = visit.now
        try:
            await visit.db(
                lambda s: service.close(s, actor=visit.actor, campaign_id=campaign_id, now=now)
            )
        except WebProblem as problem:
            if problem.status == 404:
                raise
            return await show(
                visit, campaign_id, status=problem.status, error=visit.problem(problem.err)
            )
        return visit.redirect(f"{PREFIX}/campaigns/{campaign_id}?done=closed")

    def report_of(s: Session, me: Me, broadcast_id: int):  # type: ignore[no-untyped-def]
        found = service.broadcast_in_scope(s, actor=me.actor, broadcast_id=broadcast_id)
        campaign = s.get(Campaign, found.campaign_id) if found.campaign_id else None
        return found, campaign, broadcasts.report(s, broadcast=found)

    def finished(found: Broadcast, report: broadcasts.Report) -> bool:
        if found.status in (BroadcastStatus.CANCELLED, BroadcastStatus.FINISHED):
            return True
        return found.status == BroadcastStatus.QUEUED and report.totals[broadcasts.QUEUED] == 0

    async def report_view(request: Request, broadcast_id: int, template: str) -> Response:
        visit = await officer_visit(web, request)
        me = visit.me
        assert me is not None
        found, campaign, report = await visit.db(lambda s: report_of(s, me, broadcast_id))
        return visit.render(
            template,
            broadcast=found,
            campaign=campaign,
            report=report,
            finished=finished(found, report),
            categories=broadcasts.CATEGORIES,
        )

    @router.get("/broadcasts/{broadcast_id}")
    async def report(request: Request, broadcast_id: int) -> Response:
        return await report_view(request, broadcast_id, "broadcast.html")

    @router.get("/broadcasts/{broadcast_id}/progress")
    async def progress(request: Request, broadcast_id: int) -> Response:
        return await report_view(request, broadcast_id, "_progress.html")
