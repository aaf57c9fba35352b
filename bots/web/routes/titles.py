"""Titles and commendation forms on the desk (issue #17): a union level's definitions with
their thresholds (added, taken from the standard set, edited, removed by its officers); and a
closed campaign's proposals: running thidua's proposals, amending them with a reason (remove,
change the title, add someone), confirming the list once, and the council's XLSX."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import FormData

from bots.web import forms
from bots.web.context import PREFIX, Me, Refused, Visit, WebProblem
from bots.web.deps import CurrentMe, OfficerVisit, PostedForm, WebSettings
from bots.web.routes.emulation import amount, choice
from bots.web.unitpicker import within
from core.campaigns import service as campaigns
from core.campaigns.models import Campaign, CampaignStatus
from core.emulation import title_defs, title_export, title_proposals, title_results, title_texts
from core.emulation.reporting import grassroots_units
from core.emulation.title_defaults import (
    FORM_LABELS,
    LEVEL_LABELS,
    SUBJECT_LABELS,
    Form,
    Level,
    Subject,
    form_label,
    level_label,
    level_of,
    subject_label,
)
from core.emulation.title_models import TitleDefinition
from core.emulation.titles import TITLE_LABELS, Title, title_label
from core.members.labels import name_of
from core.members.models import Member, UnionUnit

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLEDGED = (Title.GOOD_WORKER, Title.FIGHTER)


@dataclass(frozen=True)
class DefinitionsPage:
    unit: UnionUnit
    definitions: list[TitleDefinition]


def _labels() -> dict[str, object]:
    return {
        "subjects": SUBJECT_LABELS,
        "forms": FORM_LABELS,
        "levels": LEVEL_LABELS,
        "pledges": {k: TITLE_LABELS[k] for k in PLEDGED},
        "subject_label": subject_label,
        "form_label": form_label,
        "level_label": level_label,
        "title_label": title_label,
        "thresholds": title_texts.thresholds,
    }


async def show_definitions(
    visit: Visit, me: Me, unit_id: int, refused: Refused | None = None
) -> Response:
    def load(s: Session) -> DefinitionsPage:
        unit, rows = title_defs.of_unit(s, actor=me.actor, unit_id=unit_id)
        return DefinitionsPage(unit, rows)

    data = await visit.db(load)
    return visit.render(
        "titles.html",
        status=refused.status if refused else 200,
        page=data,
        level_here=level_of(data.unit.kind).value,
        error=refused.message if refused else None,
        done=visit.request.query_params.get("done"),
        **_labels(),
    )


@router.get("/units/{unit_id}/titles")
async def definitions(unit_id: int, visit: OfficerVisit, me: CurrentMe) -> Response:
    return await show_definitions(visit, me, unit_id)


def definition_input(form: FormData) -> title_defs.DefinitionInput:
    raw_rank = forms.text(form, "max_rank", limit=10).strip()
    if raw_rank and not raw_rank.isdigit():
        raise WebProblem(422, "title_rank")
    pledge = forms.text(form, "pledge_title", limit=24).strip()
    return title_defs.DefinitionInput(
        name=forms.text(form, "name", limit=title_defs.NAME_MAX),
        subject=choice(form, "subject", Subject),
        form=choice(form, "form", Form),
        level=choice(form, "level", Level),
        min_score=amount(form, "min_score"),
        min_share=amount(form, "min_share"),
        all_targets=form.get("all_targets") == "on",
        max_rank=int(raw_rank) if raw_rank else None,
        pledge_title=Title(pledge) if pledge in {t.value for t in PLEDGED} else None,
    )


@router.post("/units/{unit_id}/titles")
async def add_definition(
    unit_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm
) -> Response:
    now = visit.now
    done = await visit.attempt(
        lambda s: title_defs.add(
            s, actor=me.actor, unit_id=unit_id, data=definition_input(form), now=now
        )
    )
    if isinstance(done, Refused):
        return await show_definitions(visit, me, unit_id, done)
    return visit.redirect(f"{PREFIX}/units/{unit_id}/titles?done=added")


@router.post("/units/{unit_id}/titles/standard")
async def take_standard(
    unit_id: int, visit: OfficerVisit, me: CurrentMe, _form: PostedForm
) -> Response:
    now, t = visit.now, visit.t
    done = await visit.attempt(
        lambda s: title_defs.take_standard(s, actor=me.actor, unit_id=unit_id, t=t, now=now)
    )
    if isinstance(done, Refused):
        return await show_definitions(visit, me, unit_id, done)
    return visit.redirect(f"{PREFIX}/units/{unit_id}/titles?done=standard")


@router.post("/units/{unit_id}/titles/{title_id}")
async def edit_definition(
    unit_id: int, title_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm
) -> Response:
    now = visit.now
    done = await visit.attempt(
        lambda s: title_defs.edit(
            s, actor=me.actor, title_id=title_id, data=definition_input(form), now=now
        )
    )
    if isinstance(done, Refused):
        return await show_definitions(visit, me, unit_id, done)
    return visit.redirect(f"{PREFIX}/units/{unit_id}/titles?done=saved")


@router.post("/units/{unit_id}/titles/{title_id}/remove")
async def remove_definition(
    unit_id: int, title_id: int, visit: OfficerVisit, me: CurrentMe, _form: PostedForm
) -> Response:
    now = visit.now
    await visit.db(lambda s: title_defs.retire(s, actor=me.actor, title_id=title_id, now=now))
    return visit.redirect(f"{PREFIX}/units/{unit_id}/titles?done=removed")


# --- a campaign's proposals -------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalsPage:
    board: title_proposals.Board
    people: list[Member]  # whom an officer may add: who reported or pledged
    unions: list[UnionUnit]  # the campaign's grassroots unions in scope
    levels: list[UnionUnit]  # the campaign's unit and those above it in scope (definitions)
    names: dict[int, str]  # who amended, by member id


def load_proposals(s: Session, me: Me, campaign_id: int, timezone: str, t) -> ProposalsPage:  # type: ignore[no-untyped-def]
    board = title_proposals.board(s, actor=me.actor, campaign_id=campaign_id)
    campaign = board.campaign
    people: list[Member] = []
    if campaign.status == CampaignStatus.CLOSED and not board.confirmed:
        last = title_results.cutoff(campaign, timezone)
        people = [r.member for r in title_results.people(s, campaign, last) if r.member]
    home = s.get(UnionUnit, campaign.unit_id)
    chain = title_defs.chain(s, home) if home else []
    names = {
        who.id: name_of(t, who)
        for line in board.lines
        for _change, who in line.changes
        if who is not None
    }
    return ProposalsPage(
        board,
        sorted(people, key=lambda m: m.full_name or ""),
        [u for u in grassroots_units(s, campaign) if within(me, u)],
        [u for u in chain if within(me, u)],
        names,  # type: ignore[arg-type]
    )


async def show_proposals(
    visit: Visit, me: Me, campaign_id: int, timezone: str, refused: Refused | None = None
) -> Response:
    t = visit.t
    data = await visit.db(lambda s: load_proposals(s, me, campaign_id, timezone, t))
    return visit.render(
        "title_proposals.html",
        status=refused.status if refused else 200,
        page=data,
        b=data.board,
        c=data.board.campaign,
        nobody=title_texts.nobody,
        change_line=title_texts.change_line,
        name_of=name_of,
        percent=title_texts.percent,
        error=refused.message if refused else None,
        done=visit.request.query_params.get("done"),
        **_labels(),
    )


@router.get("/campaigns/{campaign_id}/titles")
async def proposals(
    campaign_id: int, visit: OfficerVisit, me: CurrentMe, settings: WebSettings
) -> Response:
    return await show_proposals(visit, me, campaign_id, settings.timezone)


async def _act(visit: Visit, me: Me, campaign_id: int, timezone: str, work, done: str) -> Response:  # type: ignore[no-untyped-def]
    result = await visit.attempt(work)
    if isinstance(result, Refused):
        return await show_proposals(visit, me, campaign_id, timezone, result)
    return visit.redirect(f"{PREFIX}/campaigns/{campaign_id}/titles?done={done}")


@router.post("/campaigns/{campaign_id}/titles/propose")
async def propose(
    campaign_id: int, visit: OfficerVisit, me: CurrentMe, _form: PostedForm, settings: WebSettings
) -> Response:
    now, t, tz = visit.now, visit.web.translator(None), settings.timezone  # the union's language
    return await _act(
        visit,
        me,
        campaign_id,
        tz,
        lambda s: title_proposals.propose_titles(
            s, campaign_id, now, t=t, timezone=tz, actor=me.actor
        ),
        "proposed",
    )


@router.post("/campaigns/{campaign_id}/titles/add")
async def add(
    campaign_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm, settings: WebSettings
) -> Response:
    now = visit.now

    def work(s: Session) -> None:
        who = forms.text(form, "candidate", limit=20)
        kind, _, number = who.partition(":")
        if kind not in ("m", "u") or not number.isdigit():
            raise WebProblem(422, "bad_choice")
        title_proposals.add(
            s,
            actor=me.actor,
            campaign_id=campaign_id,
            title_id=forms.integer(form, "title"),
            reason=forms.text(form, "reason", limit=title_proposals.REASON_MAX),
            now=now,
            member_id=int(number) if kind == "m" else None,
            unit_id=int(number) if kind == "u" else None,
        )

    return await _act(visit, me, campaign_id, settings.timezone, work, "added")


@router.post("/campaigns/{campaign_id}/titles/{proposal_id}/remove")
async def remove(
    campaign_id: int,
    proposal_id: int,
    visit: OfficerVisit,
    me: CurrentMe,
    form: PostedForm,
    settings: WebSettings,
) -> Response:
    now = visit.now
    return await _act(
        visit,
        me,
        campaign_id,
        settings.timezone,
        lambda s: title_proposals.remove(
            s,
            actor=me.actor,
            proposal_id=proposal_id,
            reason=forms.text(form, "reason", limit=title_proposals.REASON_MAX),
            now=now,
        ),
        "removed",
    )


@router.post("/campaigns/{campaign_id}/titles/{proposal_id}/change")
async def change(
    campaign_id: int,
    proposal_id: int,
    visit: OfficerVisit,
    me: CurrentMe,
    form: PostedForm,
    settings: WebSettings,
) -> Response:
    now = visit.now
    return await _act(
        visit,
        me,
        campaign_id,
        settings.timezone,
        lambda s: title_proposals.change(
            s,
            actor=me.actor,
            proposal_id=proposal_id,
            title_id=forms.integer(form, "title"),
            reason=forms.text(form, "reason", limit=title_proposals.REASON_MAX),
            now=now,
        ),
        "changed",
    )


@router.post("/campaigns/{campaign_id}/titles/confirm")
async def confirm(
    campaign_id: int, visit: OfficerVisit, me: CurrentMe, _form: PostedForm, settings: WebSettings
) -> Response:
    now, t = visit.now, visit.web.translator(None)  # the commendations in the union's language
    return await _act(
        visit,
        me,
        campaign_id,
        settings.timezone,
        lambda s: title_proposals.confirm(
            s, actor=me.actor, campaign_id=campaign_id, now=now, t=t, teller=visit.web.notifier
        ),
        "confirmed",
    )


@router.get("/campaigns/{campaign_id}/titles.xlsx")
async def council_file(campaign_id: int, visit: OfficerVisit, me: CurrentMe) -> Response:
    t = visit.t

    def build(s: Session) -> tuple[Campaign, bytes]:
        campaign = campaigns.get(s, actor=me.actor, campaign_id=campaign_id)
        return campaign, title_export.workbook(s, actor=me.actor, campaign_id=campaign_id, t=t)

    _campaign, body = await visit.db(build)
    return visit.finish(
        Response(
            body,
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="danh-hieu-{campaign_id}.xlsx"'},
        )
    )
