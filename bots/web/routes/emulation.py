"""A campaign's emulation criteria on the desk: the list with each one's form, a new one, a
campaign's criteria from a ready-made template, an edit (a new version once launched), a
removal. The words of kinds and refusals are core/emulation/texts.py's."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import FormData

from bots.web import forms
from bots.web.context import PREFIX, Me, Refused, Visit, WebProblem
from bots.web.deps import CurrentMe, OfficerVisit, PostedForm
from core.campaigns.models import Campaign
from core.emulation import criteria as service
from core.emulation import texts
from core.emulation.models import EmulationCriterion
from core.emulation.numbers import parse_amount, plain
from core.emulation.rules import CriterionInput
from core.emulation.scoring import Kind
from core.emulation.templates import TEMPLATES, Frequency, Reporter

router = APIRouter()
E = TypeVar("E", bound=StrEnum)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class CriteriaPage:
    campaign: Campaign
    rows: list[EmulationCriterion]
    most: Decimal


def choice(form: FormData, name: str, kind: type[E]) -> E:
    try:
        return kind(forms.text(form, name))
    except ValueError as exc:
        raise WebProblem(422, "bad_choice") from exc


def amount(form: FormData, name: str) -> Decimal | None:
    raw = forms.text(form, name, limit=40).strip()
    if not raw:
        return None
    value = parse_amount(raw)
    if value is None:
        raise WebProblem(422, "bad_amount")
    return value


def criterion_input(form: FormData) -> CriterionInput:
    """The criterion's form; a count per member has its target typed per 100 members."""
    per_member = form.get("per_member") == "on"
    target = amount(form, "target")
    if per_member and target is not None:
        target /= HUNDRED
    return CriterionInput(
        name=forms.text(form, "name", limit=300),
        kind=choice(form, "kind", Kind),
        points=amount(form, "points") or Decimal(0),
        reporter=choice(form, "reporter", Reporter),
        frequency=choice(form, "frequency", Frequency),
        measure=forms.text(form, "measure", limit=100),
        target=target,
        per_member=per_member,
        lower_is_better=form.get("lower_is_better") == "on",
        evidence=form.get("evidence") == "on",
    )


def typed_target(row: EmulationCriterion) -> str:
    """The target as the form shows it (per 100 members for a count per member)."""
    if row.target is None:
        return ""
    return plain(row.target * HUNDRED if row.per_member else row.target)


def load(s: Session, me: Me, campaign_id: int) -> CriteriaPage:
    campaign, rows = service.of_campaign(s, actor=me.actor, campaign_id=campaign_id)
    return CriteriaPage(campaign, rows, service.most_points(rows))


async def show(visit: Visit, me: Me, campaign_id: int, refused: Refused | None = None) -> Response:
    data = await visit.db(lambda s: load(s, me, campaign_id))
    return visit.render(
        "criteria.html",
        status=refused.status if refused else 200,
        page=data,
        texts=texts,
        plain=plain,
        typed_target=typed_target,
        templates=TEMPLATES,
        kinds=texts.KIND_LABELS,
        reporters=texts.REPORTER_LABELS,
        frequencies=texts.FREQUENCY_LABELS,
        error=refused.message if refused else None,
        done=visit.request.query_params.get("done"),
    )


def back(visit: Visit, campaign_id: int, done: str) -> Response:
    return visit.redirect(f"{PREFIX}/campaigns/{campaign_id}/criteria?done={done}")


@router.get("/campaigns/{campaign_id}/criteria")
async def criteria(campaign_id: int, visit: OfficerVisit, me: CurrentMe) -> Response:
    return await show(visit, me, campaign_id)


@router.post("/campaigns/{campaign_id}/criteria")
async def add(campaign_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm) -> Response:
    now = visit.now
    made = await visit.attempt(
        lambda s: service.add(
            s, actor=me.actor, campaign_id=campaign_id, data=criterion_input(form), now=now
        )
    )
    if isinstance(made, Refused):
        return await show(visit, me, campaign_id, made)
    return back(visit, campaign_id, "added")


@router.post("/campaigns/{campaign_id}/criteria/template")
async def from_template(
    campaign_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm
) -> Response:
    now, t, key = visit.now, visit.t, forms.text(form, "template", limit=40)
    made = await visit.attempt(
        lambda s: service.from_template(
            s, actor=me.actor, campaign_id=campaign_id, key=key, t=t, now=now
        )
    )
    if isinstance(made, Refused):
        return await show(visit, me, campaign_id, made)
    return back(visit, campaign_id, "template")


@router.post("/criteria/{criterion_id}")
async def edit(criterion_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm) -> Response:
    now = visit.now
    campaign_id = await visit.db(
        lambda s: service.criterion_of(s, actor=me.actor, criterion_id=criterion_id).campaign_id
    )
    saved = await visit.attempt(
        lambda s: service.edit(
            s, actor=me.actor, criterion_id=criterion_id, data=criterion_input(form), now=now
        )
    )
    if isinstance(saved, Refused):
        return await show(visit, me, campaign_id, saved)
    return back(visit, campaign_id, "saved")


@router.post("/criteria/{criterion_id}/remove")
async def remove(
    criterion_id: int, visit: OfficerVisit, me: CurrentMe, _form: PostedForm
) -> Response:
    now = visit.now
    campaign_id = await visit.db(
        lambda s: service.criterion_of(s, actor=me.actor, criterion_id=criterion_id).campaign_id
    )
    removed = await visit.attempt(
        lambda s: service.remove(s, actor=me.actor, criterion_id=criterion_id, now=now)
    )
    if isinstance(removed, Refused):
        return await show(visit, me, campaign_id, removed)
    return back(visit, campaign_id, "removed")
