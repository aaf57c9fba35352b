"""What awaits an evaluator of the level above (issue #17): the blocks they evaluate in (those
owned by a union they are an officer of), the running campaigns each block ranks, the periods
opened so far, and per unit the cells still to evaluate: the points of a criterion the level
above scores not given yet, and the figures a grassroots union reported not verified yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, or_, select

from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.scope import Actor
from core.emulation import block_ranking
from core.emulation.block_models import BlockUnit, EmulationBlock
from core.emulation.periods import periods
from core.emulation.reporting import grassroots_units
from core.emulation.templates import Frequency, Reporter
from core.members.models import OfficerRole, UnionUnit


@dataclass(frozen=True)
class UnitWaiting:
    unit: UnionUnit
    scores: int  # criteria scored by the level above with no points yet
    figures: int  # figures the union reported, not verified yet

    @property
    def total(self) -> int:
        return self.scores + self.figures


@dataclass(frozen=True)
class Waiting:
    block: EmulationBlock
    campaign: Campaign
    due_on: date
    period: str  # the key of the period of its first criterion ("2026-11")
    units: list[UnitWaiting]


def evaluator_blocks(session: Session, member_id: int) -> list[EmulationBlock]:
    """The blocks owned by a union the person is an officer of (where they evaluate)."""
    held = select(OfficerRole.unit_id).where(OfficerRole.member_id == member_id)
    return list(
        session.exec(
            select(EmulationBlock)
            .where(col(EmulationBlock.owner_unit_id).in_(held))
            .order_by(col(EmulationBlock.name), col(EmulationBlock.id))
        )
    )


def campaigns_of(session: Session, block: EmulationBlock) -> list[Campaign]:
    """The running campaigns the block ranks: its own, or those of its year that cover one of
    its units."""
    running = select(Campaign).where(Campaign.status == CampaignStatus.RUNNING)
    if block.campaign_id is not None:
        return list(session.exec(running.where(Campaign.id == block.campaign_id)))
    held = set(session.exec(select(BlockUnit.unit_id).where(BlockUnit.block_id == block.id)))
    found = []
    for campaign in session.exec(running.order_by(col(Campaign.id))):
        if campaign.starts_on.year != block.year:
            continue
        if held & {u.id for u in grassroots_units(session, campaign)}:
            found.append(campaign)
    return found


def opened(session: Session, campaign: Campaign, today: date, *, scored_only: bool) -> list[date]:
    """The ends of the campaign's periods that have opened by `today`, latest first (only the
    periods of criteria the level above scores, with `scored_only`)."""
    wanted = (Reporter.EVALUATOR,) if scored_only else block_ranking.UNIT_REPORTERS
    frequencies = {
        Frequency(c.frequency)
        for c in block_ranking.unit_criteria(session, campaign)
        if c.reporter in wanted
    }
    ends = {
        p.end
        for f in frequencies
        for p in periods(f, campaign.starts_on, campaign.ends_on)
        if p.opens <= today
    }
    return sorted(ends, reverse=True)


def awaits(cell: block_ranking.Cell) -> bool:
    if cell.evaluation is not None:
        return False
    if cell.due.criterion.reporter == Reporter.EVALUATOR:
        return True
    return cell.report is not None


def walk(
    session: Session, block: EmulationBlock, campaign: Campaign, due_on: date, unit_id: int
) -> list[block_ranking.Cell]:
    """A unit's cells awaiting evaluation for the period: the points to give first, then the
    figures to verify."""
    cells = [
        block_ranking.cell(session, due, unit_id)
        for due in block_ranking.dues(session, campaign, due_on)
    ]
    waiting = [c for c in cells if awaits(c)]
    return sorted(waiting, key=lambda c: c.due.criterion.reporter != Reporter.EVALUATOR)


def waiting_in(
    session: Session, block: EmulationBlock, campaign: Campaign, due_on: date
) -> Waiting | None:
    """The block's units with something awaiting for the period; None when none has."""
    dues = block_ranking.dues(session, campaign, due_on)
    if not dues:
        return None
    units = []
    for unit in block_ranking.ranked_units(session, block, campaign):
        cells = [block_ranking.cell(session, d, unit.id) for d in dues]  # type: ignore[arg-type]
        scores = sum(1 for c in cells if awaits(c) and c.report is None)
        figures = sum(1 for c in cells if awaits(c) and c.report is not None)
        if scores or figures:
            units.append(UnitWaiting(unit, scores, figures))
    if not units:
        return None
    return Waiting(block, campaign, due_on, dues[0].period.key, units)


def waiting_for(session: Session, member_id: int, today: date) -> list[Waiting]:
    """Everything awaiting the evaluator, latest period first within each block."""
    found = []
    for block in evaluator_blocks(session, member_id):
        for campaign in campaigns_of(session, block):
            for due_on in opened(session, campaign, today, scored_only=False):
                here = waiting_in(session, block, campaign, due_on)
                if here is not None:
                    found.append(here)
    return found


def readable_rankings(session: Session, actor: Actor) -> list[tuple[EmulationBlock, Campaign]]:
    """The blocks the actor may read with each running campaign they rank: blocks holding a
    union in the actor's scope, or owned by one."""
    held = select(BlockUnit.block_id).join(UnionUnit, col(UnionUnit.id) == BlockUnit.unit_id)
    held = held.where(actor.unit_filter(session))
    owned = select(UnionUnit.id).where(actor.unit_filter(session))
    found = session.exec(
        select(EmulationBlock)
        .where(
            or_(
                col(EmulationBlock.id).in_(held),
                col(EmulationBlock.owner_unit_id).in_(owned),
            )
        )
        .order_by(col(EmulationBlock.name), col(EmulationBlock.id))
    ).all()
    return [(b, c) for b in found for c in campaigns_of(session, b)]
