"""Telegram's flood limits, kept on our side so that sends wait instead of failing.

Each limit is a GCRA schedule without burst: one send per `period / limit` seconds. A send
reserves the earliest instant that suits every limit it falls under (overall, its chat, its
group), then waits until then. Reserving before waiting keeps concurrent senders from
taking the same slot. A 429 from Telegram pushes the chat (or everything, when the flood was
global) back by exactly `retry_after`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol


class Timer(Protocol):
    """Seconds on a monotonic scale, and the wait for a reserved instant.

    `turn(instant)` returns once `instant` has come; the send happens inside the context.
    (A test timer over a fake clock uses the context to let sends reach the fake server in
    the order of their instants.)
    """

    def now(self) -> float: ...

    def turn(self, instant: float) -> contextlib.AbstractAsyncContextManager[None]: ...


class MonotonicTimer:
    def now(self) -> float:
        return time.monotonic()

    @contextlib.asynccontextmanager
    async def turn(self, instant: float) -> AsyncIterator[None]:
        delay = instant - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        yield


@dataclass
class Schedule:
    """The theoretical arrival time of one limit: the next instant a send may go."""

    interval: float
    next_at: float = 0.0

    def reserve(self, instant: float) -> None:
        self.next_at = max(self.next_at, instant) + self.interval


@dataclass(frozen=True)
class Limits:
    overall_per_second: float = 30.0
    paid_per_second: float = 1000.0  # allow_paid_broadcast: 0.1 Star per message
    per_chat_seconds: float = 1.0  # one message per second to one chat
    group_per_minute: float = 20.0
    # Sends paced exactly at a limit reach Telegram with network jitter, and a late one can
    # fall inside the next window's count: every interval is stretched by this fraction.
    margin: float = 0.05


def is_group(chat_id: int | str) -> bool:
    """Private chat ids are positive user ids; groups and channels are negative or @names."""
    if isinstance(chat_id, str):
        return chat_id.startswith("@") or chat_id.startswith("-")
    return chat_id < 0


@dataclass
class RateLimiter:
    limits: Limits = field(default_factory=Limits)
    timer: Timer = field(default_factory=MonotonicTimer)
    _overall: Schedule = field(init=False)
    _paid: Schedule = field(init=False)
    _chats: dict[str, Schedule] = field(init=False, default_factory=dict)
    _groups: dict[str, Schedule] = field(init=False, default_factory=dict)
    _paused_until: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        stretch = 1.0 + self.limits.margin
        self._overall = Schedule(stretch / self.limits.overall_per_second)
        self._paid = Schedule(stretch / self.limits.paid_per_second)
        self._chat_interval = stretch * self.limits.per_chat_seconds
        self._group_interval = stretch * 60.0 / self.limits.group_per_minute

    def _schedules(self, chat_id: int | str, paid: bool) -> list[Schedule]:
        key = str(chat_id)
        chat = self._chats.get(key)
        if chat is None:
            chat = self._chats[key] = Schedule(self._chat_interval)
        schedules = [self._paid if paid else self._overall, chat]
        if is_group(chat_id):
            group = self._groups.get(key)
            if group is None:
                group = self._groups[key] = Schedule(self._group_interval)
            schedules.append(group)
        return schedules

    def reserve(self, chat_id: int | str, *, paid: bool = False) -> float:
        """Take the earliest slot for a send to `chat_id`; returns the instant it may go."""
        now = self.timer.now()
        self._forget_idle(now)
        schedules = self._schedules(chat_id, paid)
        instant = max([now, self._paused_until, *(s.next_at for s in schedules)])
        for schedule in schedules:
            schedule.reserve(instant)
        return instant

    def slot(
        self, chat_id: int | str, *, paid: bool = False
    ) -> contextlib.AbstractAsyncContextManager[None]:
        """`async with limiter.slot(chat):` waits for this send's turn, then sends inside."""
        return self.timer.turn(self.reserve(chat_id, paid=paid))

    def flooded(self, chat_id: int | str | None, retry_after: float) -> None:
        """Telegram answered 429: nothing more to this chat (or at all) for `retry_after`."""
        until = self.timer.now() + retry_after
        if chat_id is None:
            self._paused_until = max(self._paused_until, until)
            return
        chat = self._schedules(chat_id, False)[1]
        chat.next_at = max(chat.next_at, until)

    def _forget_idle(self, now: float) -> None:
        """Chats whose next slot is in the past impose nothing; drop them to bound memory."""
        if len(self._chats) < 10_000:
            return
        for table in (self._chats, self._groups):
            for key in [k for k, s in table.items() if s.next_at <= now]:
                del table[key]
