"""Telegram's flood limits, kept on our side so that sends wait instead of failing.

Telegram counts a send when it arrives; we know that instant only as lying between the start
of our request and its answer. So each limit is a sliding window keyed on completions: at
most `limit` sends in any `period`, where a send may start only once the send `limit` places
before it has been *answered* at least `period` ago. Then its arrival comes at least `period`
after that earlier arrival, whatever the network and scheduling delays, and the cost is one
round trip per window instead of a fixed safety margin.

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
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol

from adapters.telegram.traits import GROUP_PER_MINUTE, PAID_BROADCAST_RATE, TRAITS


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


class _Send:
    """One send in a window: open until its answer came back."""

    __slots__ = ("any_answer", "done_at", "finished")

    def __init__(self, any_answer: asyncio.Event) -> None:
        self.done_at = math.inf
        self.finished = asyncio.Event()
        self.any_answer = any_answer

    def finish(self, at: float) -> None:
        self.done_at = at
        self.finished.set()
        self.any_answer.set()


class Window:
    """At most `limit` sends in any `period` seconds, keyed on completions (see the module).

    `gate()` and `start()` must be called under `lock`, with no await between the gate's
    instant being used and `start()`, so that concurrent senders do not share a place.
    """

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self.lock = asyncio.Lock()
        self.not_before = -math.inf  # a flood's retry_after
        self._sends: deque[_Send] = deque()
        self._gate = -math.inf  # only ever moves forward
        self._any_answer = asyncio.Event()

    async def gate(self) -> float:
        """The earliest instant the next send may start; waits while the send `limit`
        places before it is unanswered and so is every send started after it."""
        while len(self._sends) >= self.limit:
            oldest = self._sends[0]
            arrived = await self._arrived(oldest)
            self._sends.popleft()
            self._gate = max(self._gate, arrived + self.period)
        return max(self._gate, self.not_before)

    async def _arrived(self, send: _Send) -> float:
        """An instant by which `send` has reached the platform: its answer, or the first
        answer to a send started after it. A hung call (answered only by our timeout) thus
        holds the window for about one round trip, not for the length of the timeout."""
        while True:
            if send.finished.is_set():
                return send.done_at
            later = [s.done_at for s in self._sends if s is not send and s.finished.is_set()]
            if later:
                return min(later)
            self._any_answer.clear()
            await self._any_answer.wait()

    def start(self) -> _Send:
        send = _Send(self._any_answer)
        self._sends.append(send)
        return send

    def idle(self, now: float) -> bool:
        """Nothing in flight, nothing it could still hold back: safe to forget."""
        last = self._sends[-1].done_at if self._sends else -math.inf
        return (
            not self.lock.locked()
            and last + self.period <= now
            and self._gate <= now
            and self.not_before <= now
        )


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
                    send.finish(done)

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
