"""The composition root: builds the engine, the core services and every platform once, from
settings, and hands them out as one `Runtime`. Nothing is added to it afterwards."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import httpx
from sqlalchemy.engine import Engine

from bots.attachments import (
    URL_PLATFORMS,
    EitherFetcher,
    UrlFetcher,
    attachment_limits,
    store_pending,
)
from bots.inbox import Inbox
from bots.platforms import MESSENGERS, Deps, Messenger, Platform, Webchat
from bots.scheduling import channel_traits, delivery_policy
from bots.services import Services
from bots.settings import Settings
from bots.worker import DeliveryWorker
from core.campaigns import routers as campaign_routers
from core.channel_health import DbChannelHealth
from core.chat.links import GroupLinks
from core.clock import SystemClock
from core.commendations.chat import routers as commendations_routers
from core.dispatch import ChatConfig, Dispatcher
from core.emulation.chat import routers as emulation_routers
from core.groups.chat import router as groups_router
from core.i18n import Catalogs
from core.initiatives import routers as initiatives_routers
from core.joinrequests import routers as joinrequests_routers
from core.leaderboards import router as leaderboards_router
from core.linking import routers as linking_routers
from core.members import fallbacks, menu, onboarding, privacy
from core.ports import AttachmentFetcher, Clock
from core.privacy.chat import router as privacy_chat_router
from core.processing import Processor
from core.quizzes.chat import routers as quizzes_routers
from core.reports.chat import router as reports_router
from core.storage.engine import make_engine
from core.storage.mailbox import DbMailbox, DbPayloadStore
from core.storage.spool import InboundSpool, spool_path_for
from core.websignin.chat import routers as websignin_routers

log = logging.getLogger(__name__)
URL_FETCH_TIMEOUT = httpx.Timeout(30.0)


def build_dispatcher() -> Dispatcher:
    return Dispatcher(
        [
            onboarding.router,
            privacy.router,
            privacy_chat_router,
            menu.router,
            *campaign_routers,
            *emulation_routers,
            *linking_routers,
            *quizzes_routers,
            leaderboards_router,
            *websignin_routers,
            *initiatives_routers,
            reports_router,
            *commendations_routers,
            *joinrequests_routers,
            groups_router,
        ],
        fallbacks.FALLBACKS,
    )


class Runtime(Services):
    """Everything a running program needs, wired once."""

    async def drain(self, max_rounds: int = 100) -> None:
        """Process every stored update and deliver everything due now (tests, terminal chat)."""
        worker = DeliveryWorker(self)
        for _ in range(max_rounds):
            handled = await asyncio.to_thread(self.processor.process_pending)
            stored = await store_pending(self)
            delivered = await worker.run_once()
            if not handled and not delivered and not stored:
                return
        raise RuntimeError("drain did not settle")


def group_links(settings: Settings) -> dict[str, GroupLinks]:
    """The messengers whose group chats are served: Telegram, once its bot's username is
    known (THIDUA_TELEGRAM_BOT_USERNAME), since a group addresses the bot by it."""
    name = settings.telegram_bot_username
    if settings.telegram_token is None or not name:
        return {}
    return {
        "telegram": GroupLinks(
            mention=f"@{name}",
            private=f"https://t.me/{name}?start={{payload}}",
            add=f"https://t.me/{name}?startgroup={{payload}}",
            command=f"/linkgroup@{name}",
        )
    }


def build_processor(
    settings: Settings, engine: Engine, clock: Clock, catalogs: Catalogs
) -> Processor:
    traits = channel_traits(settings)
    config = ChatConfig(
        default_locale=settings.default_locale,
        timezone=settings.timezone,
        delivery=delivery_policy(settings, traits),
        attachments=attachment_limits(settings),
        traits=traits,
        public_url=str(settings.public_url).rstrip("/"),
        web_signin_url=(
            f"{str(settings.public_url).rstrip('/')}/web/signin" if settings.web_ui else None
        ),
        privacy_key=(
            settings.privacy_key.get_secret_value().encode() if settings.privacy_key else b""
        ),
        group_links=group_links(settings),
    )
    spool_path = settings.inbound_spool or spool_path_for(engine)
    return Processor(
        engine,
        build_dispatcher(),
        catalogs,
        config,
        clock,
        spool=InboundSpool(spool_path) if spool_path is not None else None,
    )


def build_platforms(deps: Deps, messengers: Sequence[Messenger]) -> tuple[Platform, ...]:
    """The configured messengers, then the web chat (its routes are matched after theirs)."""
    built = [platform for m in messengers if (platform := m.build(deps)) is not None]
    return (*built, Webchat().build(deps))


def build_runtime(
    settings: Settings,
    *,
    engine: Engine | None = None,
    clock: Clock | None = None,
    messengers: Sequence[Messenger] = MESSENGERS,
) -> Runtime:
    """`messengers` are the platforms to build when configured: every registered one unless
    told (tests give a Telegram with a fake timer, or none)."""
    engine = engine or make_engine(settings.database_url)
    clock = clock or SystemClock()
    catalogs = Catalogs(settings.locales_dir, settings.default_locale)
    processor = build_processor(settings, engine, clock, catalogs)
    mailbox = DbMailbox(engine, clock=clock)
    inbox = Inbox(processor)
    deps = Deps(
        settings=settings,
        engine=engine,
        clock=clock,
        catalogs=catalogs,
        sink=inbox,
        payloads=DbPayloadStore(engine),
        health=DbChannelHealth(engine, catalogs, clock, settings.timezone),
        mailbox=mailbox,
        traits=processor.config.traits,
    )
    platforms = build_platforms(deps, messengers)
    # the processor reads raw updates with the decoders of the platforms that store them so
    processor.decoders.update({p.name: p.decoder for p in platforms if p.decoder is not None})
    url_client = httpx.AsyncClient(timeout=URL_FETCH_TIMEOUT, follow_redirects=True)
    fetchers: dict[str, AttachmentFetcher] = {p: UrlFetcher(p, url_client) for p in URL_PLATFORMS}
    for p in platforms:
        if p.fetcher is not None:
            by_url = fetchers.get(p.name)
            fetchers[p.name] = p.fetcher if by_url is None else EitherFetcher(p.fetcher, by_url)
    return Runtime(
        settings=settings,
        engine=engine,
        clock=clock,
        catalogs=catalogs,
        processor=processor,
        mailbox=mailbox,
        payloads=deps.payloads,
        health=deps.health,
        inbox=inbox,
        platforms=platforms,
        channels={p.name: p.channel for p in platforms},
        fetchers=fetchers,
        closers=[close for p in platforms for close in p.closers] + [url_client.aclose],
    )
