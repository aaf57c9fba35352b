"""The worked example of docs/emulation.md, computed by the scoring rule with the production
template: the figures the officers read there are the ones thidua computes."""

from __future__ import annotations

from decimal import Decimal

from core.emulation import scoring
from core.emulation.templates import PRODUCTION

CRITERIA = [
    scoring.Criterion(n, c.kind, c.points, c.target, c.per_member, c.lower_is_better)
    for n, c in enumerate(PRODUCTION.criteria)
]
A = (Decimal(104), Decimal("2.5"), Decimal(0), Decimal(4), Decimal(98))
B = (Decimal(97), Decimal("1.8"), Decimal(0), Decimal(2), Decimal(101))
# the template's accidents are «at most 0»: B had none (one would earn 0 of 20, see below)


def results(values: tuple[Decimal, ...]) -> list[scoring.Result]:
    return [scoring.Result(n, v) for n, v in enumerate(values)]


def test_the_worked_example() -> None:
    a = [scoring.criterion_points(c, v, 250) for c, v in zip(CRITERIA, A, strict=True)]
    b = [scoring.criterion_points(c, v, 120) for c, v in zip(CRITERIA, B, strict=True)]
    assert a == [Decimal(x) for x in ("31.20", "11.25", "20.00", "16.00", "14.70")]
    assert b == [Decimal(x) for x in ("29.10", "15.00", "20.00", "16.67", "15.15")]
    assert scoring.most_points(CRITERIA) == 113
    ranked = scoring.rank_block(CRITERIA, {1: results(A), 2: results(B)}, {1: 250, 2: 120})
    assert [(s.unit_id, s.total, s.rank) for s in ranked] == [
        (2, Decimal("95.92"), 1),
        (1, Decimal("93.15"), 2),
    ]


def test_the_worked_example_with_one_accident() -> None:
    one = (*B[:2], Decimal(1), *B[3:])
    assert scoring.criterion_points(CRITERIA[2], Decimal(1), 120) == 0  # above at most 0
    ranked = scoring.rank_block(CRITERIA, {1: results(A), 2: results(one)}, {1: 250, 2: 120})
    assert [(s.unit_id, s.total, s.rank) for s in ranked] == [
        (1, Decimal("93.15"), 1),
        (2, Decimal("75.92"), 2),
    ]
