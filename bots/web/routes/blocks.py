"""A campaign's emulation blocks on the desk: the blocks that rank its units (its own and
those for its year, owned by units in the officer's scope), making one, removing one."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from bots.web import forms
from bots.web.context import PREFIX, Me, Refused, Visit, WebProblem
from bots.web.deps import CurrentMe, OfficerVisit, PostedForm, WebSettings
from bots.web.routes.emulation import choice
from bots.web.routes.evaluation import show as show_evaluation
from bots.web.unitpicker import within
from core.campaigns import service as campaigns
from core.campaigns.models import Campaign
from core.emulation import block_texts, blocks
from core.emulation.block_models import BlockKind, EmulationBlock
from core.emulation.reporting import grassroots_units
from core.members.models import UnionUnit, UnitKind

router = APIRouter()
LOWEST = (UnitKind.GRASSROOTS_UNION, UnitKind.UNION_DIVISION, UnitKind.UNION_GROUP)


@dataclass(frozen=True)
class BlocksPage:
    campaign: Campaign
    blocks: list[tuple[EmulationBlock, list[UnionUnit]]]
    owners: list[UnionUnit]  # the upper-level unions in scope that may make a block
    units: list[UnionUnit]  # the campaign's grassroots unions in scope


def load(s: Session, me: Me, campaign_id: int) -> BlocksPage:
    campaign = campaigns.get(s, actor=me.actor, campaign_id=campaign_id)
    owners = s.exec(
        select(UnionUnit)
        .where(
            me.actor.unit_filter(s),
            col(UnionUnit.kind).not_in(list(LOWEST)),
            col(UnionUnit.closed_at).is_(None),
        )
        .order_by(col(UnionUnit.path))
    )
    return BlocksPage(
        campaign,
        [(b, blocks.units_of(s, b)) for b in blocks.of_campaign(s, me.actor, campaign)],
        list(owners),
        [u for u in grassroots_units(s, campaign) if within(me, u)],
    )


async def show(visit: Visit, me: Me, campaign_id: int, refused: Refused | None = None) -> Response:
    data = await visit.db(lambda s: load(s, me, campaign_id))
    return visit.render(
        "blocks.html",
        status=refused.status if refused else 200,
        page=data,
        kinds=block_texts.KIND_LABELS,
        kind_label=block_texts.kind_label,
        error=refused.message if refused else None,
        done=visit.request.query_params.get("done"),
    )


@router.get("/campaigns/{campaign_id}/blocks")
async def blocks_page(campaign_id: int, visit: OfficerVisit, me: CurrentMe) -> Response:
    return await show(visit, me, campaign_id)


def block_input(form: FormData, campaign: Campaign) -> blocks.BlockInput:
    units = [int(v) for v in form.getlist("units") if isinstance(v, str) and v.isdigit()]
    whole_year = form.get("whole_year") == "on"
    return blocks.BlockInput(
        owner_unit_id=forms.integer(form, "owner"),
        name=forms.text(form, "name", limit=blocks.NAME_MAX),
        kind=choice(form, "kind", BlockKind),
        campaign_id=None if whole_year else campaign.id,
        year=campaign.starts_on.year if whole_year else None,
        unit_ids=units,
    )


@router.post("/campaigns/{campaign_id}/blocks")
async def create(
    campaign_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm
) -> Response:
    now = visit.now

    def work(s: Session) -> int:
        campaign = campaigns.get(s, actor=me.actor, campaign_id=campaign_id)
        made = blocks.create(s, actor=me.actor, data=block_input(form, campaign), now=now)
        return made.id  # type: ignore[return-value]

    made = await visit.attempt(work)
    if isinstance(made, Refused):
        return await show(visit, me, campaign_id, made)
    return visit.redirect(f"{PREFIX}/campaigns/{campaign_id}/blocks/{made}?done=created")


@router.post("/campaigns/{campaign_id}/blocks/{block_id}/remove")
async def remove(
    campaign_id: int, block_id: int, visit: OfficerVisit, me: CurrentMe, _form: PostedForm
) -> Response:
    gone = await visit.attempt(lambda s: blocks.delete(s, actor=me.actor, block_id=block_id))
    if isinstance(gone, Refused):
        raise WebProblem(gone.status, "not_found")
    return visit.redirect(f"{PREFIX}/campaigns/{campaign_id}/blocks?done=removed")


@router.post("/campaigns/{campaign_id}/blocks/{block_id}/units")
async def add_unit(
    campaign_id: int,
    block_id: int,
    visit: OfficerVisit,
    me: CurrentMe,
    form: PostedForm,
    settings: WebSettings,
) -> Response:
    def work(s: Session) -> None:
        unit_id = forms.integer(form, "unit")
        blocks.add_unit(s, actor=me.actor, block_id=block_id, unit_id=unit_id)

    done = await visit.attempt(work)
    if isinstance(done, Refused):
        return await show_evaluation(
            visit, me, (campaign_id, block_id), settings.timezone, None, done
        )
    return visit.redirect(f"{PREFIX}/campaigns/{campaign_id}/blocks/{block_id}?done=unit_added")


@router.post("/campaigns/{campaign_id}/blocks/{block_id}/units/{unit_id}/remove")
async def remove_unit(
    campaign_id: int,
    block_id: int,
    unit_id: int,
    visit: OfficerVisit,
    me: CurrentMe,
    _form: PostedForm,
) -> Response:
    await visit.db(
        lambda s: blocks.remove_unit(s, actor=me.actor, block_id=block_id, unit_id=unit_id)
    )
    where = f"{PREFIX}/campaigns/{campaign_id}/blocks/{block_id}"
    return visit.redirect(f"{where}?done=unit_removed")
