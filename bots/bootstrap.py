"""The composition root: builds the engine, the core services and the channels from settings."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from adapters.webchat.channel import WebchatChannel
from bots.attachments import attachment_limits
from bots.scheduling import delivery_policy
from bots.settings import Settings
from core.campaigns.handlers import router as campaigns_router
from core.channel_health import DbChannelHealth
from core.clock import SystemClock
from core.commendations.handlers import router as commendations_router
from core.dispatch import ChatConfig, Dispatcher
from core.errors import StoreUnavailable
from core.i18n import Catalogs
from core.initiatives.handlers import router as initiatives_router
from core.leaderboards.handlers import router as leaderboards_router
from core.linking import routers as linking_routers
from core.members import fallbacks, menu, onboarding, privacy
from core.messages import IncomingMessage, RawUpdate
from core.ports import AttachmentFetcher, Channel, Clock
from core.processing import Processor
from core.quizzes.handlers import router as quizzes_router
from core.storage.engine import make_engine
from core.storage.mailbox import DbMailbox, DbPayloadStore
from core.storage.spool import InboundSpool, spool_path_for
from core.websignin.handlers import router as websignin_router

log = logging.getLogger(__name__)


def build_dispatcher() -> Dispatcher:
    return Dispatcher(
        [
            onboarding.router,
            privacy.router,
            menu.router,
            campaigns_router,
            *linking_routers,
            quizzes_router,
            leaderboards_router,
            websignin_router,
            initiatives_router,
            commendations_router,
        ],
        fallbacks.FALLBACKS,
    )


@dataclass
class Runtime:
    """Everything a running program needs, wired once."""

    settings: Settings
    engine: Engine
    clock: Clock
    catalogs: Catalogs
    processor: Processor
    mailbox: DbMailbox
    payloads: DbPayloadStore
    health: DbChannelHealth
    channels: dict[str, Channel] = field(default_factory=dict)
    routers: list[Any] = field(default_factory=list)  # FastAPI routers or Starlette routes
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)  # HTTP clients
    fetchers: dict[str, AttachmentFetcher] = field(default_factory=dict)  # files, by platform
    inbound_ready: asyncio.Event = field(default_factory=asyncio.Event)
    outbox_ready: asyncio.Event = field(default_factory=asyncio.Event)

    async def accept(self, messages: Sequence[IncomingMessage]) -> int:
        """The `InboundSink` given to every webhook."""
        try:
            new = await asyncio.to_thread(self.processor.store, messages)
        except StoreUnavailable:
            log.error("inbound store unavailable; the platform will redeliver")
            raise
        if new:
            self.inbound_ready.set()
        return new

    async def accept_raw(self, updates: Sequence[RawUpdate]) -> None:
        """The `InboundSink` for webhooks that store updates as they came."""
        try:
            await asyncio.to_thread(self.processor.store_raw, updates)
        except StoreUnavailable:
            log.error("inbound store unavailable; the platform will redeliver")
            raise
        self.inbound_ready.set()

    async def drain(self, max_rounds: int = 100) -> None:
        """Process every stored update and deliver everything due now (tests, terminal chat)."""
        from bots.attachments import store_pending
        from bots.worker import DeliveryWorker

        worker = DeliveryWorker(self)
        for _ in range(max_rounds):
            handled = await asyncio.to_thread(self.processor.process_pending)
            stored = await store_pending(self)
            delivered = await worker.run_once()
            if not handled and not delivered and not stored:
                return
        raise RuntimeError("drain did not settle")

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


def build_runtime(
    settings: Settings,
    *,
    engine: Engine | None = None,
    clock: Clock | None = None,
    with_platforms: bool = True,
) -> Runtime:
    engine = engine or make_engine(settings.database_url)
    clock = clock or SystemClock()
    catalogs = Catalogs(settings.locales_dir, settings.default_locale)
    config = ChatConfig(
        default_locale=settings.default_locale,
        timezone=settings.timezone,
        delivery=delivery_policy(settings),
        attachments=attachment_limits(settings),
    )
    spool_path = spool_path_for(engine)
    processor = Processor(
        engine,
        build_dispatcher(),
        catalogs,
        config,
        clock,
        spool=InboundSpool(spool_path) if spool_path is not None else None,
    )
    mailbox = DbMailbox(engine)
    runtime = Runtime(
        settings=settings,
        engine=engine,
        clock=clock,
        catalogs=catalogs,
        processor=processor,
        mailbox=mailbox,
        payloads=DbPayloadStore(engine),
        health=DbChannelHealth(engine, catalogs, clock, settings.timezone),
    )
    runtime.channels["webchat"] = WebchatChannel(mailbox)
    from bots.api.quizzes import make_router as quizzes_api  # bots.api imports this module

    runtime.routers.append(quizzes_api(runtime))
    from bots.api.initiatives import make_router as initiatives_api

    runtime.routers.append(initiatives_api(runtime))
    from bots.attachments import install as install_attachments

    install_attachments(runtime)
    if with_platforms:
        from bots.platforms import wire_platforms

        wire_platforms(runtime)
    return runtime
