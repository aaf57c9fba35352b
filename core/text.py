"""Cleaning of text typed by people: NFC, no invisible characters, bounded length."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0]+")

MAX_INBOUND_TEXT = 4000  # longer texts are cut before they reach a handler; nobody types more


def clean(text: str | None) -> str:
    """NFC-normalise, drop zero-width characters and control characters, trim spaces.

    Vietnamese arrives in NFD from some keyboards (macOS, some Android IMEs); storing it as
    typed would make "Nguyễn" and "Nguyễn" different names.
    """
    if not text:
        return ""
    if text.isprintable() and unicodedata.is_normalized("NFC", text):
        return _SPACES.sub(" ", text).strip()  # one line, nothing invisible: most text
    return _clean_all(text)


def _clean_all(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(ZERO_WIDTH)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(lines).strip()


def has_letter(text: str) -> bool:
    return any(unicodedata.category(ch).startswith("L") for ch in text)


def _base_letters() -> dict[int, str | None]:
    """Every Latin letter with diacritics (Vietnamese's among them) to its base letter, and
    every combining mark to nothing: folding is then one `str.translate`."""
    table: dict[int, str | None] = {ord("đ"): "d", ord("Đ"): "d"}
    for code in range(0x00C0, 0x2000):
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if unicodedata.category(c) != "Mn"
        )
        if unicodedata.category(char) == "Mn":
            table[code] = None
        elif base != char and base:
            table[code] = base
    return table


_FOLD = _base_letters()


def fold(text: str) -> str:
    """Lower-case and strip diacritics, for matching what people type ("dong y" ~ "Đồng ý")."""
    folded = clean(text).lower().translate(_FOLD)
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFD", folded)  # letters of other scripts
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def split_text(text: str, limit: int, length: Callable[[str], int] = len) -> list[str]:
    """Split a text into parts of at most `limit` units as `length` counts them (code points by
    default; a platform's own count, e.g. UTF-16 units for Telegram): at paragraphs, then
    sentences, then spaces, and only as a last resort inside a word. Only spaces at the cuts
    are dropped."""
    if length(text) <= limit:
        return [text]
    parts: list[str] = []
    rest = text
    while length(rest) > limit:
        fits = _fitting_prefix(rest, limit, length)
        window = rest[: fits + 1]
        cut = -1
        for sep in ("\n\n", "\n", ". ", "! ", "? ", "; ", " "):
            pos = window.rfind(sep, 0, fits)
            if pos > 0:
                cut = pos + len(sep.rstrip()) if sep.strip() else pos
                break
        if cut <= 0:
            cut = fits
        head = rest[:cut].rstrip()
        if head:
            parts.append(head)
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _fitting_prefix(text: str, limit: int, length: Callable[[str], int]) -> int:
    """How many code points of `text` fit in `limit` units (at least one, so that a split
    always moves on). `length` must grow with the prefix, as every platform's count does."""
    if length is len:
        return max(1, min(limit, len(text)))
    low, high = 1, min(limit, len(text))  # no code point counts for less than one unit
    while low < high:
        middle = (low + high + 1) // 2
        if length(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def clip(text: str, limit: int) -> str:
    """`text` in at most `limit` characters: cut at the last space that fits, with "…" to say
    something was left out (a button's label, a list's line)."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if not text[limit - 1].isspace() and space > limit // 2:
        head = head[:space]  # not in the middle of a word
    return head.rstrip(" ,.;:-–") + "…"
