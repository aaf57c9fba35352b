"""What a reporter sees after reporting: each figure against its target (the member's pledged
one, else the campaign's) and the points it earns (by the rule of core/emulation/scoring.py);
their unit's standing is core/emulation/unit_standing.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session

from core.emulation import scoring
from core.emulation.criteria import as_scored
from core.emulation.reporting import Item, as_reported, current, target_of


@dataclass(frozen=True)
class Figure:
    item: Item
    value: Decimal | None
    target: Decimal | None
    points: Decimal


def figures(session: Session, items: Sequence[Item], members: int | None) -> list[Figure]:
    found = []
    for item in items:
        row = current(session, item)
        target = target_of(session, item)
        value = row.value if row is not None else None
        points = scoring.criterion_points(as_scored(item.criterion, target), value, members)
        found.append(Figure(item, value, as_reported(item, target, members), points))
    return found
