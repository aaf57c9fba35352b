"""Telegram's flood limits, kept on our side so that sends wait instead of failing.

Each limit is one of the shared answer-keyed windows of core/pacing.py (a send may start
only once the send `limit` places before it has been answered at least `period` ago, and a
hung send holds the window only until a later one is answered); this module combines them:
a send waits for its chat's (and group's) window, then for the overall one.

The overall limit (30/s, or 1000/s with `allow_paid_broadcast`) is also spread evenly (one
send per `1/limit` s) rather than let out in bursts; a chat gets one message per second and a
group 20 a minute. A 429 from Telegram pushes the chat (or everything, when the flood was
global) back by exactly `retry_after`.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol

from adapters.telegram.traits import GROUP_PER_MINUTE, PAID_BROADCAST_RATE, TRAITS
from core.pacing import Window


class Timer(Protocol):
    """Seconds on a monotonic scale, and the waits for an instant.

    `wait(instant)` returns once `instant` has come. `turn(instant)` does the same and the
    send happens inside the context. (A test timer over a fake clock uses the context to let
    sends reach the fake server in the order of their instants.)
    """

    def now(self) -> float: ...

    async def wait(self, instant: float) -> None: ...

    def turn(self, instant: float) -> contextlib.AbstractAsyncContextManager[None]: ...


class MonotonicTimer:
    def now(self) -> float:
        return time.monotonic()

    async def wait(self, instant: float) -> None:
        delay = instant - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)

    @contextlib.asynccontextmanager
    async def turn(self, instant: float) -> AsyncIterator[None]:
        await self.wait(instant)
        yield


@dataclass
class Spacing:
    """One send per `interval` at most: spreads a limit's sends evenly over its period."""

    interval: float
    next_at: float = -math.inf

    def reserve(self, instant: float) -> None:
        self.next_at = max(self.next_at, instant) + self.interval


@dataclass(frozen=True)
class Limits:
    """Telegram's flood limits as adapters/telegram/traits.py declares them."""

    overall_per_second: float = TRAITS.send_rate
    paid_per_second: float = PAID_BROADCAST_RATE  # allow_paid_broadcast: 0.1 Star per message
    per_chat_seconds: float = 1.0 / TRAITS.chat_send_rate  # one message a second to one chat
    group_per_minute: float = GROUP_PER_MINUTE


def is_group(chat_id: int | str) -> bool:
    """Private chat ids are positive user ids; groups and channels are negative or @names."""
    if isinstance(chat_id, str):
        return chat_id.startswith("@") or chat_id.startswith("-")
    return chat_id < 0


CHAT_MEMORY = 10_000  # chats remembered before the idle ones are forgotten


@dataclass
class RateLimiter:
    limits: Limits = field(default_factory=Limits)
    timer: Timer = field(default_factory=MonotonicTimer)
    _overall: Window = field(init=False)
    _paid: Window = field(init=False)
    _chats: dict[str, Window] = field(init=False, default_factory=dict)
    _groups: dict[str, Window] = field(init=False, default_factory=dict)
    _paused_until: float = field(init=False, default=-math.inf)

    def __post_init__(self) -> None:
        overall = max(1, math.floor(self.limits.overall_per_second))
        paid = max(1, math.floor(self.limits.paid_per_second))
        self._overall = Window(overall, overall / self.limits.overall_per_second)
        self._paid = Window(paid, paid / self.limits.paid_per_second)
        self._spacing = {
            False: Spacing(1.0 / self.limits.overall_per_second),
            True: Spacing(1.0 / self.limits.paid_per_second),
        }
        group = max(1, math.floor(self.limits.group_per_minute))
        self._group_limit = (group, 60.0 * group / self.limits.group_per_minute)

    def _chat(self, key: str) -> Window:
        chat = self._chats.get(key)
        if chat is None:
            self._forget_idle()
            chat = self._chats[key] = Window(1, self.limits.per_chat_seconds)
        return chat

    def _group(self, key: str) -> Window:
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = Window(*self._group_limit)
        return group

    @contextlib.asynccontextmanager
    async def slot(self, chat_id: int | str, *, paid: bool = False) -> AsyncIterator[None]:
        """`async with limiter.slot(chat):` waits for this send's turn, then sends inside;
        leaving the context is the send's completion."""
        key = str(chat_id)
        own = [self._chat(key)]
        if is_group(chat_id):
            own.append(self._group(key))
        async with contextlib.AsyncExitStack() as stack:
            for window in own:  # always chat before group: no two senders wait in a cycle
                await stack.enter_async_context(window.lock)
            # A send that must wait for its own chat does not hold a place in the overall
            # window meanwhile: it waits first, then queues for the overall limit.
            ready = max([await w.gate() for w in own])
            if ready > self.timer.now():
                await self.timer.wait(ready)
            overall = self._paid if paid else self._overall
            spacing = self._spacing[paid]
            async with overall.lock:
                gate = max([await overall.gate(), *[await w.gate() for w in own]])
                instant = max(self.timer.now(), gate, spacing.next_at, self._paused_until)
                spacing.reserve(instant)
                sends = [w.start() for w in (overall, *own)]
            try:
                async with self.timer.turn(instant):
                    yield
            finally:
                done = self.timer.now()
                for send in sends:
                    send.answer(done)

    def flooded(self, chat_id: int | str | None, retry_after: float) -> None:
        """Telegram answered 429: nothing more to this chat (or at all) for `retry_after`."""
        until = self.timer.now() + retry_after
        if chat_id is None:
            self._paused_until = max(self._paused_until, until)
            return
        chat = self._chat(str(chat_id))
        chat.not_before = max(chat.not_before, until)

    def _forget_idle(self) -> None:
        """Chats whose limits hold nothing back any more; dropped to bound memory."""
        if len(self._chats) < CHAT_MEMORY:
            return
        now = self.timer.now()
        for table in (self._chats, self._groups):
            for key in [k for k, w in table.items() if w.idle(now)]:
                del table[key]
