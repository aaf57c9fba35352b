"""Where each candidate of a closed campaign stands for the titles (issue #17): every person
who reported or pledged, from their own figures against their pledged targets (else the
campaign's); every grassroots union the campaign covers, from its figures in force (an
evaluator's where adjusted, else its own) scored as its block ranks them, ranked in its block.
The rules are core/emulation/title_rules.py's; the figures are read in a few queries, not one
per cell."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from core.campaigns.models import Campaign
from core.campaigns.scope import Actor
from core.emulation import scoring
from core.emulation.block_models import Evaluation
from core.emulation.block_ranking import UNIT_REPORTERS, sizes
from core.emulation.blocks import of_campaign, units_of
from core.emulation.criteria import active, for_scoring
from core.emulation.models import EmulationCriterion, EmulationPledge, EmulationReport, PledgeTarget
from core.emulation.periods import Period, periods
from core.emulation.reporting import grassroots_units, lineage
from core.emulation.scoring import Kind
from core.emulation.templates import Frequency, Reporter
from core.emulation.title_rules import Standing
from core.emulation.titles import Title
from core.initiatives.people import grassroots_of
from core.members.models import Member, UnionUnit

HUNDRED = Decimal(100)

# ids bound in one query: PostgreSQL takes at most 65,535 parameters a statement (the final
# review of a province's 10^5 members failed there; bench/review_province.py)
IDS_PER_QUERY = 10_000


@dataclass
class Result:
    """One candidate: a person (with their grassroots union) or a grassroots union."""

    unit: UnionUnit
    member: Member | None
    standing: Standing = field(
        default_factory=lambda: Standing(Decimal(0), Decimal(0), False, None)
    )
    ranked_among: int = 0
    group: str = ""  # the block a union was ranked in ("" for the unions in no block)
    shares: dict[int, Decimal] = field(default_factory=dict)  # criterion id -> % of its points


def cutoff(campaign: Campaign, timezone: str) -> date:
    """The last day that counts: the campaign's end, or the day it was closed if earlier."""
    if campaign.closed_at is None:
        return campaign.ends_on
    return min(campaign.ends_on, campaign.closed_at.astimezone(ZoneInfo(timezone)).date())


def counted(criterion: EmulationCriterion, campaign: Campaign, last: date) -> list[Period]:
    """The criterion's periods over by `last` (a once-only criterion's one period always)."""
    every = periods(Frequency(criterion.frequency), campaign.starts_on, campaign.ends_on)
    if Frequency(criterion.frequency) is Frequency.ONCE:
        return every
    return [p for p in every if p.end <= last]


def _owners(session: Session, rows: Iterable[EmulationCriterion]) -> dict[int, int]:
    """Every version's id -> the id of the version in force."""
    return {old: row.id for row in rows for old in lineage(session, row)}  # type: ignore[misc]


def _score(
    rules: Sequence[scoring.Criterion],
    spans: dict[int, list[Period]],
    value_of: dict[tuple[int, str], Decimal],
    members: int | None,
    targets: dict[int, Decimal] | None = None,
) -> tuple[Decimal, Decimal, dict[int, Decimal]]:
    """(score %, weakest %, each criterion's %) over the counted periods."""
    earned, most, shares = Decimal(0), Decimal(0), {}
    for rule in rules:
        span = spans.get(rule.id, [])
        if not span or rule.points <= 0:
            continue
        if targets and targets.get(rule.id):
            rule = scoring.Criterion(
                rule.id, rule.kind, rule.points, targets[rule.id], rule.per_member,
                rule.lower_is_better,
            )  # fmt: skip
        points = [
            scoring.criterion_points(rule, value_of.get((rule.id, p.key)), members) for p in span
        ]
        average = sum(points, Decimal(0)) / len(points)
        earned, most = earned + average, most + rule.points
        shares[rule.id] = scoring.quantize(average / rule.points * HUNDRED)
    if most == 0:
        return Decimal(0), Decimal(0), {}
    return (
        scoring.quantize(earned / most * HUNDRED),
        min(shares.values()),
        shares,
    )


def _met(
    rule: scoring.Criterion,
    span: list[Period],
    value_of: dict[tuple[int, str], Decimal],
    target: Decimal,
) -> bool:
    values = [value_of.get((rule.id, p.key)) for p in span]
    if not span:
        return True
    if rule.lower_is_better:
        return (
            all(v is not None for v in values) and sum(values, Decimal(0)) / len(values) <= target
        )  # type: ignore[arg-type]
    return sum((v or Decimal(0) for v in values), Decimal(0)) / len(values) >= target


def _rank(results: list[Result]) -> None:
    standings = scoring.rank_totals({n: r.standing.score for n, r in enumerate(results)})
    for s in standings:
        found = results[s.unit_id]
        found.standing = Standing(
            found.standing.score,
            found.standing.weakest,
            found.standing.targets_met,
            s.rank,
            found.standing.pledged,
        )
        found.ranked_among = len(results)


def people(session: Session, campaign: Campaign, last: date) -> list[Result]:
    """Every person who reported or pledged in the campaign and has not used /forget."""
    rows = [c for c in active(session, campaign_id=campaign.id) if c.reporter == Reporter.MEMBER]  # type: ignore[arg-type]
    if not rows:
        return []
    owner = _owners(session, rows)
    rules = for_scoring(rows)
    spans = {c.id: counted(c, campaign, last) for c in rows}
    figures: dict[int, dict[tuple[int, str], Decimal]] = {}
    for r in session.exec(
        select(EmulationReport).where(
            EmulationReport.campaign_id == campaign.id,
            col(EmulationReport.member_id).is_not(None),
            col(EmulationReport.superseded_at).is_(None),
        )
    ):
        if r.criterion_id in owner:
            figures.setdefault(r.member_id, {})[(owner[r.criterion_id], r.period)] = r.value  # type: ignore[index]
    pledged: dict[int, Title] = {}
    targets: dict[int, dict[int, Decimal]] = {}
    for pledge in session.exec(
        select(EmulationPledge).where(EmulationPledge.campaign_id == campaign.id)
    ):
        pledged[pledge.member_id] = Title(pledge.title)
        targets[pledge.member_id] = {}
    for member_id, target in session.exec(
        select(EmulationPledge.member_id, PledgeTarget)
        .join(PledgeTarget, col(PledgeTarget.pledge_id) == EmulationPledge.id)
        .where(EmulationPledge.campaign_id == campaign.id)
    ):
        if target.criterion_id in owner:
            targets[member_id][owner[target.criterion_id]] = target.value
    ids = sorted(set(figures) | set(pledged))
    found: list[Member] = []
    for start in range(0, len(ids), IDS_PER_QUERY):
        found.extend(
            session.exec(
                select(Member)
                .where(
                    col(Member.id).in_(ids[start : start + IDS_PER_QUERY]),
                    col(Member.forgotten_at).is_(None),
                    col(Member.onboarded_at).is_not(None),
                )
                .order_by(col(Member.id))
            )
        )
    homes: dict[int, UnionUnit] = {}
    by_union: dict[int, list[Result]] = {}
    for member in found:
        if member.unit_id not in homes:
            homes[member.unit_id] = grassroots_of(session, member.unit_id)
        home = homes[member.unit_id]
        values = figures.get(member.id, {})  # type: ignore[arg-type]
        own = targets.get(member.id, {})  # type: ignore[arg-type]
        score, weakest, shares = _score(rules, spans, values, 1, own)
        met = member.id in pledged and all(
            _met(rule, spans[rule.id], values, own[rule.id]) for rule in rules if rule.id in own
        )
        result = Result(home, member, Standing(score, weakest, met, None, pledged.get(member.id)))  # type: ignore[arg-type]
        result.shares = shares
        by_union.setdefault(home.id, []).append(result)  # type: ignore[arg-type]
    every: list[Result] = []
    for group in by_union.values():
        _rank(group)
        every.extend(group)
    return every


def unions(session: Session, campaign: Campaign, last: date) -> list[Result]:
    """Every grassroots union the campaign covers, ranked in its block (those in no block
    among themselves)."""
    rows = [c for c in active(session, campaign_id=campaign.id) if c.reporter in UNIT_REPORTERS]  # type: ignore[arg-type]
    units = grassroots_units(session, campaign)
    if not rows or not units:
        return []
    owner = _owners(session, rows)
    rules = for_scoring(rows)
    spans = {c.id: counted(c, campaign, last) for c in rows}
    figures: dict[int, dict[tuple[int, str], Decimal]] = {}
    for r in session.exec(
        select(EmulationReport)
        .where(
            EmulationReport.campaign_id == campaign.id,
            col(EmulationReport.member_id).is_(None),
            col(EmulationReport.superseded_at).is_(None),
        )
        .order_by(col(EmulationReport.id))
    ):
        if r.criterion_id in owner:
            figures.setdefault(r.unit_id, {})[(owner[r.criterion_id], r.period)] = r.value
    for e in session.exec(
        select(Evaluation).where(Evaluation.campaign_id == campaign.id).order_by(col(Evaluation.id))
    ):
        if e.criterion_id in owner:  # the latest evaluation replaces the union's own figure
            figures.setdefault(e.unit_id, {})[(owner[e.criterion_id], e.period)] = e.value
    if not figures:  # no union reported nor was scored: nothing to weigh them on
        return []
    counted_members = sizes(session, units)
    results: dict[int, Result] = {}
    for unit in units:
        members = counted_members.get(unit.id, (0, None))[0] or None  # type: ignore[arg-type]
        values = figures.get(unit.id, {})  # type: ignore[arg-type]
        score, weakest, shares = _score(rules, spans, values, members)
        met = all(
            shares.get(rule.id, Decimal(0)) >= HUNDRED
            for rule in rules
            if rule.kind is not Kind.SCORE and spans.get(rule.id)
        )
        result = Result(unit, None, Standing(score, weakest, met, None))
        result.shares = shares
        results[unit.id] = result  # type: ignore[index]
    placed: set[int] = set()
    for block in of_campaign(session, Actor.admin(), campaign):
        group = [
            results[u.id]
            for u in units_of(session, block)
            if u.id in results and u.id not in placed
        ]  # type: ignore[index]
        for found in group:
            found.group = block.name
            placed.add(found.unit.id)  # type: ignore[arg-type]
        _rank(group)
    _rank([r for uid, r in results.items() if uid not in placed])
    return list(results.values())
