"""The long-lived parts of a running program, built once by the composition root
(bots/bootstrap.py) and handed to the loops, the routes and the commands."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from bots.inbox import Inbox
from bots.platforms.base import Closer, Platform
from bots.settings import Settings
from core.channel_health import DbChannelHealth
from core.i18n import Catalogs
from core.messages import IncomingMessage, RawUpdate
from core.ports import AttachmentFetcher, Channel, Clock
from core.processing import Processor
from core.storage.mailbox import DbMailbox, DbPayloadStore


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: Engine
    clock: Clock
    catalogs: Catalogs
    processor: Processor
    mailbox: DbMailbox
    payloads: DbPayloadStore
    health: DbChannelHealth
    inbox: Inbox
    platforms: tuple[Platform, ...]
    channels: dict[str, Channel]  # by platform; the terminal chat adds its own
    fetchers: dict[str, AttachmentFetcher]  # files of initiatives, by platform
    closers: list[Closer] = field(default_factory=list)  # HTTP clients
    outbox_ready: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def inbound_ready(self) -> asyncio.Event:
        return self.inbox.ready

    async def accept(self, messages: Sequence[IncomingMessage]) -> int:
        return await self.inbox.accept(messages)

    async def accept_raw(self, updates: Sequence[RawUpdate]) -> None:
        await self.inbox.accept_raw(updates)

    async def aclose(self) -> None:
        """Close the platform clients (the engine belongs to whoever made it)."""
        for close in self.closers:
            await close()
        self.closers.clear()
        if self.processor.spool is not None:
            self.processor.spool.close()

    def dispose(self) -> None:
        if self.processor.spool is not None:
            self.processor.spool.close()
        self.engine.dispose()
