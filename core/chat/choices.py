"""What a typed answer means when choices were offered: the rule, in one place.

A person may answer a question that offered choices by tapping, or by typing the number
("2", "2.", "số 2"), the letter ("b", "B)") or the label, with or without diacritics and in
either case ("dong y" for «Đồng ý», "co" for «Có, đột xuất» when no other label starts so).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.text import fold

_NUMBER = re.compile(r"^(?:so|số|#|no\.?|number)?\s*([0-9]{1,3})\s*[.)]?$", re.I)
_LETTER = re.compile(r"^([a-z])\s*[.)]?$")
_WORDS = re.compile(r"[^\w]+")
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def words(text: str) -> list[str]:
    return [w for w in _WORDS.split(fold(text)) if w]


def match(text: str, labels: Sequence[str], *, positional: bool = True) -> int | None:
    """The index of the choice the text names, or None.

    Order: the whole label; then (when `positional`) the number, then the letter; then the one
    label whose first words are the typed words; then (when `positional`) the one label that
    has the typed words in a row ("dong y" for «Tôi đồng ý»). A text that fits two labels
    matches none.
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
