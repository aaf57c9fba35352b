"""Pacing calls to a platform that counts them in a sliding window, waiting for a free slot
instead of failing.

A platform counts a call when it arrives, which the caller only knows to lie between the
start of its request and the answer. So the window is keyed on answers: a call may start only
once the call `limit` places before it was answered at least `period` ago. Its arrival then
falls at least `period` after that earlier arrival, whatever the delays on the way, at the
cost of one round trip per window. (A window keyed on starts drew Messenger's 613 and Zalo's
-32 whenever an early call of a window was delayed.)

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


class _Call:
    __slots__ = ("answered", "answered_at")

    def __init__(self) -> None:
        self.answered_at = math.inf
        self.answered = asyncio.Event()

    @property
    def done(self) -> bool:
        return self.answered.is_set()


class AnswerKeyedWindow:
    """At most `limit` calls in any `period` seconds, as the platform sees them."""

    def __init__(
        self,
        limit: int,
        period: float,
        *,
        spread: float = 0.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        if not 0.0 <= spread <= 1.0:
            raise ValueError("spread must be between 0 and 1")
        self.limit = limit
        self.period = period
        self.interval = spread * period / limit  # at least this long between two starts
        self._monotonic = monotonic
        self._sleep = sleep
        self._calls: deque[_Call] = deque()  # the last `limit` calls, oldest first
        self._gate = -math.inf  # no call starts before this; only moves forward
        self._next = -math.inf  # the spreading's earliest start for the next call
        self._lock = asyncio.Lock()
        self._any_answer = asyncio.Event()
        self.waited = 0.0  # total seconds spent waiting, for benchmarks and logs

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """`async with limiter.slot():` waits until one more call fits in the window, then
        makes it inside; leaving the context is the call's answer."""
        async with self._lock:
            while len(self._calls) >= self.limit:
                oldest = self._calls[0]
                arrived = await self._arrived(oldest)
                self._calls.popleft()
                self._gate = max(self._gate, arrived + self.period)
            wait = max(self._gate, self._next) - self._monotonic()
            if wait > 0:
                self.waited += wait
                await self._sleep(wait)
            self._next = self._monotonic() + self.interval
            call = _Call()
            self._calls.append(call)
        try:
            yield
        finally:
            call.answered_at = self._monotonic()
            call.answered.set()
            self._any_answer.set()

    async def _arrived(self, call: _Call) -> float:
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
