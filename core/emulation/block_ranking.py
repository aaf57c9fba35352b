"""A block's ranking for one reporting period of a campaign (issue #17): for each of its
units, the figure in force on each criterion the grassroots union reports or an evaluator of
the level above scores (the evaluator's value where there is one, else the union's latest
report), scored and ranked by core/emulation/scoring.py, per-member criteria divided by the
unit's roster (else its declared membership, else the members who joined)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, col, func, select

from core.campaigns import service as campaigns
from core.campaigns.models import Campaign
from core.campaigns.scope import Actor
from core.emulation import scoring
from core.emulation.block_models import EmulationBlock, Evaluation
from core.emulation.blocks import units_in_scope, units_of
from core.emulation.criteria import active, for_scoring
from core.emulation.models import EmulationCriterion, EmulationReport
from core.emulation.periods import Period, ending_on, periods
from core.emulation.reporting import Item, current, grassroots_units, lineage
from core.emulation.templates import Frequency, Reporter
from core.errors import Forbidden, NotFound
from core.members.models import Member, UnionUnit
from core.organisation.membership import Basis, denominators

UNIT_REPORTERS = (Reporter.GRASSROOTS, Reporter.EVALUATOR)


@dataclass(frozen=True)
class Due:
    criterion: EmulationCriterion
    period: Period


@dataclass
class Cell:
    due: Due
    unit_id: int
    report: EmulationReport | None  # the union's own figure in force
    history: list[Evaluation]  # the evaluations, oldest first
    points: Decimal = Decimal(0)

    @property
    def evaluation(self) -> Evaluation | None:
        return self.history[-1] if self.history else None

    @property
    def self_value(self) -> Decimal | None:
        return self.report.value if self.report is not None else None

    @property
    def value(self) -> Decimal | None:
        found = self.evaluation
        return found.value if found is not None else self.self_value

    @property
    def version(self) -> int:
        """What an evaluator saw: the latest evaluation's id, 0 for none."""
        found = self.evaluation
        return found.id if found is not None else 0  # type: ignore[return-value]


@dataclass
class Row:
    unit: UnionUnit
    members: int | None
    basis: Basis | None
    cells: list[Cell] = field(default_factory=list)
    total: Decimal = Decimal(0)
    rank: int = 0


@dataclass(frozen=True)
class Ranking:
    block: EmulationBlock
    campaign: Campaign
    due_on: date
    dues: list[Due]
    rows: list[Row]  # best first


def campaign_for(
    session: Session, actor: Actor, block: EmulationBlock, campaign_id: int
) -> Campaign:
    """The campaign whose ranking in the block the actor reads: one in their scope, or one
    the block ranks when a union of the block is in their scope (its officers read the block's
    ranking, not the rest of the campaign). NotFound for any other."""
    try:
        return campaigns.get(session, actor=actor, campaign_id=campaign_id)
    except Forbidden:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None or not applies(block, campaign):
            raise NotFound("campaign_unknown") from None
        if not units_in_scope(session, actor, block):
            raise
        return campaign


def applies(block: EmulationBlock, campaign: Campaign) -> bool:
    if block.campaign_id is not None:
        return block.campaign_id == campaign.id
    return block.year == campaign.starts_on.year


def unit_criteria(session: Session, campaign: Campaign) -> list[EmulationCriterion]:
    return [
        c
        for c in active(session, campaign_id=campaign.id)  # type: ignore[arg-type]
        if c.reporter in UNIT_REPORTERS
    ]


def due_dates(session: Session, campaign: Campaign) -> list[date]:
    """Every period end of the campaign's criteria reported by unions or scored above."""
    frequencies = {Frequency(c.frequency) for c in unit_criteria(session, campaign)}
    return sorted(
        {p.end for f in frequencies for p in periods(f, campaign.starts_on, campaign.ends_on)}
    )


def chosen_due(session: Session, campaign: Campaign, today: date, asked: date | None) -> date:
    """The period asked for if it is the campaign's, else the latest opened (else the first)."""
    every = due_dates(session, campaign)
    if not every:
        raise NotFound("no_unit_criteria")
    if asked in every:
        return asked  # type: ignore[return-value]
    opened = [d for d in every if d - timedelta(2) <= today]
    return opened[-1] if opened else every[0]


def dues(session: Session, campaign: Campaign, due_on: date) -> list[Due]:
    found = []
    for criterion in unit_criteria(session, campaign):
        frequency = Frequency(criterion.frequency)
        period = ending_on(frequency, campaign.starts_on, campaign.ends_on, due_on)
        if period is not None:
            found.append(Due(criterion, period))
    return found


def chain_of(session: Session, criterion: EmulationCriterion, period: str, unit_id: int) -> str:
    """The key of a unit's figure on a criterion (all its versions) for a period."""
    return f"{lineage(session, criterion)[-1]}:{period}:{unit_id}"


def history(session: Session, chain: str) -> list[Evaluation]:
    return list(
        session.exec(
            select(Evaluation).where(Evaluation.chain == chain).order_by(col(Evaluation.id))
        )
    )


def cell(session: Session, due: Due, unit_id: int) -> Cell:
    report = current(session, Item(due.criterion, due.period, unit_id, None))
    chain = chain_of(session, due.criterion, due.period.key, unit_id)
    return Cell(due, unit_id, report, history(session, chain))


def cells(session: Session, found: list[Due], unit_ids: list[int]) -> dict[tuple[int, int], Cell]:
    """(index in `found`, unit id) -> the cell, as `cell` makes it, for every due and unit in
    two reads (the unions' figures in force, the evaluations of their chains) instead of two
    per cell: a province's 60 blocks are ranked in seconds, not minutes."""
    lineages = [lineage(session, d.criterion) for d in found]
    ids = sorted({i for ids in lineages for i in ids})
    keys = sorted({d.period.key for d in found})
    by_key: dict[tuple[int, str, int], EmulationReport] = {}
    if ids and unit_ids:
        for report in session.exec(
            select(EmulationReport).where(
                col(EmulationReport.criterion_id).in_(ids),
                col(EmulationReport.period).in_(keys),
                col(EmulationReport.unit_id).in_(unit_ids),
                col(EmulationReport.member_id).is_(None),
                col(EmulationReport.superseded_at).is_(None),
            )
        ):
            by_key.setdefault((report.criterion_id, report.period, report.unit_id), report)
    chains = {
        (n, u): f"{lineages[n][-1]}:{d.period.key}:{u}"
        for n, d in enumerate(found)
        for u in unit_ids
    }
    histories: dict[str, list[Evaluation]] = {}
    wanted = sorted(set(chains.values()))
    for start in range(0, len(wanted), 500):
        for row in session.exec(
            select(Evaluation)
            .where(col(Evaluation.chain).in_(wanted[start : start + 500]))
            .order_by(col(Evaluation.id))
        ):
            histories.setdefault(row.chain, []).append(row)
    made = {}
    for (n, unit_id), chain in chains.items():
        due = found[n]
        report = next(
            (
                by_key[(i, due.period.key, unit_id)]
                for i in lineages[n]
                if (i, due.period.key, unit_id) in by_key
            ),
            None,
        )
        made[(n, unit_id)] = Cell(due, unit_id, report, histories.get(chain, []))
    return made


def sizes(session: Session, units: list[UnionUnit]) -> dict[int, tuple[int, Basis]]:
    ids = [u.id for u in units]
    joined = dict(
        session.execute(
            select(Member.unit_id, func.count())
            .where(
                col(Member.unit_id).in_(ids),
                col(Member.onboarded_at).is_not(None),
                col(Member.forgotten_at).is_(None),
            )
            .group_by(col(Member.unit_id))
        ).all()
    )
    return denominators(session, units={i: int(joined.get(i, 0)) for i in ids})  # type: ignore[misc]


def ranked_units(session: Session, block: EmulationBlock, campaign: Campaign) -> list[UnionUnit]:
    """The block's units that the campaign ranks (a year's block: those the campaign covers)."""
    units = units_of(session, block)
    if block.year is not None:
        covered = {u.id for u in grassroots_units(session, campaign)}
        units = [u for u in units if u.id in covered]
    return units


def ranking(session: Session, block: EmulationBlock, campaign: Campaign, due_on: date) -> Ranking:
    if not applies(block, campaign):
        raise NotFound("block_not_of_campaign")
    return rankings(session, [block], campaign, due_on)[0]


def rankings(
    session: Session, of: list[EmulationBlock], campaign: Campaign, due_on: date
) -> list[Ranking]:
    """The rankings of several blocks of the campaign for one period, their figures read
    together (a province's 60 blocks in a few queries, not a few per block)."""
    found = dues(session, campaign, due_on)
    rules = for_scoring([d.criterion for d in found])
    held = {b.id: ranked_units(session, b, campaign) for b in of}
    everyone = list({u.id: u for units in held.values() for u in units}.values())
    counted = sizes(session, everyone)
    made = cells(session, found, [u.id for u in everyone])  # type: ignore[misc]
    return [
        _ranked(block, campaign, due_on, found, rules, held[block.id], counted, made)
        for block in of
    ]


def _ranked(
    block: EmulationBlock,
    campaign: Campaign,
    due_on: date,
    found: list[Due],
    rules: list[scoring.Criterion],
    units: list[UnionUnit],
    counted: dict[int, tuple[int, Basis]],
    made: dict[tuple[int, int], Cell],
) -> Ranking:
    rows: dict[int, Row] = {}
    results: dict[int, list[scoring.Result]] = {}
    for unit in units:
        members, basis = counted.get(unit.id, (0, None))  # type: ignore[arg-type]
        row = Row(unit, members or None, basis)
        for n, rule in enumerate(rules):
            here = made[(n, unit.id)]  # type: ignore[index]
            here.points = scoring.criterion_points(rule, here.value, row.members)
            row.cells.append(here)
            if here.value is not None:
                results.setdefault(unit.id, []).append(scoring.Result(rule.id, here.value))  # type: ignore[arg-type]
        rows[unit.id] = row  # type: ignore[index]
    standings = scoring.rank_block(rules, results, {u: r.members for u, r in rows.items()})
    for standing in standings:
        rows[standing.unit_id].total, rows[standing.unit_id].rank = standing.total, standing.rank
    ordered = [rows[s.unit_id] for s in standings]
    return Ranking(block, campaign, due_on, found, ordered)
