"""`clean` and `fold` take shortcuts for the common case; they must answer as the plain rules
do for any text."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from core.text import _SPACES, ZERO_WIDTH, _clean_all, clean, fold

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
)
texts = (
    st.text(
        st.sampled_from(VIETNAMESE + VIETNAMESE.upper() + " \t\n\u00a0\u200b\u0301\u0323.,-'0123")
    )
    | st.text()
)


def plain_fold(text: str) -> str:
    text = unicodedata.normalize("NFD", clean(text).lower()).replace("đ", "d")
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


@given(texts)
def test_clean_answers_as_the_full_rule(text):
    assert clean(text) == _clean_all(text)


@given(texts)
def test_fold_answers_as_decomposing_and_dropping_marks(text):
    assert fold(text) == plain_fold(text)


def test_the_shortcut_names():
    assert ZERO_WIDTH and _SPACES.sub(" ", "a  b") == "a b"
    assert fold("Nguyễn Thị ĐÀO") == "nguyen thi dao"
