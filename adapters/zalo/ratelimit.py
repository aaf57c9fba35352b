"""A sliding-window limiter: at most `limit` calls in any `period` seconds, waiting for a
free slot instead of failing. Zalo counts 4,000 requests per minute per app; with several
processes, give each its share of the limit."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable


class SlidingWindowLimiter:
    def __init__(
        self,
        limit: int,
        period: float = 60.0,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.period = period
        self._monotonic = monotonic
        self._sleep = sleep
        self._calls: deque[float] = deque()
        self._lock = asyncio.Lock()
        self.waited = 0.0  # total seconds spent waiting, for benchmarks and logs

    def _forget_old(self, now: float) -> None:
        while self._calls and self._calls[0] <= now - self.period:
            self._calls.popleft()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._monotonic()
                self._forget_old(now)
                if len(self._calls) < self.limit:
                    self._calls.append(now)
                    return
                wait = self._calls[0] + self.period - now
                self.waited += wait
                await self._sleep(wait)
