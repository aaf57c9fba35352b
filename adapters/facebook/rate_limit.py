"""Per-Page pacing of Send API calls: at most N calls in any one-second window (Meta allows
300/s per Page for text). A caller over the limit waits for its turn instead of failing.

Meta counts a call when it arrives, which we only know to lie between the start of our
request and its answer. So the window is keyed on answers: a call may start only once the
call N places before it was answered at least a window ago. Its arrival then falls at least a
window after that earlier arrival, whatever the delays on the way, at the cost of one round
trip per window (a start-keyed window drew 613s whenever an early call was delayed, and each
613 pauses the Page for a minute or more).

A throttle answer from Meta (613, 4) pauses the whole Page: sending more would only prolong
it, so the channel reports RATE_LIMITED with the time left instead of calling the API.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable


class _Call:
    __slots__ = ("answered", "answered_at")

    def __init__(self) -> None:
        self.answered_at = math.inf
        self.answered = asyncio.Event()


class PageRateLimiter:
    def __init__(
        self,
        calls_per_second: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if calls_per_second <= 0:
            raise ValueError("calls_per_second must be positive")
        self.window = 1.0
        self.capacity = max(1, int(calls_per_second))
        if calls_per_second < 1:  # e.g. 0.5/s: one call per 2 s
            self.window = 1.0 / calls_per_second
        self._calls: deque[_Call] = deque()  # the last `capacity` calls, oldest first
        self._gate = -math.inf  # no call starts before this; only moves forward
        self._monotonic = monotonic
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._paused_until = 0.0
        self._backoff: float | None = None

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """`async with limiter.slot():` waits until one more call fits in the window, then
        makes it inside; leaving the context is the call's answer."""
        async with self._lock:
            while len(self._calls) >= self.capacity:
                oldest = self._calls[0]
                await oldest.answered.wait()
                self._calls.popleft()
                self._gate = max(self._gate, oldest.answered_at + self.window)
            delay = self._gate - self._monotonic()
            if delay > 0:
                await self._sleep(delay)
            call = _Call()
            self._calls.append(call)
        try:
            yield
        finally:
            call.answered_at = self._monotonic()
            call.answered.set()

    def paused_for(self) -> float:
        """Seconds left of a pause Meta imposed (0 when sending is allowed)."""
        return max(0.0, self._paused_until - self._monotonic())

    def pause(self, first: float, cap: float) -> float:
        """Pause after a throttle answer: `first` seconds, doubling while throttles continue."""
        self._backoff = first if self._backoff is None else min(self._backoff * 2, cap)
        self._paused_until = max(self._paused_until, self._monotonic() + self._backoff)
        return self._backoff

    def pause_exactly(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)

    def succeeded(self) -> None:
        self._backoff = None
