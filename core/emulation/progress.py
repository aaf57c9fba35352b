"""What a reporter sees after reporting: each figure against its target (the member's pledged
one, else the campaign's), the points it earns, and the standing of their unit among the
campaign's units for the period (by the rule of core/emulation/scoring.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session

from core.campaigns.models import Campaign
from core.emulation import scoring
from core.emulation.models import EmulationCriterion
from core.emulation.reporting import Item, as_reported, current, target_of
from core.emulation.roll import Line, Roll, roll_of
from core.members.models import UnionUnit


@dataclass(frozen=True)
class Figure:
    item: Item
    value: Decimal | None
    target: Decimal | None
    points: Decimal


@dataclass(frozen=True)
class Standing:
    unit: UnionUnit
    rank: int
    units: int
    reported: int  # of the unit's reporters (members, or the union itself), those complete
    reporters: int


def _criterion(row: EmulationCriterion, target: Decimal | None) -> scoring.Criterion:
    return scoring.Criterion(
        id=row.id,  # type: ignore[arg-type]
        kind=scoring.Kind(row.kind),
        points=row.points,
        target=target,
        per_member=row.per_member,
        lower_is_better=row.lower_is_better,
    )


def figures(session: Session, items: Sequence[Item], members: int | None) -> list[Figure]:
    found = []
    for item in items:
        row = current(session, item)
        target = target_of(session, item)
        value = row.value if row is not None else None
        points = scoring.criterion_points(_criterion(item.criterion, target), value, members)
        found.append(Figure(item, value, as_reported(item, target, members), points))
    return found


def _line_points(session: Session, line: Line, members: int | None) -> Decimal:
    total = Decimal(0)
    for item in line.items:
        value = line.values.get(item.key)
        if value is not None:
            criterion = _criterion(item.criterion, target_of(session, item))
            total += scoring.criterion_points(criterion, value, members)
    return total


def unit_members(session: Session, unit: UnionUnit, lines: Sequence[Line]) -> int | None:
    """The unit's size for per-member criteria: declared, else its members in the campaign."""
    counted = sum(1 for line in lines if line.member is not None and line.unit.id == unit.id)
    return unit.declared_members or counted or None


def standing(
    session: Session, campaign: Campaign, due_on: date, unit_id: int, found: Roll | None = None
) -> Standing | None:
    """The unit's rank for the period among the campaign's units that reported: the average
    points of its members who reported, plus the union's own figures' points. `found`: the
    period's roll, when the caller has it already."""
    found = found or roll_of(session, campaign, due_on)
    by_unit: dict[int, list[Line]] = {}
    for line in found.lines:
        by_unit.setdefault(line.unit.id, []).append(line)  # type: ignore[arg-type]
    totals: dict[int, Decimal] = {}
    for uid, lines in by_unit.items():
        size = unit_members(session, lines[0].unit, found.lines)
        people = [_line_points(session, x, size) for x in lines if x.member and x.values]
        union = [_line_points(session, x, size) for x in lines if x.member is None and x.values]
        if people or union:
            average = sum(people, Decimal(0)) / len(people) if people else Decimal(0)
            totals[uid] = scoring.quantize(average + sum(union, Decimal(0)))
    if unit_id not in by_unit or unit_id not in totals:
        return None
    ranked = {s.unit_id: s.rank for s in scoring.rank_totals(totals)}
    mine = by_unit[unit_id]
    return Standing(
        mine[0].unit, ranked[unit_id], len(totals), sum(x.complete for x in mine), len(mine)
    )
