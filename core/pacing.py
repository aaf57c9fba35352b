"""Pacing calls to a platform that counts them in a sliding window, waiting for a free slot
instead of failing.

A platform counts a call when it arrives, which the caller only knows to lie between the
start of its request and the answer. So the window is keyed on answers: a call may start only
once the call `limit` places before it was answered at least `period` ago. Its arrival then
falls at least `period` after that earlier arrival, whatever the delays on the way, at the
cost of one round trip per window. (A window keyed on starts drew Messenger's 613 and Zalo's
-32 whenever an early call of a window was delayed.) A hung call, answered only by our
timeout, holds the window only until a call started after it is answered.

Two layers: `Window` is the rule itself, with no clock and no waiting of its own, so a limiter
that must respect several windows at once (Telegram: overall, per chat, per group) combines
them; `AnswerKeyedWindow` is the ready limiter over one window (Messenger, Zalo).

`spread` spaces the calls of a window over its first part (0.6 of a minute: 4,000 calls go in
36 s, one every 9 ms) instead of one burst; 0 allows bursts.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable


class Call:
    """One call in a window: open until `answer(at)` is called."""

    __slots__ = ("_any_answer", "answered_at", "done")

    def __init__(self, any_answer: asyncio.Event) -> None:
        self._any_answer = any_answer
        self.answered_at = math.inf
        self.done = False

    def answer(self, at: float) -> None:
        self.answered_at = at
        self.done = True
        self._any_answer.set()


class Window:
    """At most `limit` calls in any `period` seconds, as the platform sees them.

    `gate()` and `start()` are called under `lock`, with no await between using the gate's
    instant and `start()`, so that concurrent callers do not share a place. `not_before` is a
    pause the platform imposed (a flood's retry-after); it only moves forward.
    """

    def __init__(self, limit: int, period: float) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.period = period
        self.lock = asyncio.Lock()
        self.not_before = -math.inf
        self._calls: deque[Call] = deque()  # the last `limit` calls, oldest first
        self._gate = -math.inf  # no call starts before this; only moves forward
        self._any_answer = asyncio.Event()

    async def gate(self) -> float:
        """The earliest instant the next call may start; waits while the call `limit` places
        before it is unanswered and so is every call started after it."""
        while len(self._calls) >= self.limit:
            arrived = await self._arrived(self._calls[0])
            self._calls.popleft()
            self._gate = max(self._gate, arrived + self.period)
        return max(self._gate, self.not_before)

    def start(self) -> Call:
        call = Call(self._any_answer)
        self._calls.append(call)
        return call

    def idle(self, now: float) -> bool:
        """Nothing in flight, nothing it could still hold back: safe to forget."""
        last = self._calls[-1].answered_at if self._calls else -math.inf
        return (
            not self.lock.locked()
            and last + self.period <= now
            and self._gate <= now
            and self.not_before <= now
        )

    async def _arrived(self, call: Call) -> float:
        """An instant by which `call` has reached the platform: its answer, or the first
        answer to a call started after it. A hung call (answered only by our timeout) thus
        holds the window for about one round trip, not for the length of the timeout."""
        while True:
            if call.done:
                return call.answered_at
            later = [c.answered_at for c in self._calls if c is not call and c.done]
            if later:
                return min(later)
            self._any_answer.clear()
            await self._any_answer.wait()


class AnswerKeyedWindow:
    """At most `limit` calls in any `period` seconds, as the platform sees them: one
    `Window`, waited for on a clock, with the calls spread over the period."""

    def __init__(
        self,
        limit: int,
        period: float,
        *,
        spread: float = 0.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if not 0.0 <= spread <= 1.0:
            raise ValueError("spread must be between 0 and 1")
        self.window = Window(limit, period)
        self.limit = limit
        self.period = period
        self.interval = spread * period / limit  # at least this long between two starts
        self._monotonic = monotonic
        self._sleep = sleep
        self._next = -math.inf  # the spreading's earliest start for the next call
        self.waited = 0.0  # total seconds spent waiting, for benchmarks and logs

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """`async with limiter.slot():` waits until one more call fits in the window, then
        makes it inside; leaving the context is the call's answer."""
        async with self.window.lock:
            wait = max(await self.window.gate(), self._next) - self._monotonic()
            if wait > 0:
                self.waited += wait
                await self._sleep(wait)
            self._next = self._monotonic() + self.interval
            call = self.window.start()
        try:
            yield
        finally:
            call.answer(self._monotonic())
