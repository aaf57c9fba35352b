"""The scoring rule of a quiz answer. Pure: no clock, no database.

- A wrong answer, or an answer after the question's time limit, gives 0 points.
- A correct answer gives `base` points (1000 by default).
- Speed bonus on: the points fall linearly with the answer time, from `base` for an answer at
  once to half of `base` (rounded up) at the time limit, as in Kahoot:
  `base - floor(base * min(elapsed, limit) / (2 * limit))`, in whole milliseconds so that the
  same answer always gives the same points on every machine.
- Streak bonus on: each correct answer right before this one, up to `STREAK_CAP`, adds
  `STREAK_STEP` points to a correct answer (a wrong or late answer resets the streak).

So a correct answer is worth between ceil(base / 2) and base + STREAK_CAP * STREAK_STEP points;
answering later never gives more, a longer streak never gives less.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_BASE = 1000
STREAK_STEP = 100
STREAK_CAP = 5


@dataclass(frozen=True)
class ScoringSwitches:
    base: int = DEFAULT_BASE
    speed_bonus: bool = True
    streak_bonus: bool = False


def answer_points(
    *,
    correct: bool,
    elapsed_ms: int,
    limit_ms: int | None,
    streak_before: int,
    switches: ScoringSwitches,
) -> int:
    """Points for one answer; `streak_before` counts the correct answers just before it."""
    if not correct or late(elapsed_ms=elapsed_ms, limit_ms=limit_ms):
        return 0
    points = switches.base
    if switches.speed_bonus and limit_ms:
        taken = min(max(elapsed_ms, 0), limit_ms)
        points -= (switches.base * taken) // (2 * limit_ms)
    if switches.streak_bonus:
        points += min(max(streak_before, 0), STREAK_CAP) * STREAK_STEP
    return points


def late(*, elapsed_ms: int, limit_ms: int | None) -> bool:
    return limit_ms is not None and elapsed_ms > limit_ms


def next_streak(*, streak_before: int, counted_correct: bool) -> int:
    return streak_before + 1 if counted_correct else 0


def max_points(switches: ScoringSwitches) -> int:
    return switches.base + (STREAK_CAP * STREAK_STEP if switches.streak_bonus else 0)
