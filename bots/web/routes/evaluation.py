"""A block's evaluation page on the desk: for one period of a campaign, the block's units
ranked, each union's figures (its own, the evaluator's where adjusted, the history) and
points; evaluators of the owning union verify or adjust a figure with a reason; the ranking
downloads as CSV (bots/spreadsheets.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from bots.web import forms
from bots.web.context import PREFIX, Me, Refused, Visit, WebProblem
from bots.web.deps import CurrentMe, OfficerVisit, PostedForm, WebSettings, Words
from bots.web.downloads import FORMATS, table_file
from bots.web.routes.emulation import amount
from bots.web.unitpicker import within
from core.emulation import block_ranking, block_texts, blocks, evaluation
from core.emulation.numbers import plain
from core.emulation.pledges import local_today
from core.emulation.report_texts import period_label
from core.emulation.reporting import grassroots_units
from core.errors import Forbidden
from core.i18n import Translator
from core.members.labels import name_of
from core.members.models import Member, UnionUnit

router = APIRouter()


@dataclass(frozen=True)
class EvaluationPage:
    ranking: block_ranking.Ranking
    owner: UnionUnit
    periods: list[date]
    evaluator: bool
    names: dict[int, str]  # evaluator member id -> name
    members: list[UnionUnit]  # the block's units
    addable: list[UnionUnit]  # the campaign's grassroots unions in scope not in it yet
    may_change: bool  # the block's owner is in the officer's scope (else: read only)


def load(s: Session, me: Me, t: Translator, ids: tuple[int, int], day: date) -> EvaluationPage:
    campaign_id, block_id = ids
    block = blocks.readable(s, me.actor, block_id)
    campaign = block_ranking.campaign_for(s, me.actor, block, campaign_id)
    found = block_ranking.ranking(s, block, campaign, day)
    who = {e.evaluated_by for row in found.rows for c in row.cells for e in c.history}
    people = s.exec(select(Member).where(col(Member.id).in_(who))).all()
    held = blocks.units_of(s, block)
    taken = {u.id for u in held}
    return EvaluationPage(
        found,
        s.get(UnionUnit, block.owner_unit_id),  # type: ignore[arg-type]
        block_ranking.due_dates(s, campaign),
        evaluation.is_evaluator(s, me.actor, block),
        {p.id: name_of(t, p) for p in people},  # type: ignore[misc]
        held,
        [u for u in grassroots_units(s, campaign) if within(me, u) and u.id not in taken],
        blocks.may_change(s, me.actor, block),
    )


def _asked(visit: Visit) -> date | None:
    raw = visit.request.query_params.get("due", "")
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


async def page_of(
    visit: Visit, me: Me, ids: tuple[int, int], timezone: str, asked: date | None
) -> EvaluationPage:
    today, t = local_today(visit.now, timezone), visit.t

    def work(s: Session) -> EvaluationPage:
        block = blocks.readable(s, me.actor, ids[1])
        campaign = block_ranking.campaign_for(s, me.actor, block, ids[0])
        return load(s, me, t, ids, block_ranking.chosen_due(s, campaign, today, asked))

    return await visit.db(work)


async def show(
    visit: Visit,
    me: Me,
    ids: tuple[int, int],
    timezone: str,
    asked: date | None = None,
    refused: Refused | None = None,
    posted: FormData | None = None,
) -> Response:
    data = await page_of(visit, me, ids, timezone, asked or _asked(visit))
    return visit.render(
        "evaluation.html",
        status=refused.status if refused else 200,
        page=data,
        plain=plain,
        period_label=period_label,
        kind_label=block_texts.kind_label,
        error=refused.message if refused else None,
        done=visit.request.query_params.get("done"),
        posted=_kept(posted),
    )


def _kept(form: FormData | None) -> dict[str, str]:
    """What a refused form carried, typed again into the same form on the page."""
    if form is None:
        return {}
    names = ("unit", "criterion", "value", "reason")
    return {name: forms.text(form, name, limit=evaluation.REASON_MAX) for name in names}


@router.get("/campaigns/{campaign_id}/blocks/{block_id}")
async def evaluation_page(
    campaign_id: int, block_id: int, visit: OfficerVisit, me: CurrentMe, settings: WebSettings
) -> Response:
    return await show(visit, me, (campaign_id, block_id), settings.timezone)


def evaluation_input(form: FormData, campaign_id: int) -> evaluation.EvaluationInput:
    due = forms.day(form, "due")
    value = amount(form, "value")
    if due is None:
        raise WebProblem(422, "bad_date")
    if value is None:
        raise WebProblem(422, "bad_amount")
    return evaluation.EvaluationInput(
        campaign_id=campaign_id,
        due_on=due,
        unit_id=forms.integer(form, "unit"),
        criterion_id=forms.integer(form, "criterion"),
        value=value,
        reason=forms.text(form, "reason", limit=evaluation.REASON_MAX),
        version=forms.integer(form, "version"),
    )


@router.post("/campaigns/{campaign_id}/blocks/{block_id}/evaluate")
async def evaluate(
    campaign_id: int,
    block_id: int,
    visit: OfficerVisit,
    me: CurrentMe,
    form: PostedForm,
    settings: WebSettings,
) -> Response:
    now = visit.now

    def work(s: Session) -> date:
        data = evaluation_input(form, campaign_id)
        try:
            evaluation.evaluate(s, actor=me.actor, block_id=block_id, data=data, now=now)
        except Forbidden as err:  # in scope, but no evaluator of this block: say so
            if err.code != "not_block_evaluator":
                raise
            raise WebProblem(403, err) from err
        return data.due_on

    saved = await visit.attempt(work)
    if isinstance(saved, Refused):
        return await show(
            visit, me, (campaign_id, block_id), settings.timezone, _day(form), saved, form
        )
    where = f"{PREFIX}/campaigns/{campaign_id}/blocks/{block_id}"
    return visit.redirect(f"{where}?due={saved.isoformat()}&done=saved")


def _day(form: FormData) -> date | None:
    """The period the refused form was about, so the page shows it again."""
    try:
        return forms.day(form, "due")
    except WebProblem:
        return None


def ranking_rows(
    t: Translator, found: block_ranking.Ranking
) -> tuple[list[str], list[list[object]]]:
    header = [t.gettext("Rank"), t.gettext("Union unit"), t.gettext("Members counted")]
    for due in found.dues:
        name = due.criterion.name
        header += [
            t.gettext("{criterion}: self-assessed", criterion=name),
            t.gettext("{criterion}: in force", criterion=name),
            t.gettext("{criterion}: points", criterion=name),
        ]
    header.append(t.gettext("Total points"))
    rows: list[list[object]] = []
    for row in found.rows:
        line: list[object] = [row.rank, row.unit.name, row.members or ""]
        for c in row.cells:
            line += [_blank(c.self_value), _blank(c.value), c.points]
        rows.append([*line, row.total])
    return header, rows


def _blank(value: object) -> object:
    return "" if value is None else value


@router.get("/campaigns/{campaign_id}/blocks/{block_id}/ranking.{fmt}")
async def ranking_file(
    campaign_id: int,
    block_id: int,
    fmt: str,
    visit: OfficerVisit,
    me: CurrentMe,
    settings: WebSettings,
    t: Words,
) -> Response:
    """The ranking as an Excel workbook (ranking.xlsx) or a CSV for the officer's locale."""
    if fmt not in FORMATS:
        raise WebProblem(404, "not_found")
    data = await page_of(visit, me, (campaign_id, block_id), settings.timezone, _asked(visit))
    header, rows = ranking_rows(t, data.ranking)
    name = f"block-{block_id}-{data.ranking.due_on.isoformat()}"
    return visit.finish(table_file(header, rows, name=name, fmt=fmt, locale=t.locale))
