"""Shared set-up of the emulation block tests: the demo with the industrial-zone union's
production campaign (its two enterprise unions reported every month already over), and a
plain recomputation of a block's totals from the report rows, written out here apart from
core/emulation/scoring.py so that a mistake in one is caught by the other."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core.campaigns.models import Campaign
from core.campaigns.scope import Actor
from core.emulation import blocks
from core.emulation import demo as emulation_demo
from core.emulation.block_models import EmulationBlock, Evaluation
from core.emulation.models import EmulationCriterion, EmulationReport
from core.members.models import Member, OfficerRole
from tests.e2e.campaign_support import ZONE, Demo, load_demo

OCTOBER = "2026-10"  # the demo's clock is 25 November 2026: October is the last month over


def zone_campaign(runtime: Runtime, *, scored: bool = False) -> tuple[Demo, int]:
    """The demo and the zone's campaign as the tests of blocks build on: without the demo's own
    block and its evaluations (a test makes the block it is about), and without the criterion
    the zone scores unless `scored` (the five production criteria only)."""
    data = load_demo(runtime)
    t = runtime.catalogs.translator("vi")
    with Session(runtime.engine) as session, session.begin():
        emulation_demo.load(session, now=runtime.clock.now(), t=t, timezone="Asia/Ho_Chi_Minh")
        campaign = session.exec(select(Campaign).where(Campaign.unit_id == ZONE)).one()
        for block in session.exec(select(EmulationBlock)).all():
            blocks.delete(session, actor=Actor.admin(), block_id=block.id)  # type: ignore[arg-type]
        if not scored:
            for row in session.exec(
                select(EmulationCriterion).where(EmulationCriterion.kind == "score")
            ).all():
                session.delete(row)
        return data, campaign.id  # type: ignore[return-value]


def second_zone_officer(runtime: Runtime) -> int:
    """Another officer of the zone's union (a demo member given the role)."""
    with Session(runtime.engine) as session, session.begin():
        officers = session.exec(select(OfficerRole.member_id)).all()
        someone = session.exec(
            select(Member).where(col(Member.id).not_in(officers)).order_by(col(Member.id))
        ).first()
        assert someone is not None
        session.add(OfficerRole(member_id=someone.id, unit_id=ZONE))  # type: ignore[arg-type]
        return someone.id  # type: ignore[return-value]


def _points(c: EmulationCriterion, value: Decimal, members: int) -> Decimal:
    if c.kind == "yes_no":
        return c.points if value >= 1 else Decimal(0)
    if c.kind == "score":
        return min(value, c.points)
    if c.lower_is_better and c.target == 0:  # at most 0 (no accident): all or nothing
        return c.points if value == 0 else Decimal(0)
    figure = value / members if c.per_member else value
    ratio = figure / c.target  # type: ignore[operator]
    if c.lower_is_better:
        share = Decimal(1) if ratio <= 1 else max(Decimal(0), 2 - ratio)
    else:
        share = min(ratio, Decimal("1.2"))
    return (c.points * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def plain_totals(
    runtime: Runtime, campaign_id: int, period: str, units: dict[int, int]
) -> dict[int, Decimal]:
    """unit id -> its total for the period: each union's latest figure on each criterion the
    union reports, replaced by the latest evaluation where there is one (`units`: unit id ->
    the members per-member criteria are divided by)."""
    with Session(runtime.engine) as session:
        rows = {c.id: c for c in session.exec(select(EmulationCriterion))}
        totals = dict.fromkeys(units, Decimal(0))
        figures: dict[tuple[int, int], Decimal] = {}
        for r in session.exec(
            select(EmulationReport)
            .where(EmulationReport.campaign_id == campaign_id, EmulationReport.period == period)
            .where(col(EmulationReport.member_id).is_(None))
            .order_by(col(EmulationReport.id))
        ):
            figures[(r.unit_id, r.criterion_id)] = r.value
        for e in session.exec(
            select(Evaluation)
            .where(Evaluation.campaign_id == campaign_id, Evaluation.period == period)
            .order_by(col(Evaluation.id))
        ):
            figures[(e.unit_id, e.criterion_id)] = e.value
        for (unit, criterion), value in figures.items():
            if unit in totals:
                totals[unit] += _points(rows[criterion], value, units[unit])
        return totals
