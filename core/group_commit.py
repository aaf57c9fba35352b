"""Group commit for webhook calls: concurrent updates share one store.

Under load a platform holds many webhook calls open at once (Telegram up to
`max_connections`). Storing each in its own transaction costs a commit and a thread hop
apiece; here, while one store runs, the updates that arrive meanwhile wait together and go in
the next one. Every caller still returns only after the store that holds its update committed
(or failed: then each of them answers 503 and the platform delivers again), so nothing is
acknowledged before it is durable. Used by the Telegram and Zalo Bot webhooks.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class _Batch(Generic[T]):
    items: list[T]
    done: asyncio.Future[None]


def _consume(future: asyncio.Future[None]) -> None:
    """Mark a failure as seen even when every waiter went away (no 'never retrieved')."""
    if not future.cancelled():
        future.exception()


class GroupCommit(Generic[T]):
    """Calls `store` with the items of every caller that arrived while the previous store
    ran (at most `max_batch` at a time); `add` returns once its item's store committed."""

    def __init__(
        self, store: Callable[[Sequence[T]], Awaitable[object]], max_batch: int = 256
    ) -> None:
        self.store = store
        self.max_batch = max_batch
        self._queue: deque[_Batch[T]] = deque()
        self._running = False
        self._task: asyncio.Task[None] | None = None  # kept: the loop holds tasks weakly

    async def add(self, item: T) -> None:
        loop = asyncio.get_running_loop()
        if not self._queue or len(self._queue[-1].items) >= self.max_batch:
            future: asyncio.Future[None] = loop.create_future()
            future.add_done_callback(_consume)
            self._queue.append(_Batch([], future))
        batch = self._queue[-1]
        batch.items.append(item)
        if not self._running:
            self._running = True
            self._task = loop.create_task(self._drain())
        await asyncio.shield(batch.done)

    async def _drain(self) -> None:
        try:
            while self._queue:
                batch = self._queue.popleft()
                try:
                    await self.store(batch.items)
                except Exception as exc:  # every waiter answers for itself (503)
                    batch.done.set_exception(exc)
                else:
                    batch.done.set_result(None)
        finally:
            self._running = False
