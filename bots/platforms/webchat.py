"""The local web chat (/chat): always there, its messages kept in the database mailbox."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.webchat.channel import WebchatChannel
from adapters.webchat.routes import make_router
from bots.platforms.base import Deps, Platform
from bots.webchat_texts import webchat_page_texts


@dataclass(frozen=True)
class Webchat:
    name: str = "webchat"

    def build(self, deps: Deps) -> Platform:
        settings = deps.settings
        t = deps.catalogs.translator(settings.default_locale, settings.timezone)
        router = make_router(deps.sink, deps.mailbox, t.locale, webchat_page_texts(t.gettext))
        return Platform(name="webchat", channel=WebchatChannel(deps.mailbox), routes=(router,))
