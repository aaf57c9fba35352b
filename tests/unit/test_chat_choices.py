"""Typed answers to offered choices: number, letter, label with or without diacritics."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.chat.choices import match

YES_NO = ["Có, đột xuất", "Không", "Huỷ"]
GROUPS = ["Cán bộ", "Công chức", "Viên chức", "Người lao động trực tiếp sản xuất – kinh doanh"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 0),
        ("2.", 1),
        ("số 3", 2),
        ("b", 1),
        ("C)", 2),
        ("co", 0),
        ("CÓ", 0),
        ("khong", 1),
        ("Không", 1),
        ("huy", 2),
        ("4", None),
        ("d", None),
        ("có lẽ", None),
        ("", None),
    ],
)
def test_yes_no(text, expected):
    assert match(text, YES_NO) == expected


def test_a_label_shared_by_two_choices_by_its_first_word_matches_neither():
    assert match("cong", ["Công chức", "Công nhân"]) is None
    assert match("cong chuc", ["Công chức", "Công nhân"]) == 0


def test_free_input_counts_only_labels():
    assert match("2", YES_NO, positional=False) is None
    assert match("b", YES_NO, positional=False) is None
    assert match("khong", YES_NO, positional=False) == 1


def test_a_label_that_is_a_letter_wins_over_the_position():
    assert match("b", ["A", "B", "C"]) == 1
    assert match("B", ["C", "B"]) == 1


@given(st.integers(min_value=0, max_value=3), st.sampled_from(["NFC", "NFD"]), st.booleans())
def test_every_label_typed_any_way_names_itself(index, form, upper):
    typed = unicodedata.normalize(form, GROUPS[index])
    typed = typed.upper() if upper else typed.lower()
    assert match(typed, GROUPS) == index


@given(st.integers(min_value=1, max_value=4))
def test_every_number_names_its_choice(number):
    assert match(str(number), GROUPS) == number - 1
