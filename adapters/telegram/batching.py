"""Group commit for webhook calls: concurrent updates share one `InboundSink.accept`.

Under load Telegram holds up to `max_connections` webhook calls open at once. Storing each
in its own transaction costs a commit and a thread hop apiece; here, while one store runs,
the updates that arrive meanwhile wait together and go in the next one. Every caller still
returns only after the store that holds its update committed (or failed: then each of them
answers 503 and Telegram delivers again), so nothing is acknowledged before it is durable.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from core.messages import IncomingMessage
from core.ports import InboundSink


@dataclass
class _Batch:
    messages: list[IncomingMessage]
    done: asyncio.Future[int]


def _consume(future: asyncio.Future[int]) -> None:
    """Mark a failure as seen even when every waiter went away (no 'never retrieved')."""
    if not future.cancelled():
        future.exception()


class GroupCommit:
    """An `InboundSink` in front of another. `accept` returns how many messages of the whole
    group were new, so a caller learns only that its store committed, not whether its own
    update was a duplicate (the unique key decides that inside the store)."""

    def __init__(self, sink: InboundSink, max_batch: int = 256) -> None:
        self.sink = sink
        self.max_batch = max_batch
        self._queue: deque[_Batch] = deque()
        self._running = False
        self._task: asyncio.Task[None] | None = None  # kept: the loop holds tasks weakly

    async def accept(self, messages: Sequence[IncomingMessage]) -> int:
        loop = asyncio.get_running_loop()
        if not self._queue or len(self._queue[-1].messages) >= self.max_batch:
            future: asyncio.Future[int] = loop.create_future()
            future.add_done_callback(_consume)
            self._queue.append(_Batch([], future))
        batch = self._queue[-1]
        batch.messages.extend(messages)
        if not self._running:
            self._running = True
            self._task = loop.create_task(self._drain())
        return await asyncio.shield(batch.done)

    async def _drain(self) -> None:
        try:
            while self._queue:
                batch = self._queue.popleft()
                try:
                    new = await self.sink.accept(batch.messages)
                except Exception as exc:  # every waiter answers for itself (503)
                    batch.done.set_exception(exc)
                else:
                    batch.done.set_result(new)
        finally:
            self._running = False
