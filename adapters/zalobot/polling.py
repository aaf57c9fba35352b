"""Polling (getUpdates) for a machine without a public URL (zalo-bot.md §2, polling notes).

getUpdates returns one update at a time, or error 408 when none came within `timeout`. It has
no offset and no acknowledgement: an update it handed out is ours alone, so one that could not
be stored (the database down) is kept in memory and stored again before the next call. It
does not work while a webhook is set, so the poller refuses to start then (`WebhookActive`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from adapters.zalobot.client import NO_UPDATE, QUOTA, ApiError, ZaloBotApi
from adapters.zalobot.inbound import MalformedUpdate, parse_update
from core.errors import StoreUnavailable
from core.messages import IncomingMessage
from core.ports import InboundSink

log = logging.getLogger(__name__)


class WebhookActive(Exception):
    """A webhook is set for the bot: getUpdates does not work while it is."""


class Poller:
    def __init__(self, api: ZaloBotApi, sink: InboundSink, *, now: Callable[[], datetime]) -> None:
        self.api = api
        self.sink = sink
        self.now = now
        self._unstored: IncomingMessage | None = None

    async def check(self) -> None:
        """Raises WebhookActive when a webhook is set."""
        info = await self.api.get_webhook_info()
        url = info.get("url")
        if isinstance(url, str) and url:
            raise WebhookActive(url)

    async def poll_once(self, timeout: int = 0) -> int:
        """Store what is waiting, then one getUpdates call; returns how many were stored."""
        stored = await self._store_unstored()
        update = await self.api.get_updates(timeout)
        if update is None:
            return stored
        try:
            message = parse_update(update, received_at=self.now(), bot_id=self.api.bot_id)
        except MalformedUpdate as exc:
            log.warning("zalobot update dropped, it cannot be read: %s", exc)
            return stored
        if message is None:
            return stored
        self._unstored = message
        return stored + await self._store_unstored()

    async def _store_unstored(self) -> int:
        if self._unstored is None:
            return 0
        await self.sink.accept([self._unstored])  # StoreUnavailable: kept for the next call
        self._unstored = None
        return 1

    async def run(self, stop: asyncio.Event, timeout: int = 30, pause: float = 5.0) -> None:
        """Poll until `stop` is set. Raises WebhookActive at once, and when getUpdates is
        refused later because a webhook was set meanwhile (it needs an operator)."""
        await self.check()
        while not stop.is_set():
            try:
                await self.poll_once(timeout)
                continue
            except StoreUnavailable as exc:
                log.warning("polling paused %.0f s: the store is unavailable (%s)", pause, exc)
            except ApiError as exc:
                if exc.code not in (None, QUOTA, NO_UPDATE):
                    await self.check()
                log.warning("polling paused %.0f s: %s", pause, exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), pause)
