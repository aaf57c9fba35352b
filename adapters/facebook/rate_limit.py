"""Per-Page pacing of Send API calls: at most N calls in any one-second window (Meta allows
300/s per Page for text). A caller over the limit waits for its turn instead of failing.

The window is keyed on answers (core/pacing.py): Meta counts a call when it arrives, and a
window keyed on starts drew 613s whenever an early call was delayed; each 613 pauses the Page
for a minute or more.

A throttle answer from Meta (613, 4) pauses the whole Page: sending more would only prolong
it, so the channel reports RATE_LIMITED with the time left instead of calling the API.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from core.pacing import AnswerKeyedWindow


class PageRateLimiter(AnswerKeyedWindow):
    def __init__(
        self,
        calls_per_second: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if calls_per_second <= 0:
            raise ValueError("calls_per_second must be positive")
        if calls_per_second < 1:  # e.g. 0.5/s: one call per 2 s
            super().__init__(1, 1.0 / calls_per_second, monotonic=monotonic, sleep=sleep)
        else:
            super().__init__(int(calls_per_second), 1.0, monotonic=monotonic, sleep=sleep)
        self._paused_until = 0.0
        self._backoff: float | None = None

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
