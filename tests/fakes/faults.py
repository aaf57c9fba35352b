"""Faults a fake platform injects at random into its send calls, for the benchmarks: a
share of calls answered with a 5xx (before the call counts against the rate limit, as a
failing front end would), and a share that the platform handles (the message is delivered
and counted) but does not answer until the client gives up."""

from __future__ import annotations

import asyncio
import contextlib
import random
from dataclasses import dataclass, field
from enum import Enum


class Fault(Enum):
    ERROR = "error"
    HANG = "hang"


@dataclass
class Faults:
    error_rate: float = 0.0  # share of send calls answered 502
    hang_rate: float = 0.0  # share of send calls delivered but never answered (until hang_for)
    hang_for: float = 30.0  # seconds a hung call waits before it is answered after all
    seed: int = 14
    errors: int = 0
    hangs: int = 0
    _rng: random.Random = field(init=False, repr=False)
    _released: asyncio.Event | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def draw(self) -> Fault | None:
        """The fault for the next send call, if any (counted here)."""
        if not (self.error_rate or self.hang_rate):
            return None
        roll = self._rng.random()
        if roll < self.error_rate:
            self.errors += 1
            return Fault.ERROR
        if roll < self.error_rate + self.hang_rate:
            self.hangs += 1
            return Fault.HANG
        return None

    async def hang(self) -> None:
        """Hold the answer until `hang_for` passed or `release()` (before the server stops)."""
        if self._released is None:
            self._released = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._released.wait(), timeout=self.hang_for)

    def release(self) -> None:
        if self._released is not None:
            self._released.set()
