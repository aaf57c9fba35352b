"""What a messenger is to the composition root: a `Messenger` that builds its `Platform` from
the shared `Deps` when its settings are present."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from fastapi import APIRouter
from sqlalchemy.engine import Engine
from starlette.routing import Route

from bots.settings import Settings
from core.channel_health import DbChannelHealth
from core.i18n import Catalogs
from core.ports import AttachmentFetcher, Channel, Clock, InboundDecoder, InboundSink
from core.storage.mailbox import DbMailbox, DbPayloadStore

Closer = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Deps:
    """What every platform may be built from, made once at start-up."""

    settings: Settings
    engine: Engine
    clock: Clock
    catalogs: Catalogs
    sink: InboundSink
    payloads: DbPayloadStore
    health: DbChannelHealth
    mailbox: DbMailbox


@dataclass(frozen=True)
class Platform:
    """One configured messenger: its channel, its webhook routes (plain Starlette routes are
    matched ahead of the routers), the decoder of its raw updates when it stores them as they
    came, the fetcher of its files when they are not behind a URL, and its clients' closers."""

    name: str
    channel: Channel
    routes: tuple[APIRouter | Route, ...]
    decoder: InboundDecoder | None = None
    fetcher: AttachmentFetcher | None = None
    closers: tuple[Closer, ...] = ()


class Messenger(Protocol):
    """A messenger registered with the composition root (bots/platforms/__init__.py)."""

    name: str

    def build(self, deps: Deps) -> Platform | None:
        """The platform, or None when its settings are absent (SettingsError when half set)."""
        ...
