"""Replies to «is this your name?» (core/members/rules.py): a yes, a no, or neither (perhaps
another name), with or without diacritics; «Dũng» is a name, «đúng» a yes."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.i18n import SUPPORTED_LOCALES, Catalogs
from core.members.rules import (
    KEEP_NAME,
    RETYPE_NAME,
    key_of,
    marked_words,
    name_reply,
    typed_name_problem,
)

LOCALES = Path(__file__).resolve().parents[2] / "locales"


@pytest.mark.parametrize(
    "text", ["Đúng", "đúng rồi", "ĐÚNG RỒI!", "dung", "Dung roi", "ok", "có", "Đồng ý", "yes"]
)
def test_a_yes(text: str):
    assert name_reply(text) == "keep"


@pytest.mark.parametrize("text", ["Nhập lại", "nhap lai", "sửa", "Không", "sai rồi", "no"])
def test_a_no(text: str):
    assert name_reply(text) == "retype"


@pytest.mark.parametrize("text", ["Dũng", "Nguyễn Văn Dũng", "Lê Thị Hoa", "Tran Van Binh", ""])
def test_a_name_is_neither(text: str):
    assert name_reply(text) is None


def test_yes_and_no_never_meet():
    keep = {marked_words(w) for w in KEEP_NAME}
    retype = {marked_words(w) for w in RETYPE_NAME}
    assert not keep & retype
    assert not {key_of(w) for w in KEEP_NAME} & {key_of(w) for w in RETYPE_NAME}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_buttons_labels_read_as_their_answers(locale: str):
    """A label typed or sent back as the tap's text (Messenger, the web chat) means its button."""
    t = Catalogs(LOCALES).translator(locale)
    assert name_reply(t.gettext("That's right")) == "keep"
    assert name_reply(t.gettext("Type it again")) == "retype"


def test_the_name_step_refuses_a_yes_typed_as_the_name():
    assert typed_name_problem("Đúng") == "name_is_a_reply"
    assert typed_name_problem("nhap lai") == "name_is_a_reply"
    assert typed_name_problem("đồng ý") == "name_is_a_reply"
    assert typed_name_problem("Dũng") is None
    assert typed_name_problem("Dung") is None  # typed without marks, it may be a name
    assert typed_name_problem("Nguyễn Thị Lan") is None
