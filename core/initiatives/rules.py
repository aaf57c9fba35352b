"""Pure rules of initiatives: reward bands, the co-author split, tracking codes, benefit
parsing, attachment limits and the duplicate check. No database, no clock."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from itertools import pairwise

from core.chat.attachments import ALLOWED_EXTENSIONS
from core.text import clean, fold

CODE_PREFIX = "SK"
_CODE = re.compile(r"^\s*SK\s*[-_ ]?\s*(\d{4})\s*[-_ ]?\s*(\d{1,9})\s*$", re.I)
MAX_BENEFIT_VND = 10**15  # a thousand thousand billion đồng: anything above is a typo


class Status(StrEnum):
    DRAFT = "draft"
    RECEIVED = "received"
    UNDER_REVIEW = "under_review"
    NEEDS_INFO = "needs_info"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    APPLIED = "applied"


# Which status may follow which. Accepting is allowed from every open status, so an officer
# who already knows the idea need not open the review first.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.RECEIVED}),
    Status.RECEIVED: frozenset(
        {Status.UNDER_REVIEW, Status.NEEDS_INFO, Status.ACCEPTED, Status.REJECTED}
    ),
    Status.UNDER_REVIEW: frozenset({Status.NEEDS_INFO, Status.ACCEPTED, Status.REJECTED}),
    Status.NEEDS_INFO: frozenset({Status.UNDER_REVIEW, Status.ACCEPTED, Status.REJECTED}),
    Status.ACCEPTED: frozenset({Status.APPLIED}),
    Status.REJECTED: frozenset(),
    Status.APPLIED: frozenset(),
}
OPEN = frozenset({Status.RECEIVED, Status.UNDER_REVIEW, Status.NEEDS_INFO})


def may_move(current: str, target: str) -> bool:
    return Status(target) in TRANSITIONS[Status(current)]


def waiting_periods(since: datetime, now: datetime, days: int) -> int:
    """How many whole periods of `days` days have passed since a status change (the number
    of the reminder that is due; 0 before the first)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    return max(0, (now - since) // timedelta(days=days))


# ---- tracking codes -------------------------------------------------------------------------


def tracking_code(year: int, number: int) -> str:
    """`SK-2026-000123`: the year of submission and the initiative's number."""
    if not 1 <= number <= 999_999_999 or not 1000 <= year <= 9999:
        raise ValueError("tracking code out of range")
    return f"{CODE_PREFIX}-{year:04d}-{number:06d}"


def parse_tracking_code(text: str) -> tuple[int, int] | None:
    """(year, number) of a code typed loosely ("sk 2026 123", "SK-2026-000123"), else None."""
    match = _CODE.match(text or "")
    if not match:
        return None
    number = int(match.group(2))
    return (int(match.group(1)), number) if number > 0 else None


# ---- the benefit ----------------------------------------------------------------------------


class BenefitKind(StrEnum):
    MONEY = "money"  # VND a year
    TIME = "time"  # hours saved a year


_UNITS = {
    "k": 1_000,
    "nghin": 1_000,
    "ngan": 1_000,
    "tr": 1_000_000,
    "trieu": 1_000_000,
    "m": 1_000_000,
    "ty": 1_000_000_000,
    "ti": 1_000_000_000,
}
_AMOUNT = re.compile(r"^(-?\d[\d.,]*)([a-z]*)$")
_GROUPED = re.compile(r"\d+|\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+")
_CURRENCY = re.compile(r"(vnd|dong|d)$")


_HOURS = re.compile(r"^(\d{1,3}(?:[.,]\d{3})+|\d+)(?:gio|tieng|h|hours?|hrs?)?$")


def parse_hours(text: str) -> int | None:
    """Hours typed by a person: "600", "600 giờ", "1.200 tiếng", "600h". None otherwise."""
    folded = fold(text).replace(" ", "") if text else ""
    match = _HOURS.match(folded)
    return int(re.sub(r"[.,]", "", match.group(1))) if match else None


def parse_amount(text: str) -> int | None:
    """A non-negative whole amount typed by a person: "15000000", "15.000.000 đ",
    "15 triệu", "1,5 tỷ", "200k". None when it is not a number or negative.

    Dots and commas are thousand separators ("15.000.000") unless exactly one of them is
    followed by one or two digits before a unit word ("1,5 tỷ", "2.5tr")."""
    folded = fold(text).replace(" ", "") if text else ""
    if not folded:
        return None
    match = _AMOUNT.match(_CURRENCY.sub("", folded) if folded[-1:].isalpha() else folded)
    if not match:
        return None
    number, unit = match.group(1), match.group(2)
    if number.startswith("-"):
        return None
    multiplier = 1
    if unit:
        if unit not in _UNITS:
            return None
        multiplier = _UNITS[unit]
    decimal = re.fullmatch(r"(\d+)[.,](\d{1,2})", number)
    if unit and decimal:
        whole, frac = decimal.groups()
        value = (int(whole) * 10 ** len(frac) + int(frac)) * multiplier // 10 ** len(frac)
    elif _GROUPED.fullmatch(number):
        value = int(re.sub(r"[.,]", "", number)) * multiplier
    else:
        return None
    return value if value <= MAX_BENEFIT_VND else None


def benefit_vnd(kind: BenefitKind, amount: int, vnd_per_hour: int) -> int:
    """The benefit the bands are read with: money as given, time at the table's hourly value."""
    return amount if kind == BenefitKind.MONEY else amount * vnd_per_hour


# ---- the reward table -----------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Band:
    """Benefits from `min_vnd` (included) to `max_vnd` (excluded; None: no upper end)."""

    min_vnd: int
    max_vnd: int | None
    reward_vnd: int
    points: int


class TableProblem(StrEnum):
    EMPTY = "table_empty"
    NEGATIVE = "table_negative"
    EMPTY_BAND = "table_empty_band"
    OVERLAP = "table_overlap"
    OPEN_NOT_LAST = "table_open_band_not_last"
    TOO_MANY = "table_too_many_bands"


MAX_BANDS = 30


def table_problem(bands: Sequence[Band]) -> tuple[TableProblem, int] | None:
    """What is wrong with a set of bands, and the (1-based, sorted) band it concerns."""
    if not bands:
        return TableProblem.EMPTY, 0
    if len(bands) > MAX_BANDS:
        return TableProblem.TOO_MANY, MAX_BANDS + 1
    ordered = sorted(bands)
    for index, band in enumerate(ordered, start=1):
        if min(band.min_vnd, band.reward_vnd, band.points) < 0 or (
            band.max_vnd is not None and band.max_vnd < 0
        ):
            return TableProblem.NEGATIVE, index
        if band.max_vnd is not None and band.max_vnd <= band.min_vnd:
            return TableProblem.EMPTY_BAND, index
    for index, (low, high) in enumerate(pairwise(ordered), start=1):
        if low.max_vnd is None:
            return TableProblem.OPEN_NOT_LAST, index
        if high.min_vnd < low.max_vnd:
            return TableProblem.OVERLAP, index + 1
    return None


def band_for(bands: Sequence[Band], benefit: int) -> Band | None:
    """The band a benefit falls in; None below the first band or in a gap (no reward)."""
    for band in bands:
        if band.min_vnd <= benefit and (band.max_vnd is None or benefit < band.max_vnd):
            return band
    return None


_RANGE = re.compile(r"^(.+?)\s*(?:-|–|—|\bđến\b|\bden\b|\bto\b)\s*(.+)$", re.I)
_REWARD = re.compile(r"^(.*?)[\s,;]+(\d+)\s*(?:điểm|diem|points?)?$", re.I)
_OPEN_END = ("+", "∞", "...", "…")


def parse_band_line(line: str) -> Band | None:
    """One band typed as `FROM - TO: REWARD, POINTS` ("0 - 10tr: 500k, 10";
    `TO` may be "+" for no upper end). None when it cannot be read."""
    left, sep, right = clean(line).replace("=", ":").partition(":")
    if not sep:
        return None
    bounds, reward = _RANGE.match(left.strip()), _REWARD.match(right.strip())
    if not bounds or not reward:
        return None
    min_vnd = parse_amount(bounds.group(1))
    high = bounds.group(2).strip()
    max_vnd = None if high in _OPEN_END else parse_amount(high)
    reward_vnd = parse_amount(reward.group(1))
    if min_vnd is None or reward_vnd is None or (max_vnd is None and high not in _OPEN_END):
        return None
    return Band(min_vnd, max_vnd, reward_vnd, int(reward.group(2)))


def effective_table(tables: Sequence[tuple[date, int]], on: date) -> int | None:
    """The id of the table in force on a day: the latest effective date not after it."""
    usable = [(effective, table_id) for effective, table_id in tables if effective <= on]
    return max(usable)[1] if usable else None


# ---- the split among co-authors -------------------------------------------------------------


def split(total: int, shares: int) -> list[int]:
    """Equal shares of a whole amount; the đồng (or points) that do not divide go one each to
    the first authors, the submitter first. The shares add up to the total exactly."""
    if shares < 1:
        raise ValueError("at least one author")
    if total < 0:
        raise ValueError("negative total")
    base, rest = divmod(total, shares)
    return [base + (1 if i < rest else 0) for i in range(shares)]


# ---- attachments ----------------------------------------------------------------------------

ALLOWED_MIME = {
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/heic",
    "image/gif",
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "text/plain",
    "video/mp4",
}
EXECUTABLE_EXTENSIONS = {
    "exe",
    "com",
    "bat",
    "cmd",
    "msi",
    "scr",
    "dll",
    "apk",
    "sh",
    "ps1",
    "vbs",
    "js",
    "jar",
    "app",
    "bin",
    "elf",
}
ACCEPTED_KINDS = {"image", "file", "video"}
# Magic numbers of executables: PE (MZ), ELF, Mach-O (both byte orders, fat), scripts.
EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)


class AttachmentProblem(StrEnum):
    UNAVAILABLE = "attachment_unavailable"
    KIND = "attachment_kind"
    EXECUTABLE = "attachment_executable"
    TYPE = "attachment_type"
    TOO_LARGE = "attachment_too_large"
    TOO_MANY = "attachment_too_many"


def _extension(name: str | None) -> str | None:
    if not name or "." not in name:
        return None
    return name.rsplit(".", 1)[1].lower().strip()


def attachment_problem(
    *,
    kind: str,
    name: str | None,
    mime: str | None,
    size: int | None,
    max_bytes: int,
    extensions: frozenset[str] | set[str] = ALLOWED_EXTENSIONS,
) -> AttachmentProblem | None:
    """Refuse what the platform already tells us is wrong (kind, name, type, declared size);
    the bytes are checked again when the file is fetched (`content_problem`)."""
    if kind not in ACCEPTED_KINDS:
        return AttachmentProblem.KIND
    extension = _extension(name)
    if extension in EXECUTABLE_EXTENSIONS or (mime or "").lower() in {
        "application/x-msdownload",
        "application/x-executable",
        "application/vnd.android.package-archive",
        "application/x-sh",
    }:
        return AttachmentProblem.EXECUTABLE
    if extension is not None and extension not in extensions:
        return AttachmentProblem.TYPE
    if mime and mime.lower() not in ALLOWED_MIME and not mime.lower().startswith("image/"):
        return AttachmentProblem.TYPE
    if size is not None and size > max_bytes:
        return AttachmentProblem.TOO_LARGE
    return None


def content_problem(data: bytes, max_bytes: int) -> AttachmentProblem | None:
    """The fetched bytes: not larger than the limit, not an executable whatever its name."""
    if len(data) > max_bytes:
        return AttachmentProblem.TOO_LARGE
    if data.startswith(EXECUTABLE_MAGIC):
        return AttachmentProblem.EXECUTABLE
    return None


# ---- the duplicate check --------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")
# Words that say nothing about the idea itself (folded Vietnamese and English).
_STOP_TEXT = (
    "va cua cho cac nhung mot la de trong khi thi co duoc voi tu den tai ve nay do "
    "the a an of to in for and on with by is are"
)
STOPWORDS = frozenset(_STOP_TEXT.split())


def normalised(text: str) -> str:
    """NFC, lower case, no diacritics, đ→d, words only: "Giảm  PHẾ phẩm!" → "giam phe pham"."""
    return " ".join(_WORD.findall(fold(text)))


def words(text: str) -> frozenset[str]:
    return frozenset(w for w in normalised(text).split() if w not in STOPWORDS and len(w) > 1)


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the meaningful words of two normalised texts (0..1)."""
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


SIMILAR_AT = 0.35


def similar(
    text: str,
    candidates: Sequence[tuple[int, str]],
    *,
    threshold: float = SIMILAR_AT,
    limit: int = 3,
) -> list[tuple[int, float]]:
    """The candidates (id, normalised text) at least `threshold` similar, most similar first."""
    scored = [(cid, similarity(text, other)) for cid, other in candidates]
    hits = [(cid, score) for cid, score in scored if score >= threshold]
    return sorted(hits, key=lambda item: (-item[1], item[0]))[:limit]
