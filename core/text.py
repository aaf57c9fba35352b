"""Cleaning of text typed by people: NFC, no invisible characters, bounded length."""

from __future__ import annotations

import re
import unicodedata

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


def split_text(text: str, limit: int) -> list[str]:
    """Split a text into parts of at most `limit` characters: at paragraphs, then sentences,
    then spaces, and only as a last resort inside a word."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = -1
        for sep in ("\n\n", "\n", ". ", "! ", "? ", "; ", " "):
            pos = window.rfind(sep, 0, limit)
            if pos > 0:
                cut = pos + (len(sep) if sep.strip() else 0)
                if sep.strip():
                    cut = pos + len(sep.rstrip())
                break
        if cut <= 0:
            cut = limit
        head = rest[:cut].rstrip()
        if head:
            parts.append(head)
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts
