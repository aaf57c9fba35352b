"""The standing a reporter reads after their last figure (core/emulation/report_chat.py:
finish): their unit's rank for the period among the campaign's units, and how many of its
reporters have reported.

The officers' roll (core/emulation/roll.py) builds a line per member of the audience and reads
each member's pledged target with a query per member and criterion: seconds at 5,000 members,
and a report's last figure asks for it. Here the period's figures in force are read grouped by
unit, criterion, figure and pledged target (one aggregate query, the targets looked up by the
database), each group scored once by the rule of core/emulation/scoring.py; the reporter's own
unit is counted apart. The answer is the roll's, scored line by line
(tests/e2e/test_emulation_standing.py checks it against that plain recomputation)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, null, or_
from sqlmodel import Session, col, select

from core.campaigns.models import Campaign
from core.emulation import scoring, unit_totals
from core.emulation.criteria import as_scored
from core.emulation.models import EmulationCriterion, EmulationPledge, EmulationReport, PledgeTarget
from core.emulation.pledges import audience_where
from core.emulation.reporting import grassroots_units, lineage
from core.emulation.roll import due_items
from core.emulation.scoring import Kind
from core.members.models import Member, UnionUnit, UnitKind


@dataclass(frozen=True)
class Standing:
    unit: UnionUnit
    rank: int
    units: int
    reported: int  # of the unit's reporters (members, or the union itself), those complete
    reporters: int


@dataclass(frozen=True)
class Due:
    """A criterion in force due for the period: its period's key, the ids of its versions."""

    criterion: EmulationCriterion
    period: str
    versions: list[int]


def dues(session: Session, campaign: Campaign, due_on: date) -> tuple[list[Due], list[Due]]:
    """What members report for the period, and what grassroots unions report."""
    members, unions = due_items(session, campaign, due_on)
    return (
        [Due(c, p.key, lineage(session, c)) for c, p in members],
        [Due(c, p.key, lineage(session, c)) for c, p in unions],
    )


def _matched(due: Sequence[Due]) -> ColumnElement[bool]:
    """A report row on one of the criteria due, for its period."""
    criterion, period = col(EmulationReport.criterion_id), col(EmulationReport.period)
    matched = or_(false(), *(and_(criterion.in_(d.versions), period == d.period) for d in due))
    # the periods apart, so that the indexes on (campaign, period) and (unit, period) serve
    return and_(period.in_(sorted({d.period for d in due})), matched)


def _root(column: Any, due: Sequence[Due]) -> Any:
    """The id of the criterion due of which `column` (a criterion id) is a version."""
    if not due:
        return null()
    return case(*((column.in_(d.versions), d.criterion.id) for d in due), else_=None)


def _line_member(session: Session, campaign: Campaign) -> ColumnElement[bool]:
    """A member the roll has a line for: of the audience, or who reported in the campaign and
    used /forget since (the row at hand is such a report)."""
    among = audience_where(session, campaign)
    former = col(Member.forgotten_at).is_not(None)
    return former if among is None else or_(former, and_(*among))


def member_rows(
    session: Session, campaign: Campaign, due: Sequence[Due], *columns: Any, unit: int | None = None
) -> Any:
    """The period's figures in force that count for members' lines: on a criterion due, by a
    member of a line, on the unit the member is in now (the roll's items are on that unit);
    of one unit if `unit` is given."""
    query = (
        select(*columns)
        .select_from(EmulationReport)
        .join(
            Member,
            and_(
                col(Member.id) == EmulationReport.member_id,
                col(Member.unit_id) == EmulationReport.unit_id,
            ),
        )
        .join(UnionUnit, col(UnionUnit.id) == Member.unit_id)
        .where(
            _of_campaign(campaign, unit),
            col(EmulationReport.superseded_at).is_(None),
            _matched(due),
            _line_member(session, campaign),
        )
    )
    return query if unit is None else query.where(EmulationReport.unit_id == unit)


def _of_campaign(campaign: Campaign, unit: int | None) -> ColumnElement[bool]:
    """A report row of the campaign; for one unit's rows written so that the database reads
    them by (unit, period), not by the campaign's period (every unit's rows), which SQLite
    without statistics would otherwise choose."""
    if unit is None:
        return col(EmulationReport.campaign_id) == campaign.id
    return col(EmulationReport.campaign_id) + 0 == campaign.id


def _pledged(campaign: Campaign, due: Sequence[Due]) -> Any:
    """The target the row's member pledged on the row's criterion (any version of it), as
    `reporting.target_of` reads it; only number criteria take one."""
    numbers = [d for d in due if d.criterion.kind == Kind.NUMBER]
    if not numbers:
        return null()
    return (
        select(PledgeTarget.value)
        .join(EmulationPledge, col(EmulationPledge.id) == PledgeTarget.pledge_id)
        .where(
            EmulationPledge.campaign_id == campaign.id,
            EmulationPledge.member_id == EmulationReport.member_id,
            _root(col(PledgeTarget.criterion_id), numbers)
            == _root(col(EmulationReport.criterion_id), numbers),
        )
        .limit(1)
        .correlate(EmulationReport)
        .scalar_subquery()
    )


@dataclass
class Tally:
    """A unit's figures for the period, scored: its members' points (summed over those who
    reported), and the union's own."""

    people_points: Decimal = Decimal(0)
    union_points: Decimal = Decimal(0)


def _people(
    session: Session, campaign: Campaign, due: Sequence[Due], unit: int | None
) -> list[Any]:
    """(unit, criterion due, figure, pledged target, how many) of the members' figures."""
    rows = member_rows(
        session,
        campaign,
        due,
        col(EmulationReport.unit_id).label("unit_id"),
        _root(col(EmulationReport.criterion_id), due).label("criterion"),
        col(EmulationReport.value).label("value"),
        _pledged(campaign, due).label("pledged"),
        unit=unit,
    ).subquery()
    keys = (rows.c.unit_id, rows.c.criterion, rows.c.value, rows.c.pledged)
    return list(session.execute(select(*keys, func.count()).group_by(*keys)).all())  # type: ignore[call-overload]


def _reporting(
    session: Session, campaign: Campaign, due: Sequence[Due], unit: int | None
) -> dict[int, int]:
    """Per unit, its members who reported at least one figure due."""
    query = member_rows(
        session,
        campaign,
        due,
        EmulationReport.unit_id,
        func.count(func.distinct(EmulationReport.member_id)),
        unit=unit,
    ).group_by(EmulationReport.unit_id)
    return dict(session.execute(query).all())  # type: ignore[call-overload]


def _unions(
    session: Session, campaign: Campaign, due: Sequence[Due], ids: set[int], unit: int | None
) -> list[Any]:
    """(unit, criterion due, figure) of the grassroots unions' own figures (`ids`: the
    campaign's grassroots unions; of one unit if `unit` is given)."""
    if not due or (unit is not None and unit not in ids):
        return []
    criterion = _root(col(EmulationReport.criterion_id), due)
    query = select(EmulationReport.unit_id, criterion, EmulationReport.value).where(
        _of_campaign(campaign, unit),
        col(EmulationReport.member_id).is_(None),
        col(EmulationReport.superseded_at).is_(None),
        _matched(due),
    )
    if unit is not None:
        query = query.where(EmulationReport.unit_id == unit)
    return [row for row in session.execute(query).all() if row[0] in ids]  # type: ignore[call-overload]


def counted(session: Session, campaign: Campaign, units: set[int]) -> dict[int, int]:
    """Per unit, the members the roll has a line for: of the audience, or who reported in
    the campaign and used /forget since."""
    found: dict[int, int] = defaultdict(int)
    among = audience_where(session, campaign)
    queries = []
    if among is not None:
        queries.append(
            select(Member.unit_id, func.count())
            .join(UnionUnit, col(UnionUnit.id) == Member.unit_id)
            .where(*among, col(Member.unit_id).in_(units))
            .group_by(Member.unit_id)
        )
    reported = (
        select(EmulationReport.id)
        .where(EmulationReport.campaign_id == campaign.id, EmulationReport.member_id == Member.id)
        .exists()
    )
    queries.append(
        select(Member.unit_id, func.count())
        .where(col(Member.forgotten_at).is_not(None), reported, col(Member.unit_id).in_(units))
        .group_by(Member.unit_id)
    )
    for query in queries:
        for unit_id, count in session.execute(query).all():  # type: ignore[call-overload]
            found[unit_id] += count
    return dict(found)


def sizes(session: Session, units: set[int], lines: dict[int, int]) -> dict[int, int | None]:
    """Each unit's size for per-member criteria: declared, else its members' lines."""
    declared = dict(
        session.execute(  # type: ignore[call-overload]
            select(UnionUnit.id, UnionUnit.declared_members).where(col(UnionUnit.id).in_(units))
        ).all()
    )
    return {u: declared.get(u) or lines.get(u) or None for u in units}


class Scorer:
    """Points of a figure on a criterion due, each (criterion, target, figure, size) once."""

    def __init__(self, due: Sequence[Due]) -> None:
        self.criteria = {d.criterion.id: d.criterion for d in due}
        self.known: dict[tuple[Any, ...], Decimal] = {}

    def points(
        self, criterion_id: int, value: Decimal, pledged: Decimal | None, size: int | None
    ) -> Decimal:
        criterion = self.criteria[criterion_id]
        target = criterion.target
        if criterion.kind == Kind.NUMBER and pledged is not None and pledged > 0:
            target = pledged  # as reporting.target_of: the member's pledge, else the campaign's
        key = (criterion_id, target, value, size if criterion.per_member else None)
        if key not in self.known:
            scored = as_scored(criterion, target)
            self.known[key] = scoring.criterion_points(scored, value, size)
        return self.known[key]


def totals(
    people: Sequence[Any],
    unions: Sequence[Any],
    reporting: dict[int, int],
    scorer: Scorer,
    size: dict[int, int | None],
) -> dict[int, Decimal]:
    """Each unit's total for the period, of the units with a figure in it."""
    tallies: dict[int, Tally] = defaultdict(Tally)
    for unit_id, criterion_id, value, pledged, count in people:
        points = scorer.points(criterion_id, value, pledged, size.get(unit_id))
        tallies[unit_id].people_points += points * count
    for unit_id, criterion_id, value in unions:
        tallies[unit_id].union_points += scorer.points(criterion_id, value, None, size.get(unit_id))
    return {
        unit_id: scoring.period_total(t.people_points, reporting.get(unit_id, 0), t.union_points)
        for unit_id, t in tallies.items()
    }


def _complete_members(session: Session, campaign: Campaign, due: Sequence[Due], unit: int) -> int:
    """The unit's members (lines) who reported every figure due."""
    if not due:
        return 0
    done = func.count(func.distinct(_root(col(EmulationReport.criterion_id), due)))
    query = (
        member_rows(session, campaign, due, EmulationReport.member_id, unit=unit)
        .group_by(EmulationReport.member_id)
        .having(done >= len(due))
    )
    return len(session.execute(query).all())  # type: ignore[call-overload]


@dataclass(frozen=True)
class Period:
    """What a period's totals are computed from: the criteria due, the campaign's grassroots
    unions that report for it."""

    campaign: Campaign
    member_due: list[Due]
    union_due: list[Due]

    @property
    def key(self) -> str:
        due = (*self.member_due, *self.union_due)
        return unit_totals.due_key((d.criterion.id, d.period) for d in due)  # type: ignore[misc]


def computed(
    session: Session, period: Period, grassroots: set[int], unit: int | None
) -> tuple[dict[int, Decimal], dict[int, int], dict[int, int | None]]:
    """The units' totals for the period (of the units with a figure in it; of `unit` alone
    if given), their members' lines and their sizes as the scoring takes them."""
    campaign, member_due, union_due = period.campaign, period.member_due, period.union_due
    people = _people(session, campaign, member_due, unit) if member_due else []
    unions = _unions(session, campaign, union_due, grassroots, unit)
    per_member = any(d.criterion.per_member for d in (*member_due, *union_due))
    units = {row[0] for row in (*people, *unions)} if per_member else set()
    units |= set() if unit is None else {unit}
    lines = counted(session, campaign, units) if member_due else {}
    size = sizes(session, units, lines)
    reporting = _reporting(session, campaign, member_due, unit) if member_due else {}
    found = totals(people, unions, reporting, Scorer([*member_due, *union_due]), size)
    return found, lines, size


def _covers(session: Session, campaign: Campaign, unit: UnionUnit) -> bool:
    """Whether the unit is one of the campaign's grassroots unions (reporting.grassroots_units)."""
    if unit.kind != UnitKind.GRASSROOTS_UNION or unit.closed_at is not None:
        return False
    if not campaign.include_subtree:
        return unit.id == campaign.unit_id
    top = session.get(UnionUnit, campaign.unit_id)
    return top is not None and unit.path.startswith(top.path)


def _every_unit(session: Session, period: Period) -> tuple[dict[int, Decimal], set[int]]:
    """Every unit's total (the period asked for the first time, or its totals dropped), and
    every unit that can have one: the campaign's and those with a figure of the period."""
    grassroots = {u.id for u in grassroots_units(session, period.campaign)}
    found = computed(session, period, grassroots, None)[0]  # type: ignore[arg-type]
    campaign = period.campaign
    top = session.get(UnionUnit, campaign.unit_id)
    units: set[int] = set()
    if top is not None:
        below = select(UnionUnit.id).where(col(UnionUnit.path).startswith(top.path))
        units = set(session.exec(below))  # type: ignore[arg-type]
    periods = {d.period for d in (*period.member_due, *period.union_due)}
    reported = select(EmulationReport.unit_id).distinct()
    reported = reported.where(
        EmulationReport.campaign_id == campaign.id, col(EmulationReport.period).in_(periods)
    )
    return found, units | set(session.exec(reported))


def _one_unit(session: Session, period: Period, unit_id: int) -> Decimal | None:
    unit = session.get(UnionUnit, unit_id)
    if unit is None:
        return None
    covered = {unit_id} if period.union_due and _covers(session, period.campaign, unit) else set()
    return computed(session, period, covered, unit_id)[0].get(unit_id)


def standing(
    session: Session, campaign: Campaign, due_on: date, unit: UnionUnit
) -> tuple[int | None, Standing | None]:
    """The unit's size as the scoring takes it (for the reporter's own figures), and its
    rank for the period among the campaign's units that reported (the average points of its
    members who reported, plus the union's own figures' points), with how many of its
    reporters have reported every figure due. The unit's total is computed from its own
    figures; the other units' are read from the kept totals (core/emulation/unit_totals.py)."""
    member_due, union_due = dues(session, campaign, due_on)
    period = Period(campaign, member_due, union_due)
    union_line = bool(union_due) and _covers(session, campaign, unit)
    grassroots = {unit.id} if union_line else set()
    found, lines, size = computed(session, period, grassroots, unit.id)  # type: ignore[arg-type]
    total = found.get(unit.id)  # type: ignore[call-overload]
    ranked = unit_totals.rank(
        session,
        campaign_id=campaign.id,  # type: ignore[arg-type]
        key=period.key,
        due_on=due_on,
        unit_id=unit.id,  # type: ignore[arg-type]
        total=total,
        compute_all=lambda: _every_unit(session, period),
        compute_one=lambda u: _one_unit(session, period, u),
    )
    if ranked is None:
        return size[unit.id], None  # type: ignore[index]
    reported = _complete_members(session, campaign, member_due, unit.id)  # type: ignore[arg-type]
    if union_line:
        done = {c for _u, c, _v in _unions(session, campaign, union_due, grassroots, unit.id)}
        reported += int(len(done) >= len(union_due))
    reporters = lines.get(unit.id, 0) + int(union_line)  # type: ignore[call-overload]
    place = Standing(unit, ranked[0], ranked[1], reported, reporters)
    return size[unit.id], place  # type: ignore[index]
