"""The emulation scoring rule (core/emulation/scoring.py), held by properties."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from core.emulation.scoring import (
    CAP,
    Criterion,
    Kind,
    Result,
    criterion_points,
    most_points,
    progress,
    rank_block,
    unit_total,
)

OUTPUT = Criterion(1, Kind.NUMBER, Decimal(30), target=Decimal(1000))
INITIATIVES = Criterion(2, Kind.NUMBER, Decimal(20), target=Decimal("0.01"), per_member=True)
ACCIDENTS = Criterion(3, Kind.NUMBER, Decimal(20), target=Decimal(2), lower_is_better=True)
SAFETY_PLAN = Criterion(4, Kind.YES_NO, Decimal(10))
REVIEW = Criterion(5, Kind.SCORE, Decimal(20))
ALL = [OUTPUT, INITIATIVES, ACCIDENTS, SAFETY_PLAN, REVIEW]

amounts = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False)
sizes = st.integers(min_value=1, max_value=50_000)


def test_a_worked_example():
    results = [
        Result(1, Decimal(900)),
        Result(2, Decimal(15)),
        Result(3, Decimal(3)),
        Result(4, Decimal(1)),
        Result(5, Decimal("17.5")),
    ]
    # 27 (90 % of output) + 20 × min(15/1200/0.01, 1.2) = 20 × 1.2 = 24 ... for 1,200 members:
    # 15 initiatives / 1,200 = 0.0125 per member, 125 % of 0.01, capped at 120 %: 24
    # accidents 3 against 2: 50 % over, half the points: 10; plan: 10; review 17.5
    assert unit_total(ALL, results, members=1200) == Decimal("88.50")


@given(amounts, amounts, sizes)
def test_more_never_earns_less_where_more_is_better(low, high, members):
    low, high = min(low, high), max(low, high)
    for criterion in (OUTPUT, INITIATIVES):
        assert criterion_points(criterion, low, members) <= criterion_points(
            criterion, high, members
        )


@given(amounts, amounts)
def test_more_never_earns_more_where_less_is_better(low, high):
    low, high = min(low, high), max(low, high)
    assert criterion_points(ACCIDENTS, high, 100) <= criterion_points(ACCIDENTS, low, 100)


@given(st.integers(min_value=0, max_value=500), sizes, st.integers(min_value=2, max_value=20))
def test_a_union_k_times_larger_with_k_times_the_count_earns_the_same(count, members, k):
    small = criterion_points(INITIATIVES, Decimal(count), members)
    large = criterion_points(INITIATIVES, Decimal(count * k), members * k)
    assert small == large


@given(st.lists(st.tuples(amounts, amounts, amounts, st.booleans(), amounts), max_size=6), sizes)
def test_a_total_stays_between_nothing_and_the_most_points(rows, members):
    for output, initiatives, accidents, plan, review in rows:
        results = [
            Result(1, output),
            Result(2, initiatives),
            Result(3, accidents),
            Result(4, Decimal(int(plan))),
            Result(5, review),
        ]
        total = unit_total(ALL, results, members)
        assert Decimal(0) <= total <= most_points(ALL)
    assert most_points(ALL) == Decimal(30) * CAP + Decimal(20) * CAP + 20 + 10 + 20


@given(st.dictionaries(st.integers(1, 60), st.tuples(amounts, st.none() | sizes), max_size=60))
def test_a_block_ranking_orders_every_unit_and_equal_totals_share_a_rank(units):
    results = {u: [Result(1, value)] for u, (value, _members) in units.items()}
    members = {u: count for u, (_value, count) in units.items()}
    standings = rank_block([OUTPUT], results, members)
    assert sorted(s.unit_id for s in standings) == sorted(units)
    for before, after in pairwise(standings):
        assert before.total >= after.total
        assert after.rank == (
            before.rank if before.total == after.total else standings.index(after) + 1
        )
    if standings:
        assert standings[0].rank == 1


def test_no_result_and_no_members_earn_nothing():
    assert criterion_points(OUTPUT, None, 100) == 0
    assert criterion_points(INITIATIVES, Decimal(5), None) == 0
    assert criterion_points(INITIATIVES, Decimal(5), 0) == 0
    assert criterion_points(REVIEW, Decimal(99), 10) == Decimal(20)


def test_every_template_weighs_its_criteria_to_100_points_and_scores_with_the_rule():
    from core.emulation.templates import TEMPLATES

    for template in TEMPLATES:
        assert template.points == 100, template.key
        criteria = [
            Criterion(i, c.kind, c.points, c.target, c.per_member, c.lower_is_better)
            for i, c in enumerate(template.criteria)
        ]
        assert most_points(criteria) >= 100


targets = st.decimals(min_value="0.01", max_value=10**6, places=2, allow_nan=False)


@given(amounts, targets)
def test_where_less_is_better_progress_is_met_at_or_under_the_maximum(value, target):
    shown = progress(value, target, lower_is_better=True)
    assert shown.met == (value <= target)
    assert shown.over == max(value - target, Decimal(0))
    assert shown.share is None  # never a share: 0 accidents is not "0 %"
    if shown.met:  # met earns the full points, as the scoring says
        assert criterion_points(accidents_at(target), value, None) == ACCIDENTS.points
    assert progress(Decimal(0), target, lower_is_better=True).met  # none at all: perfect


@given(amounts, amounts, targets)
def test_where_less_is_better_a_lower_figure_is_never_further_from_the_maximum(a, b, target):
    low, high = sorted((a, b))
    better, worse = (progress(v, target, lower_is_better=True) for v in (low, high))
    assert better.over <= worse.over and (better.met or not worse.met)


@given(amounts, targets)
def test_where_more_is_better_progress_is_the_share_of_the_target(value, target):
    shown = progress(value, target, lower_is_better=False)
    assert shown.share == value / target and shown.over == 0
    assert shown.met == (value >= target)


def accidents_at(target: Decimal) -> Criterion:
    return Criterion(3, Kind.NUMBER, ACCIDENTS.points, target=target, lower_is_better=True)
