"""A maximum of 0 where lower is better ("không để xảy ra tai nạn lao động"): the criteria
rules take it (never "at least 0"), and the scoring rule gives it the full points at 0 and
none above 0, the limit of "none at twice the target" (core/emulation/scoring.py)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from core.emulation.rules import CriterionInput, criterion_problem
from core.emulation.scoring import Criterion, Kind, criterion_points, met, progress
from core.emulation.templates import Frequency, Reporter

POINTS = Decimal(20)
amounts = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False)
maxima = st.one_of(st.just(Decimal(0)), st.decimals(min_value=0, max_value=100, places=2))
sizes = st.one_of(st.none(), st.integers(min_value=1, max_value=50_000))


def accidents(target: Decimal, *, per_member: bool = False) -> Criterion:
    return Criterion(1, Kind.NUMBER, POINTS, target, per_member=per_member, lower_is_better=True)


def typed(target: Decimal | None, *, lower_is_better: bool) -> CriterionInput:
    return CriterionInput(
        name="Tai nạn lao động",
        kind=Kind.NUMBER,
        points=POINTS,
        reporter=Reporter.GRASSROOTS,
        frequency=Frequency.MONTHLY,
        measure="vụ",
        target=target,
        lower_is_better=lower_is_better,
    )


def test_at_most_0_is_a_target_and_at_least_0_is_not():
    assert criterion_problem(typed(Decimal(0), lower_is_better=True)) is None
    assert criterion_problem(typed(Decimal(0), lower_is_better=False)) == "criterion_target"
    for lower in (True, False):
        assert criterion_problem(typed(Decimal(-1), lower_is_better=lower)) == "criterion_target"
        assert criterion_problem(typed(None, lower_is_better=lower)) == "criterion_target"
        assert criterion_problem(typed(Decimal("0.5"), lower_is_better=lower)) is None


@given(sizes, st.booleans())
def test_none_against_a_maximum_of_0_earns_the_full_points_and_is_met(members, per_member):
    assert criterion_points(accidents(Decimal(0), per_member=per_member), Decimal(0), members) == (
        POINTS
    )
    assert met(Decimal(0), Decimal(0), lower_is_better=True)
    assert progress(Decimal(0), Decimal(0), lower_is_better=True).met


@given(st.decimals(min_value="0.01", max_value=10**6, places=2), sizes)
def test_any_figure_above_a_maximum_of_0_earns_nothing_and_misses_it(value, members):
    assert criterion_points(accidents(Decimal(0)), value, members) == 0
    assert not met(value, Decimal(0), lower_is_better=True)
    shown = progress(value, Decimal(0), lower_is_better=True)
    assert not shown.met and shown.over == value


@given(amounts, amounts, maxima, st.integers(min_value=1, max_value=50_000), st.booleans())
def test_a_lower_figure_never_earns_less_where_lower_is_better(a, b, target, members, per_member):
    low, high = sorted((a, b))
    rule = accidents(target, per_member=per_member)
    assert criterion_points(rule, low, members) >= criterion_points(rule, high, members)
    assert met(low, target, lower_is_better=True) or not met(high, target, lower_is_better=True)


@given(amounts)
def test_a_target_of_0_where_more_is_better_is_no_target(value):
    rule = Criterion(1, Kind.NUMBER, POINTS, Decimal(0))
    assert criterion_points(rule, value, None) == 0
    assert not met(value, Decimal(0), lower_is_better=False)


@given(amounts, st.decimals(min_value="0.01", max_value=10**6, places=2), st.booleans())
def test_a_target_met_earns_the_full_points(value, target, lower):
    rule = Criterion(1, Kind.NUMBER, POINTS, target, lower_is_better=lower)
    if met(value, target, lower_is_better=lower):
        assert criterion_points(rule, value, None) >= POINTS
