"""Admin API: emulation blocks (cụm, khối thi đua) of the units in the caller's scope, their
units, and each block's evaluation for a campaign's period: the figures in force (the union's
own, an evaluator's where adjusted, with the history), the points and the ranking; evaluators
of the upper-level union that owns the block verify or adjust a figure with a reason.
Figures travel as decimal strings ("12.5"), never as floats."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from bots.api.deps import ApiDep, Caller
from core.campaigns import service as campaigns
from core.emulation import block_ranking, blocks, evaluation
from core.emulation.block_models import BlockKind, EmulationBlock, Evaluation
from core.emulation.pledges import local_today

router = APIRouter(prefix="/api/v1", tags=["emulation"])


class BlockIn(BaseModel):
    owner_unit_id: int = Field(description="the upper-level union that makes and evaluates it")
    name: str = Field(min_length=1, max_length=200)
    kind: BlockKind
    campaign_id: int | None = Field(default=None, description="a block for one campaign")
    year: int | None = Field(default=None, description="or a block for a whole year")
    unit_ids: list[int] = Field(default_factory=list, description="grassroots unions below")


class BlockOut(BaseModel):
    id: int
    owner_unit_id: int
    name: str
    kind: str
    campaign_id: int | None
    year: int | None
    unit_ids: list[int]


class UnitIn(BaseModel):
    unit_id: int


class EvaluationIn(BaseModel):
    campaign_id: int
    due_on: date = Field(description="the last day of the period evaluated")
    unit_id: int
    criterion_id: int
    value: Decimal = Field(description="the figure (yes/no: 1 or 0; a score: the points)")
    reason: str = Field(default="", max_length=500, description="needed to change a figure")
    version: int = Field(description="the cell's `version` as last read (0: never evaluated)")


class EvaluationOut(BaseModel):
    id: int
    value: Decimal
    self_value: Decimal | None = Field(description="the union's own figure at the time")
    reason: str
    evaluated_by: int
    evaluated_at: datetime


class CellOut(BaseModel):
    criterion_id: int
    period: str
    self_value: Decimal | None = Field(description="the union's own figure in force")
    value: Decimal | None = Field(description="what is scored: the evaluator's, else the own")
    points: Decimal
    version: int = Field(description="send it back with an evaluation (optimistic check)")
    history: list[EvaluationOut]


class StandingOut(BaseModel):
    unit_id: int
    name: str
    rank: int
    total: Decimal
    members: int | None = Field(description="what per-member criteria are divided by")
    basis: str | None = Field(description="roster, declared or joined")
    cells: list[CellOut]


class RankingOut(BaseModel):
    block_id: int
    campaign_id: int
    due_on: date
    periods: list[date]
    evaluator: bool = Field(description="whether the caller may evaluate in this block")
    standings: list[StandingOut]


def block_out(s: Session, block: EmulationBlock) -> BlockOut:
    return BlockOut(
        id=block.id,  # type: ignore[arg-type]
        owner_unit_id=block.owner_unit_id,
        name=block.name,
        kind=block.kind,
        campaign_id=block.campaign_id,
        year=block.year,
        unit_ids=[u.id for u in blocks.units_of(s, block)],  # type: ignore[misc]
    )


def evaluation_out(row: Evaluation) -> EvaluationOut:
    return EvaluationOut(**row.model_dump(include=set(EvaluationOut.model_fields)))


def ranking_out(s: Session, found: block_ranking.Ranking, evaluator: bool) -> RankingOut:
    standings = [
        StandingOut(
            unit_id=row.unit.id,  # type: ignore[arg-type]
            name=row.unit.name,
            rank=row.rank,
            total=row.total,
            members=row.members,
            basis=row.basis.value if row.basis else None,
            cells=[
                CellOut(
                    criterion_id=c.due.criterion.id,  # type: ignore[arg-type]
                    period=c.due.period.key,
                    self_value=c.self_value,
                    value=c.value,
                    points=c.points,
                    version=c.version,
                    history=[evaluation_out(e) for e in c.history],
                )
                for c in row.cells
            ],
        )
        for row in found.rows
    ]
    return RankingOut(
        block_id=found.block.id,  # type: ignore[arg-type]
        campaign_id=found.campaign.id,  # type: ignore[arg-type]
        due_on=found.due_on,
        periods=block_ranking.due_dates(s, found.campaign),
        evaluator=evaluator,
        standings=standings,
    )


@router.get("/campaigns/{campaign_id}/blocks", response_model=list[BlockOut])
async def campaign_blocks(campaign_id: int, api: ApiDep, who: Caller) -> list[BlockOut]:
    """The blocks ranking the campaign's units (its own and those for its year) in scope."""

    def work(s: Session) -> list[BlockOut]:
        campaign = campaigns.get(s, actor=who, campaign_id=campaign_id)
        return [block_out(s, b) for b in blocks.of_campaign(s, who, campaign)]

    return await api.run(work)


@router.post("/blocks", response_model=BlockOut, status_code=201)
async def create_block(body: BlockIn, api: ApiDep, who: Caller) -> BlockOut:
    """A block of grassroots unions below `owner_unit_id`, each in one block per campaign."""
    data = blocks.BlockInput(**body.model_dump())
    now = api.now()
    return await api.run(lambda s: block_out(s, blocks.create(s, actor=who, data=data, now=now)))


@router.get("/blocks/{block_id}", response_model=BlockOut)
async def get_block(block_id: int, api: ApiDep, who: Caller) -> BlockOut:
    return await api.run(lambda s: block_out(s, blocks.readable(s, who, block_id)))


@router.delete("/blocks/{block_id}", status_code=204)
async def delete_block(block_id: int, api: ApiDep, who: Caller) -> Response:
    await api.run(lambda s: blocks.delete(s, actor=who, block_id=block_id))
    return Response(status_code=204)


@router.post("/blocks/{block_id}/units", response_model=BlockOut)
async def add_unit(block_id: int, body: UnitIn, api: ApiDep, who: Caller) -> BlockOut:
    def work(s: Session) -> BlockOut:
        blocks.add_unit(s, actor=who, block_id=block_id, unit_id=body.unit_id)
        return block_out(s, blocks.visible(s, who, block_id))

    return await api.run(work)


@router.delete("/blocks/{block_id}/units/{unit_id}", status_code=204)
async def remove_unit(block_id: int, unit_id: int, api: ApiDep, who: Caller) -> Response:
    await api.run(lambda s: blocks.remove_unit(s, actor=who, block_id=block_id, unit_id=unit_id))
    return Response(status_code=204)


@router.get("/blocks/{block_id}/ranking", response_model=RankingOut)
async def block_ranking_of(
    block_id: int, campaign_id: int, api: ApiDep, who: Caller, due_on: date | None = None
) -> RankingOut:
    """The block's units ranked for the campaign's period ending on `due_on` (by default the
    latest opened), with each figure in force, its points and its evaluations."""
    today = local_today(api.now(), api.settings.timezone)

    def work(s: Session) -> RankingOut:
        block = blocks.readable(s, who, block_id)
        campaign = block_ranking.campaign_for(s, who, block, campaign_id)
        chosen = block_ranking.chosen_due(s, campaign, today, due_on)
        found = block_ranking.ranking(s, block, campaign, chosen)
        return ranking_out(s, found, evaluation.is_evaluator(s, who, block))

    return await api.run(work)


@router.post("/blocks/{block_id}/evaluations", response_model=EvaluationOut, status_code=201)
async def evaluate(block_id: int, body: EvaluationIn, api: ApiDep, who: Caller) -> EvaluationOut:
    """Verify or adjust a unit's figure (403 for anyone but the owner union's officers; 409
    `evaluation_changed` when another evaluator saved it since `version` was read)."""
    data = evaluation.EvaluationInput(**body.model_dump())
    now = api.now()
    return await api.run(
        lambda s: evaluation_out(
            evaluation.evaluate(s, actor=who, block_id=block_id, data=data, now=now)
        )
    )
