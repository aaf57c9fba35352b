"""The phone of a shared contact card is normalised or dropped."""

from __future__ import annotations

import pytest

from core.members.contact import normalise_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("84987654321", "84987654321"),
        ("+84 987 654 321", "+84987654321"),
        ("(028) 3823-4567", "02838234567"),
        ("", None),
        (None, None),
        ("1234", None),
        ("call me", None),
        ("8498765432109876", None),
    ],
)
def test_normalise_phone(raw: str | None, expected: str | None):
    assert normalise_phone(raw) == expected
