"""Pure quiz rules: option order per attempt, availability, answer checks."""

from __future__ import annotations

import hashlib
import random
from datetime import datetime

MIN_OPTIONS = 2
MAX_OPTIONS = 6


def option_order(*, attempt_id: int, question_id: int, count: int, shuffle: bool) -> list[int]:
    """The order a member sees the options in: shuffled, and the same every time the question
    is shown again in this attempt (seeded by the attempt and the question)."""
    order = list(range(count))
    if shuffle:
        seed = hashlib.sha256(f"{attempt_id}:{question_id}".encode()).digest()
        random.Random(seed).shuffle(order)
    return order


def parse_correct(value: str) -> frozenset[int]:
    return frozenset(int(part) for part in value.split(",") if part.strip())


def format_correct(indexes: frozenset[int] | set[int] | list[int]) -> str:
    return ",".join(str(i) for i in sorted(indexes))


def availability(*, opens_at: datetime, closes_at: datetime, published: bool, now: datetime) -> str:
    """ "open", "not_published", "not_yet" or "closed"."""
    if not published:
        return "not_published"
    if now < opens_at:
        return "not_yet"
    if now >= closes_at:
        return "closed"
    return "open"


def elapsed_ms(asked_at: datetime, now: datetime) -> int:
    return max(0, int((now - asked_at).total_seconds() * 1000))
