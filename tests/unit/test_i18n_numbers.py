"""Whole numbers are written without Babel's pattern machinery (they are in every quiz reply);
the result must be exactly Babel's."""

from __future__ import annotations

from pathlib import Path

from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from core.i18n import BABEL_LOCALES, SUPPORTED_LOCALES, Catalogs

LOCALES = Path(__file__).resolve().parents[2] / "locales"
CATALOGS = Catalogs(LOCALES, "vi")


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_whole_numbers_are_written_as_babel_writes_them(value: int) -> None:
    for locale in SUPPORTED_LOCALES:
        expected = format_decimal(value, locale=BABEL_LOCALES[locale])
        assert CATALOGS.translator(locale).number(value) == expected


def test_the_usual_figures() -> None:
    for value in (0, 7, 999, 1000, 1750, 12345, 1234567, -1000, -5):
        for locale in SUPPORTED_LOCALES:
            expected = format_decimal(value, locale=BABEL_LOCALES[locale])
            assert CATALOGS.translator(locale).number(value) == expected
    assert CATALOGS.translator("vi").number(1750) == "1.750"
    assert CATALOGS.translator("en").number(1750) == "1,750"
