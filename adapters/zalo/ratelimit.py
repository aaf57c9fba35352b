"""Zalo counts 4,000 requests per minute per app; with several processes, give each its share
of the limit. The window is keyed on answers (core/pacing.py), and a minute's calls are
spread over its first 36 s: a burst of thousands of calls would hold the worker's event
loop, which other platforms' paced sends share, for seconds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from core.pacing import AnswerKeyedWindow


class SlidingWindowLimiter(AnswerKeyedWindow):
    def __init__(
        self,
        limit: int,
        period: float = 60.0,
        *,
        spread: float = 0.6,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(limit, period, spread=spread, monotonic=monotonic, sleep=sleep)
