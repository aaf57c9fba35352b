"""The leaderboards feature's buttons. The only place their payloads are spelt."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.chat.buttons import CallbackData


class Ranking(StrEnum):
    PEOPLE = "i"
    POINTS_PER_MEMBER = "p"
    TAKING_PART = "t"


class Period(StrEnum):
    ALL_TIME = "a"
    THIS_WEEK = "w"
    CAMPAIGN = "c"


@dataclass(frozen=True, slots=True)
class Board(CallbackData, prefix="lb"):
    """One leaderboard: who is ranked, over which period (a campaign names its id)."""

    ranking: Ranking
    period: Period
    campaign: int | None = None
