"""A campaign's registrations (đăng ký thi đua) on the desk: who has registered, with the title
aimed for and their targets; how many have not; the deadline; reminding the rest now."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import Session

from bots.web import forms
from bots.web.context import PREFIX, Me, Refused, Visit, WebProblem
from bots.web.deps import CurrentMe, OfficerVisit, PostedForm, Web, WebSettings
from core.campaigns import service as campaigns
from core.campaigns.models import Campaign
from core.emulation import calls, pledges, texts
from core.emulation.models import EmulationCriterion
from core.emulation.titles import title_label

router = APIRouter()


@dataclass(frozen=True)
class PledgesPage:
    campaign: Campaign
    registration: pledges.Registration
    criteria: list[EmulationCriterion]
    targets: dict[int, dict[int, Decimal]]  # pledge id -> criterion id -> target


def load(s: Session, me: Me, campaign_id: int) -> PledgesPage:
    campaign = campaigns.get(s, actor=me.actor, campaign_id=campaign_id)
    found = pledges.registration(s, actor=me.actor, campaign_id=campaign_id)
    targets = {p.id: pledges.targets_of(s, pledge_id=p.id) for p, _m in found.pledges}  # type: ignore[misc]
    criteria = pledges.pledged_criteria(s, campaign_id=campaign_id)
    return PledgesPage(campaign, found, criteria, targets)  # type: ignore[arg-type]


async def show(visit: Visit, me: Me, campaign_id: int, refused: Refused | None = None) -> Response:
    data = await visit.db(lambda s: load(s, me, campaign_id))
    return visit.render(
        "pledges.html",
        status=refused.status if refused else 200,
        page=data,
        title_label=title_label,
        figure=texts.figure,
        error=refused.message if refused else None,
        done=visit.request.query_params.get("done"),
        reminded=visit.request.query_params.get("n"),
    )


@router.get("/campaigns/{campaign_id}/pledges")
async def registrations(campaign_id: int, visit: OfficerVisit, me: CurrentMe) -> Response:
    return await show(visit, me, campaign_id)


@router.post("/campaigns/{campaign_id}/pledges/deadline")
async def deadline(
    campaign_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm
) -> Response:
    def work(s: Session) -> None:
        day = forms.day(form, "deadline")
        if day is None:
            raise WebProblem(422, "bad_date")
        pledges.set_deadline(s, actor=me.actor, campaign_id=campaign_id, deadline=day)

    saved = await visit.attempt(work)
    if isinstance(saved, Refused):
        return await show(visit, me, campaign_id, saved)
    return visit.redirect(f"{PREFIX}/campaigns/{campaign_id}/pledges?done=deadline")


@router.post("/campaigns/{campaign_id}/pledges/remind")
async def remind(
    campaign_id: int,
    visit: OfficerVisit,
    me: CurrentMe,
    _form: PostedForm,
    web: Web,
    settings: WebSettings,
) -> Response:
    now, timezone = visit.now, settings.timezone
    told = await visit.attempt(
        lambda s: calls.remind_now(
            s,
            actor=me.actor,
            campaign_id=campaign_id,
            teller=web.notifier,
            now=now,
            timezone=timezone,
        )
    )
    if isinstance(told, Refused):
        return await show(visit, me, campaign_id, told)
    web.runtime.outbox_ready.set()
    return visit.redirect(f"{PREFIX}/campaigns/{campaign_id}/pledges?done=reminded&n={told}")
