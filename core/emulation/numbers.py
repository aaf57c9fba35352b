"""Figures as people type them in Vietnam: "1.000" is a thousand, "1,5" is one and a half,
"1 triệu" is a million, "12%" is 12. Pure, so the chat and the desk read them alike."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from core.text import fold

MAX_DIGITS = 15  # nothing a union counts is larger; a longer figure is a typing slip
_SCALES = {
    "nghin": Decimal(1_000),
    "ngan": Decimal(1_000),
    "k": Decimal(1_000),
    "thousand": Decimal(1_000),
    "trieu": Decimal(1_000_000),
    "tr": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "ty": Decimal(1_000_000_000),
    "billion": Decimal(1_000_000_000),
}
_SHAPE = re.compile(r"^([+-]?)([\d.,]+)\s*(%|[a-z]+)?$")
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")  # 1.000 or 12.345.678
_GROUPED_COMMA = re.compile(r"^\d{1,3}(,\d{3}){2,}$")  # 1,000,000 (only with two groups)


def _digits(body: str) -> Decimal | None:
    if _GROUPED.match(body):
        body = body.replace(".", "")
    elif _GROUPED_COMMA.match(body):
        body = body.replace(",", "")
    elif "," in body and "." in body:
        if body.rfind(",") < body.rfind("."):  # 1,234.5 as written in English
            body = body.replace(",", "")
        else:  # 1.234,5 as written in Vietnamese
            body = body.replace(".", "").replace(",", ".")
    else:
        body = body.replace(",", ".")
    if body.count(".") > 1 or not body.strip(".") or len(body.replace(".", "")) > MAX_DIGITS:
        return None
    try:
        return Decimal(body)
    except InvalidOperation:
        return None


def parse_amount(text: str) -> Decimal | None:
    """The figure typed, or None when it is not one."""
    found = _SHAPE.match(fold(text).replace("\u00a0", " ").strip())
    if not found:
        return None
    sign, body, word = found.groups()
    value = _digits(body)
    if value is None:
        return None
    if word and word != "%":
        if word not in _SCALES:
            return None
        value *= _SCALES[word]
    return -value if sign == "-" else value


def plain(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros, for forms: 120, 0.02, 1.5."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
