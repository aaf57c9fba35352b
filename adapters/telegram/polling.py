"""Long polling (getUpdates) for a machine without a public URL.

An update is confirmed to Telegram (the next offset) only after it was stored, so stopping
or crashing loses nothing: Telegram hands the unconfirmed ones out again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram.error import Conflict, NetworkError

from adapters.telegram.inbound import ALLOWED_UPDATES, TelegramInbound
from core.errors import StoreUnavailable

log = logging.getLogger(__name__)


class WebhookActive(Exception):
    """getUpdates answered 409: a webhook is set (or another poller runs)."""


class Poller:
    def __init__(self, inbound: TelegramInbound) -> None:
        self.inbound = inbound
        self.offset: int | None = None

    async def poll_once(self, timeout: int = 0) -> int:
        """One getUpdates call; returns how many updates it handled."""
        try:
            updates = await self.inbound.bot.get_updates(
                offset=self.offset, timeout=timeout, allowed_updates=list(ALLOWED_UPDATES)
            )
        except Conflict as exc:
            raise WebhookActive(str(exc)) from exc
        for update in updates:
            outcome = await self.inbound.receive(update.to_dict(), update.to_json())
            if outcome.callback_query_id is not None:
                await self.inbound.answer_callback(outcome.callback_query_id)
            self.offset = update.update_id + 1
        return len(updates)

    async def run(self, stop: asyncio.Event, timeout: int = 30, pause: float = 5.0) -> None:
        """Poll until `stop` is set. Raises WebhookActive at once (it needs an operator)."""
        while not stop.is_set():
            try:
                await self.poll_once(timeout)
            except (NetworkError, StoreUnavailable) as exc:  # timeouts, 5xx, database down
                log.warning("polling paused %.0f s: %s", pause, exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), pause)
