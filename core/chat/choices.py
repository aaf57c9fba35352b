"""What a typed answer means when choices were offered: the rule, in one place.

A person may answer a question that offered choices by tapping, or by typing the number
("2", "2.", "số 2"), the letter ("b", "B)") or the label, with or without diacritics and in
either case ("dong y" for «Đồng ý», "co" for «Có, đột xuất» when no other label starts so).
Where the choices are a yes and a no («Tôi đồng ý» / «Không, cảm ơn»), a clear yes typed alone
(«có», «ok», «đồng ý», «yes») names the yes, and a clear no («không», «no») the no; nothing
else does, so that a consent is only ever given by a word that says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.text import clean, fold

_NUMBER = re.compile(r"^(?:so|số|#|no\.?|number)?\s*([0-9]{1,3})\s*[.)]?$", re.I)
_LETTER = re.compile(r"^([a-z])\s*[.)]?$")
_WORDS = re.compile(r"[^\w]+")
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def words(text: str) -> list[str]:
    return [w for w in _WORDS.split(fold(text)) if w]


def key(text: str) -> str:
    """The typed text as one folded phrase: "Trợ  Giúp!" -> "tro giup"."""
    return " ".join(words(text))


# A yes or a no typed alone, as people type it in either language: with diacritics, a text is
# read as typed («ừ» is a yes, «u» nothing); without any, by its plain form.
YES_MARKED = (
    *("có", "có ạ", "dạ có", "vâng", "vâng ạ", "dạ vâng", "ừ", "được", "được ạ", "ok ạ"),
    *("đồng ý", "đồng ý ạ", "tôi đồng ý", "dạ đồng ý"),
)
YES_PLAIN = (
    *("co", "co a", "da co", "vang", "vang a", "da vang", "duoc", "duoc a", "dc", "dong y"),
    *("dong y a", "toi dong y", "da dong y", "ok", "oke", "okay", "ok a", "okie", "yes"),
    *("yep", "yeah", "i agree", "agree", "sure", "yes please"),
)
NO_MARKED = ("không", "không ạ", "dạ không", "không đồng ý", "tôi không đồng ý", "không cảm ơn")
NO_PLAIN = (
    *("khong", "khong a", "da khong", "khong dong y", "toi khong dong y", "khong cam on"),
    *("ko", "k", "kg", "no", "no thanks", "nope"),
)


def _marked(text: str) -> str:
    return " ".join(w for w in _WORDS.split(clean(text).lower()) if w)


_SAID = {_marked(w): True for w in YES_MARKED} | {_marked(w): False for w in NO_MARKED}
_SAID_PLAIN = {key(w): True for w in YES_PLAIN} | {key(w): False for w in NO_PLAIN}
# How the labels of a yes/no question begin (folded)
_YES_LABEL = (["co"], ["dong", "y"], ["toi", "dong", "y"], ["yes"], ["i", "agree"])
_NO_LABEL = (["khong"], ["no"])
_CANCEL_LABEL = (["huy"], ["cancel"])


def yes_or_no(text: str) -> bool | None:
    """True for a clear yes typed alone, False for a clear no, None for anything else."""
    typed = clean(text)
    if typed.isascii():
        return _SAID_PLAIN.get(key(typed))
    return _SAID.get(_marked(typed))


def _begins(label: list[str], starts: tuple[list[str], ...]) -> bool:
    return any(label[: len(start)] == start for start in starts)


def yes_no_choices(labels: Sequence[str]) -> tuple[int, int] | None:
    """(the yes, the no) when the choices ask a yes or a no: one label begins with a yes
    («Có, gửi cho tôi», «Tôi đồng ý»), and one with a no («Không, cảm ơn») or, where none
    does, one with a cancel («Hủy»); None otherwise."""
    folded = [words(label) for label in labels]
    yes = [i for i, w in enumerate(folded) if _begins(w, _YES_LABEL)]
    no = [i for i, w in enumerate(folded) if _begins(w, _NO_LABEL)]
    if not no:
        no = [i for i, w in enumerate(folded) if _begins(w, _CANCEL_LABEL)]
    if len(yes) != 1 or len(no) != 1:
        return None
    return yes[0], no[0]


def match(text: str, labels: Sequence[str], *, positional: bool = True) -> int | None:
    """The index of the choice the text names, or None.

    Order: the whole label; then (when `positional`) the number, then the letter; then the one
    label whose first words are the typed words; then (when `positional`) a clear yes or no
    where the choices are a yes and a no ("ok" for «Tôi đồng ý», `yes_no_choices`), and the
    one label that has the typed words in a row ("dong y" for «Tôi đồng ý»). A text that fits
    two labels matches none.
    """
    typed = words(text)
    if not typed or not labels:
        return None
    folded = [words(label) for label in labels]
    exact = [i for i, w in enumerate(folded) if w == typed]
    if len(exact) == 1:
        return exact[0]
    if positional:
        found = _position(fold(text), len(labels))
        if found is not None:
            return found
    starts = [i for i, w in enumerate(folded) if w[: len(typed)] == typed]
    if len(starts) == 1 or not positional:
        return starts[0] if len(starts) == 1 else None
    said = yes_or_no(text)
    pair = yes_no_choices(labels) if said is not None else None
    if pair is not None:
        return pair[0] if said else pair[1]
    within = [i for i, w in enumerate(folded) if _contains(w, typed)]
    return within[0] if len(within) == 1 else None


def _contains(label: list[str], typed: list[str]) -> bool:
    size = len(typed)
    return any(label[i : i + size] == typed for i in range(len(label) - size + 1))


def _position(folded: str, count: int) -> int | None:
    number = _NUMBER.match(folded)
    if number:
        index = int(number.group(1)) - 1
        return index if 0 <= index < count else None
    letter = _LETTER.match(folded)
    if letter and count <= len(LETTERS):
        index = LETTERS.index(letter.group(1))
        return index if index < count else None
    return None
