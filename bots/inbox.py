"""Where every webhook puts what it received: the `InboundSink` of core/ports.py, built once by
the composition root and given to each platform's routes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from core.errors import StoreUnavailable
from core.messages import IncomingMessage, RawUpdate
from core.processing import Processor

log = logging.getLogger(__name__)


class Inbox:
    """Stores inbound messages durably and wakes the processing loop (`ready`)."""

    def __init__(self, processor: Processor) -> None:
        self.processor = processor
        self.ready = asyncio.Event()

    async def accept(self, messages: Sequence[IncomingMessage]) -> int:
        try:
            new = await asyncio.to_thread(self.processor.store, messages)
        except StoreUnavailable:
            log.error("inbound store unavailable; the platform will redeliver")
            raise
        if new:
            self.ready.set()
        return new

    async def accept_raw(self, updates: Sequence[RawUpdate]) -> None:
        """For webhooks that store updates as they came (read later by a platform decoder)."""
        try:
            await asyncio.to_thread(self.processor.store_raw, updates)
        except StoreUnavailable:
            log.error("inbound store unavailable; the platform will redeliver")
            raise
        self.ready.set()
