"""Pure ranking of grassroots units: by points per member, or by participation rate.

Ratios are compared exactly (fractions), so two units with 10/4 and 5/2 tie and the one that
reached its score first ranks first, then the smaller unit id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Literal

UnitMeasure = Literal["per_member", "participation"]


@dataclass(frozen=True)
class UnitRow:
    unit_id: int
    name: str
    points: int
    participants: int
    members: int  # what per-member figures divide by: see `basis`
    reached_at: datetime
    basis: str = "joined"  # roster, declared or joined (core.organisation.membership.Basis)

    def value(self, measure: UnitMeasure) -> Fraction:
        if self.members <= 0:
            return Fraction(0)
        numerator = self.points if measure == "per_member" else self.participants
        return Fraction(numerator, self.members)


@dataclass(frozen=True)
class RankedUnit:
    rank: int
    row: UnitRow
    value: Fraction


def rank_units(rows: list[UnitRow], measure: UnitMeasure) -> list[RankedUnit]:
    ordered = sorted(rows, key=lambda r: (-r.value(measure), r.reached_at, r.unit_id))
    return [RankedUnit(i + 1, row, row.value(measure)) for i, row in enumerate(ordered)]
