"""Splitting a long text as each messenger counts it: every part fits the platform's limit in
the platform's unit, and joining the parts loses nothing but the spaces at the cuts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.facebook.traits import TRAITS as FACEBOOK
from adapters.telegram.traits import TRAITS as TELEGRAM
from adapters.webchat.traits import TRAITS as WEBCHAT
from adapters.zalo.traits import TRAITS as ZALO
from core.chat.traits import ChannelTraits, TextUnit, utf16_length
from core.text import clip, split_text

ALL = [TELEGRAM, FACEBOOK, ZALO, WEBCHAT]
# Vietnamese letters, astral emoji (two UTF-16 units each), a BMP emoji, spaces and breaks,
# sentence ends: the characters whose counting and cutting differ.
PIECES = st.sampled_from([*"aăâđệ ữ.!?;\n", "😀", "👍🏽", "🇻🇳", "☕", "\u00a0", "\t", ". ", "\n\n"])


def texts(max_size: int, min_size: int = 0) -> st.SearchStrategy[str]:
    return st.lists(PIECES, min_size=min_size, max_size=max_size).map("".join)


def non_space(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


@given(text=texts(400), limit=st.integers(2, 60))
def test_every_part_fits_in_utf16_units_and_nothing_is_lost(text: str, limit: int) -> None:
    parts = split_text(text, limit, utf16_length)
    assert all(utf16_length(p) <= limit for p in parts)
    assert non_space("".join(parts)) == non_space(text)


@given(text=texts(400), limit=st.integers(1, 60))
def test_every_part_fits_in_code_points_and_nothing_is_lost(text: str, limit: int) -> None:
    parts = split_text(text, limit)
    assert all(len(p) <= limit for p in parts)
    assert non_space("".join(parts)) == non_space(text)


@pytest.mark.parametrize("traits", ALL, ids=lambda t: t.platform)
@settings(max_examples=30, deadline=None)
@given(text=texts(8000, min_size=1))
def test_each_platform_splits_within_its_own_limit(traits: ChannelTraits, text: str) -> None:
    parts = traits.split(text)
    assert all(traits.length(p) <= traits.text_limit for p in parts)
    assert non_space("".join(parts)) == non_space(text)


def test_telegram_counts_astral_emoji_twice() -> None:
    assert TELEGRAM.text_unit is TextUnit.UTF16
    text = "😀" * 3000  # 3000 code points, 6000 UTF-16 units
    assert TELEGRAM.length(text) == 6000 and FACEBOOK.length(text) == 3000
    parts = TELEGRAM.split(text)
    assert [TELEGRAM.length(p) for p in parts] == [4096, 1904] and "".join(parts) == text


def test_a_text_at_the_limit_is_one_part_and_one_unit_more_is_two() -> None:
    for traits in ALL:
        unit = "😀" if traits.text_unit is TextUnit.UTF16 else "ệ"
        exact = "a" * (traits.text_limit - traits.length(unit)) + unit
        assert traits.length(exact) == traits.text_limit
        assert traits.split(exact) == [exact]
        assert len(traits.split(exact + "b")) == 2


def test_paragraphs_are_cut_before_sentences_and_words() -> None:
    text = "Một hai ba. Bốn năm!\n\nSáu bảy tám chín mười"
    assert split_text(text, 30) == ["Một hai ba. Bốn năm!", "Sáu bảy tám chín mười"]
    assert split_text("Một hai ba. Bốn năm sáu", 15) == ["Một hai ba.", "Bốn năm sáu"]


@given(st.text(min_size=0, max_size=200), st.integers(min_value=4, max_value=80))
def test_clip_fits_and_says_when_it_cut(text: str, limit: int) -> None:
    clipped = clip(text, limit)
    assert len(clipped) <= limit
    assert clipped == text or clipped.endswith("…")


def test_clip_cuts_a_campaign_title_between_words() -> None:
    title = "Thi đua năng suất, chất lượng trong các doanh nghiệp khu công nghiệp"
    assert clip(title, 40) == "Thi đua năng suất, chất lượng trong các…"
    assert clip("Tháng công nhân", 40) == "Tháng công nhân"
