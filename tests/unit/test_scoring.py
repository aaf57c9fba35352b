"""The scoring rule: bounds and monotonicity, for every switch setting."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.quizzes.scoring import (
    STREAK_CAP,
    STREAK_STEP,
    ScoringSwitches,
    answer_points,
    max_points,
)

switches = st.builds(
    ScoringSwitches,
    base=st.integers(1, 10_000),
    speed_bonus=st.booleans(),
    streak_bonus=st.booleans(),
)
limits = st.one_of(st.none(), st.integers(1, 3_600_000))
elapsed = st.integers(0, 4_000_000)
streaks = st.integers(0, 50)


@given(s=switches, limit=limits, t=elapsed, streak=streaks, correct=st.booleans())
def test_points_stay_within_bounds(s, limit, t, streak, correct):
    points = answer_points(
        correct=correct, elapsed_ms=t, limit_ms=limit, streak_before=streak, switches=s
    )
    assert 0 <= points <= max_points(s)
    if not correct or (limit is not None and t > limit):
        assert points == 0
    else:
        assert points >= (s.base + 1) // 2  # never below half, rounded up


@given(s=switches, limit=st.integers(1, 3_600_000), t1=elapsed, t2=elapsed, streak=streaks)
def test_answering_later_never_gives_more(s, limit, t1, t2, streak):
    early, later = sorted((t1, t2))
    kwargs = dict(correct=True, limit_ms=limit, streak_before=streak, switches=s)
    assert answer_points(elapsed_ms=early, **kwargs) >= answer_points(elapsed_ms=later, **kwargs)


@given(s=switches, limit=limits, t=elapsed, a=streaks, b=streaks)
def test_a_longer_streak_never_gives_less(s, limit, t, a, b):
    short, long = sorted((a, b))
    kwargs = dict(correct=True, elapsed_ms=t, limit_ms=limit, switches=s)
    assert answer_points(streak_before=short, **kwargs) <= answer_points(
        streak_before=long, **kwargs
    )


def test_kahoot_like_full_at_once_half_at_the_limit():
    s = ScoringSwitches(base=1000, speed_bonus=True, streak_bonus=False)
    kwargs = dict(correct=True, limit_ms=20_000, streak_before=0, switches=s)
    assert answer_points(elapsed_ms=0, **kwargs) == 1000
    assert answer_points(elapsed_ms=10_000, **kwargs) == 750
    assert answer_points(elapsed_ms=20_000, **kwargs) == 500
    assert answer_points(elapsed_ms=20_001, **kwargs) == 0  # late: refused


def test_speed_off_gives_full_points_until_the_limit():
    s = ScoringSwitches(base=1000, speed_bonus=False)
    assert (
        answer_points(correct=True, elapsed_ms=19_999, limit_ms=20_000, streak_before=0, switches=s)
        == 1000
    )


def test_streak_bonus_is_capped():
    s = ScoringSwitches(base=1000, speed_bonus=False, streak_bonus=True)
    kwargs = dict(correct=True, elapsed_ms=0, limit_ms=None, switches=s)
    assert answer_points(streak_before=1, **kwargs) == 1000 + STREAK_STEP
    assert answer_points(streak_before=99, **kwargs) == 1000 + STREAK_CAP * STREAK_STEP
