"""The messengers registered with the composition root (bots/bootstrap.py). Each builds its
`Platform` (channel, webhook routes, decoder, file fetcher, closers) from the settings when
they are present; adding a messenger is adding its module here and to `MESSENGERS`."""

from __future__ import annotations

from bots.platforms.base import Deps, Messenger, Platform
from bots.platforms.facebook import Facebook
from bots.platforms.telegram import Telegram
from bots.platforms.webchat import Webchat
from bots.platforms.zalo import Zalo
from bots.platforms.zalobot import ZaloBot

MESSENGERS: tuple[Messenger, ...] = (Facebook(), Telegram(), Zalo(), ZaloBot())

__all__ = [
    "MESSENGERS",
    "Deps",
    "Facebook",
    "Messenger",
    "Platform",
    "Telegram",
    "Webchat",
    "Zalo",
    "ZaloBot",
]
