"""Evaluators of the level above verify or adjust a grassroots union's figure on a criterion
for a period (issue #17). Only officers of the upper-level union that owns the block evaluate
in it. An adjustment (a value other than the one in force) needs a reason; every evaluation is
kept (who, when, why, the self-assessed value then) and the latest one replaces the union's
own figure in the ranking. Two evaluators who saw the same state cannot both save: the second
is told that the figure changed meanwhile (the version they saw, then the unique chain)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.campaigns import service as campaigns
from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.scope import Actor
from core.emulation import block_ranking, blocks
from core.emulation.block_models import BlockUnit, EmulationBlock, Evaluation
from core.emulation.reporting import in_force, value_problem
from core.emulation.scoring import Kind
from core.errors import DomainError, Forbidden, InvalidInput, NotFound
from core.members.models import OfficerRole

REASON_MAX = 500


@dataclass(frozen=True)
class EvaluationInput:
    campaign_id: int
    due_on: date
    unit_id: int
    criterion_id: int
    value: Decimal
    reason: str
    version: int  # the latest evaluation's id the evaluator saw (0: none)


def is_evaluator(session: Session, actor: Actor, block: EmulationBlock) -> bool:
    """An officer of the upper-level union that owns the block; nobody else."""
    if actor.member_id is None:
        return False
    held = session.exec(
        select(OfficerRole.id).where(
            OfficerRole.member_id == actor.member_id, OfficerRole.unit_id == block.owner_unit_id
        )
    ).first()
    return held is not None


def _value_checked(cell: block_ranking.Cell, value: Decimal) -> None:
    criterion = cell.due.criterion
    if value < 0:
        raise InvalidInput("evaluation_negative")
    if value_problem(value):
        raise InvalidInput("amount_too_large")
    if criterion.kind == Kind.YES_NO and value not in (0, 1):
        raise InvalidInput("bad_choice")
    if criterion.kind == Kind.SCORE and value > criterion.points:
        raise InvalidInput("score_above_points")


def check_open(campaign: Campaign) -> None:
    """Evaluations are taken while the campaign runs: a draft has nothing to evaluate, and a
    closed campaign's ranking is final (its final review and titles were drawn from it)."""
    if campaign.status == CampaignStatus.DRAFT:
        raise DomainError("evaluation_draft")
    if campaign.status == CampaignStatus.CLOSED:
        raise DomainError("evaluation_closed")


def _target(
    session: Session, actor: Actor, block_id: int, data: EvaluationInput
) -> tuple[EmulationBlock, Campaign, block_ranking.Cell]:
    block = blocks.readable(session, actor, block_id)  # its unions' officers: told why not
    if not is_evaluator(session, actor, block):
        raise Forbidden("not_block_evaluator")
    campaign = campaigns.get(session, actor=actor, campaign_id=data.campaign_id)
    if not block_ranking.applies(block, campaign):
        raise NotFound("block_not_of_campaign")
    check_open(campaign)
    if session.get(BlockUnit, (block.id, data.unit_id)) is None:
        raise NotFound("block_unit_unknown")
    criterion = in_force(session, data.criterion_id)
    due = next(
        (
            d
            for d in block_ranking.dues(session, campaign, data.due_on)
            if criterion is not None and d.criterion.id == criterion.id
        ),
        None,
    )
    if due is None:
        raise NotFound("criterion_unknown")
    return block, campaign, block_ranking.cell(session, due, data.unit_id)


def evaluate(
    session: Session, *, actor: Actor, block_id: int, data: EvaluationInput, now: datetime
) -> Evaluation:
    block, campaign, cell = _target(session, actor, block_id, data)
    _value_checked(cell, data.value)
    reason = " ".join(data.reason.split())[:REASON_MAX]
    if not reason and cell.value is not None and data.value != cell.value:
        raise InvalidInput("evaluation_reason")
    if data.version != cell.version:
        raise DomainError("evaluation_changed")
    row = Evaluation(
        chain=block_ranking.chain_of(
            session, cell.due.criterion, cell.due.period.key, cell.unit_id
        ),
        previous_id=cell.version,
        block_id=block.id,  # type: ignore[arg-type]
        campaign_id=campaign.id,  # type: ignore[arg-type]
        criterion_id=cell.due.criterion.id,  # type: ignore[arg-type]
        period=cell.due.period.key,
        unit_id=cell.unit_id,
        value=data.value,
        self_value=cell.self_value,
        reason=reason,
        evaluated_by=actor.member_id,  # type: ignore[arg-type]
        evaluated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:  # another evaluator saved the same figure just now
        raise DomainError("evaluation_changed") from exc
    return row
