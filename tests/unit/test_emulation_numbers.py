"""Figures as typed in Vietnam, the exact decimal column, and what each kind of criterion needs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.emulation.models import Fixed4
from core.emulation.numbers import parse_amount, plain
from core.emulation.rules import CriterionInput, criterion_problem
from core.emulation.scoring import Kind
from core.emulation.templates import Frequency, Reporter


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1.000", Decimal(1000)),
        ("1,5", Decimal("1.5")),
        ("1 triệu", Decimal(1_000_000)),
        ("1 Trieu", Decimal(1_000_000)),
        ("2,5 tỷ", Decimal(2_500_000_000)),
        ("12%", Decimal(12)),
        ("1.234.567", Decimal(1_234_567)),
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("1,000,000", Decimal(1_000_000)),
        ("0.5", Decimal("0.5")),
        ("-3", Decimal(-3)),
        ("\u00a07\u00a0", Decimal(7)),
    ],
)
def test_figures_as_typed(typed: str, value: Decimal) -> None:
    assert parse_amount(typed) == value


@pytest.mark.parametrize("typed", ["", "abc", "1..2", "1,2,3", "2 quả", "có", "1.2.3", "9" * 16])
def test_what_is_not_a_figure(typed: str) -> None:
    assert parse_amount(typed) is None


@given(st.integers(min_value=0, max_value=10**12))
def test_whole_numbers_grouped_the_vietnamese_way(n: int) -> None:
    assert parse_amount(f"{n:,}".replace(",", ".")) == n
    assert parse_amount(str(n)) == n


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=99))
def test_decimal_comma(whole: int, cents: int) -> None:
    typed = f"{whole:,}".replace(",", ".") + f",{cents:02d}"
    assert parse_amount(typed) == Decimal(whole) + Decimal(cents) / 100


@given(st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False))
def test_the_column_keeps_four_places_exactly(value: Decimal) -> None:
    column = Fixed4()
    stored = column.process_bind_param(value, None)  # type: ignore[arg-type]
    assert isinstance(stored, int)
    assert column.process_result_value(stored, None) == value  # type: ignore[arg-type]
    assert Decimal(plain(value)) == value and "E" not in plain(value)


def criterion(**change: object) -> CriterionInput:
    base: dict[str, object] = {
        "name": "Sản lượng",
        "kind": Kind.NUMBER,
        "points": Decimal(30),
        "reporter": Reporter.GRASSROOTS,
        "frequency": Frequency.MONTHLY,
        "target": Decimal(100),
    }
    return CriterionInput(**{**base, **change})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({}, None),
        ({"name": " "}, "criterion_name_empty"),
        ({"name": "x" * 201}, "criterion_text_too_long"),
        ({"points": Decimal(0)}, "criterion_points"),
        ({"points": Decimal(1001)}, "criterion_points"),
        ({"target": None}, "criterion_target"),
        ({"target": Decimal(-1)}, "criterion_target"),
        ({"kind": Kind.YES_NO}, "criterion_not_a_number"),
        ({"kind": Kind.YES_NO, "target": None}, None),
        ({"kind": Kind.YES_NO, "target": None, "per_member": True}, "criterion_not_a_number"),
        ({"kind": Kind.SCORE, "target": None}, "criterion_score_by_evaluator"),
        ({"kind": Kind.SCORE, "target": None, "reporter": Reporter.EVALUATOR}, None),
    ],
)
def test_what_each_kind_needs(change: dict[str, object], code: str | None) -> None:
    assert criterion_problem(criterion(**change)) == code
