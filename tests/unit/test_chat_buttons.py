"""Typed button payloads: what `pack` writes `unpack` reads back, and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.chat.buttons import MAX_PAYLOAD_BYTES, BadPayload, CallbackData, kind_for


class Colour(StrEnum):
    RED = "r"
    BLUE = "b"


@dataclass(frozen=True, slots=True)
class Sample(CallbackData, prefix="t_sample"):
    number: int
    flag: bool
    colour: Colour
    word: str
    maybe: int | None = None


ids = st.integers(min_value=-(10**17), max_value=10**17)
words = st.text(st.characters(blacklist_characters=":", codec="utf-8"), max_size=8)


@given(ids, st.booleans(), st.sampled_from(Colour), words, st.none() | ids)
def test_unpack_reads_what_pack_wrote(number, flag, colour, word, maybe):
    data = Sample(number, flag, colour, word, maybe)
    try:
        payload = data.pack()
    except ValueError:
        assert len(f"t_sample:{number}:1:r:{word}:{maybe or ''}".encode()) > MAX_PAYLOAD_BYTES - 2
        return
    assert len(payload.encode()) <= MAX_PAYLOAD_BYTES
    assert Sample.unpack(payload) == data
    assert kind_for(payload) is Sample


def test_pack_refuses_over_64_bytes_and_a_separator():
    with pytest.raises(ValueError):
        Sample(1, True, Colour.RED, "x" * 60).pack()
    with pytest.raises(ValueError):
        Sample(1, True, Colour.RED, "a:b").pack()


@pytest.mark.parametrize(
    "payload",
    [
        "t_sample:1:1:r",  # a field missing
        "t_sample:1:1:r:w::extra",  # one too many
        "t_sample:x:1:r:w:",  # not a number
        "t_sample:1:2:r:w:",  # not a flag
        "t_sample:1:1:g:w:",  # not a colour
        "t_sample:99999999999999999999:1:r:w:",  # a number too long to be an id
        "other:1:1:r:w:",
        "",
    ],
)
def test_unpack_refuses_what_pack_never_writes(payload):
    with pytest.raises(BadPayload):
        Sample.unpack(payload)


def test_a_prefix_is_declared_once():
    with pytest.raises(ValueError):

        @dataclass(frozen=True)
        class Again(CallbackData, prefix="t_sample"):
            x: int

    with pytest.raises(ValueError):

        @dataclass(frozen=True)
        class Bad(CallbackData, prefix="Has:Colon"):
            x: int
