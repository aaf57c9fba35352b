"""The Telegram limiter's pacing, on a timer where waiting moves time forward (no real time).

A send's arrival at Telegram lies somewhere between the start the limiter gave it and its
answer; the tests below place arrivals at the worst end of that interval and check that no
one-second window of arrivals holds more than 30.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from adapters.telegram.ratelimit import Limits, RateLimiter, is_group

pytestmark = pytest.mark.anyio

START = 1000.0


class StepTimer:
    """Waiting moves time forward; records when each send started."""

    def __init__(self) -> None:
        self.t = START
        self.sent: list[float] = []

    def now(self) -> float:
        return self.t

    async def wait(self, instant: float) -> None:
        self.t = max(self.t, instant)

    @contextlib.asynccontextmanager
    async def turn(self, instant: float) -> AsyncIterator[None]:
        self.t = max(self.t, instant)
        self.sent.append(self.t)
        yield


def most_in_one_second(arrivals: list[float]) -> int:
    ordered = sorted(arrivals)
    return max(sum(1 for u in ordered[i:] if u - t < 1.0) for i, t in enumerate(ordered))


async def test_limiter_paces_overall_per_chat_and_per_group() -> None:
    timer = StepTimer()
    limiter = RateLimiter(Limits(overall_per_second=30), timer)
    for i in range(60):
        async with limiter.slot(1000 + i):
            pass
    assert timer.sent[-1] - timer.sent[0] == pytest.approx(59 / 30)
    timer.sent.clear()
    for _ in range(3):
        async with limiter.slot(7):
            pass
    assert [round(b - a, 6) for a, b in zip(timer.sent, timer.sent[1:], strict=False)] == [1.0, 1.0]
    timer.sent.clear()
    for _ in range(21):
        async with limiter.slot(-100123):
            pass
    assert timer.sent[-1] - timer.sent[0] == pytest.approx(60.0)  # 20 per minute


async def test_paid_mode_and_flood_pause() -> None:
    timer = StepTimer()
    limiter = RateLimiter(Limits(overall_per_second=30, paid_per_second=1000), timer)
    for i in range(100):
        async with limiter.slot(i + 1, paid=True):
            pass
    assert timer.sent[-1] - timer.sent[0] == pytest.approx(99 / 1000)
    limiter.flooded(5, 12)
    start = timer.now()
    async with limiter.slot(5):
        pass
    assert timer.sent[-1] == pytest.approx(start + 12)
    limiter.flooded(None, 3)  # a global flood holds back every chat
    start = timer.now()
    async with limiter.slot(6):
        pass
    assert timer.sent[-1] == pytest.approx(start + 3)


async def test_instant_answers_get_the_whole_rate() -> None:
    """No fixed safety margin: with answers as fast as the requests, 30 a second exactly."""
    timer = StepTimer()
    limiter = RateLimiter(timer=timer)
    for i in range(301):
        async with limiter.slot(i + 1):
            pass
    assert timer.sent[300] - timer.sent[0] == pytest.approx(10.0)
    assert most_in_one_second(timer.sent) == 30


async def test_slow_answers_hold_back_the_send_thirty_places_later() -> None:
    """Three sends reach Telegram late (just before their answer, 0.9 s after they started);
    the send thirty places after the first must then wait one second after that answer,
    or Telegram's window would see 31."""
    timer = StepTimer()
    limiter = RateLimiter(timer=timer)
    answered = asyncio.Event()
    entered = [asyncio.Event() for _ in range(3)]
    arrivals: list[float] = []

    async def slow(chat: int, inside: asyncio.Event) -> None:
        async with limiter.slot(chat):
            inside.set()
            await answered.wait()
            arrivals.append(timer.now())

    slow_sends = [asyncio.create_task(slow(c + 1, entered[c])) for c in range(3)]
    for event in entered:
        await event.wait()
    for chat in range(4, 31):
        async with limiter.slot(chat):
            arrivals.append(timer.now())
    timer.t = max(timer.t, START + 0.9)
    answered.set()
    await asyncio.gather(*slow_sends)
    async with limiter.slot(31):
        arrivals.append(timer.now())
    assert arrivals[-1] >= START + 0.9 + 1.0
    assert most_in_one_second(arrivals) <= 30


async def test_a_hung_send_holds_the_window_only_until_a_later_send_is_answered() -> None:
    """The first send hangs (it reached Telegram; its answer comes only with our timeout).
    The 31st starts one second after the first answer to a send started after it: by then
    the first had arrived. It does not wait for the hung call's timeout."""
    timer = StepTimer()
    limiter = RateLimiter(timer=timer)
    answered = asyncio.Event()
    first_in = asyncio.Event()

    async def first() -> None:
        async with limiter.slot(1):
            first_in.set()
            await answered.wait()

    held = asyncio.create_task(first())
    await first_in.wait()
    for chat in range(2, 31):
        async with limiter.slot(chat):
            pass
    async with limiter.slot(31):
        pass
    assert timer.sent[-1] == pytest.approx(START + 1 / 30 + 1.0)
    assert not held.done()
    answered.set()
    await held


async def test_a_send_waits_for_the_unanswered_one_when_nothing_later_was_answered() -> None:
    """With no later answer to go by, the next send waits one second after the answer of
    the one a window earlier, however late it comes."""
    timer = StepTimer()
    limiter = RateLimiter(Limits(overall_per_second=1), timer=timer)
    answered = asyncio.Event()
    first_in = asyncio.Event()

    async def first() -> None:
        async with limiter.slot(1):
            first_in.set()
            await answered.wait()

    async def second() -> None:
        async with limiter.slot(2):
            pass

    held = asyncio.create_task(first())
    await first_in.wait()
    later = asyncio.create_task(second())
    await asyncio.sleep(0)
    timer.t = START + 5.0
    answered.set()
    await asyncio.gather(held, later)
    assert timer.sent[-1] == pytest.approx(START + 6.0)


async def test_a_chat_waits_one_second_after_its_last_answer() -> None:
    timer = StepTimer()
    limiter = RateLimiter(timer=timer)
    async with limiter.slot(7):
        timer.t += 0.4  # the answer takes 0.4 s; the message may have arrived just before it
    async with limiter.slot(7):
        pass
    assert timer.sent[1] - timer.sent[0] == pytest.approx(1.4)


def test_group_ids() -> None:
    assert is_group(-100) and is_group("@channel") and not is_group(42) and not is_group("42")
