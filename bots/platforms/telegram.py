"""Telegram: the Bot, the channel (which also fetches files through getFile), the decoder of
raw updates and the webhook route."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Bot

from adapters.telegram.client import make_bot
from adapters.telegram.inbound import TelegramDecoder, TelegramInbound
from adapters.telegram.outbound import TelegramChannel
from adapters.telegram.ratelimit import Limits, MonotonicTimer, RateLimiter, Timer
from adapters.telegram.routes import make_route
from adapters.telegram.traits import TRAITS
from bots.platforms.base import Deps, Platform
from bots.settings import Settings


def bot_from_settings(settings: Settings) -> Bot:
    if settings.telegram_token is None:
        raise ValueError("THIDUA_TELEGRAM_TOKEN is not set")
    return make_bot(
        settings.telegram_token.get_secret_value(),
        api_base=settings.telegram_api_base,
        timeout=settings.telegram_timeout,
        keepalive_expiry=settings.http_keepalive_expiry,
    )


def bot_id_of(token: str) -> int | None:
    """A bot token is `<bot id>:<secret>`; the id lets the parser drop the bot's own messages."""
    head = token.split(":", 1)[0]
    return int(head) if head.isdigit() else None


@dataclass(frozen=True)
class Telegram:
    """Nothing is built without THIDUA_TELEGRAM_TOKEN. `timer` replaces the real clock of the
    rate limiter (tests share their fake clock with the fake Bot API this way)."""

    timer: Timer | None = None
    name: str = "telegram"

    def build(self, deps: Deps) -> Platform | None:
        settings = deps.settings
        if settings.telegram_token is None:
            return None
        # httpx logs every request URL at INFO, and a Bot API URL holds the bot token.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        bot = bot_from_settings(settings)
        # Replies go at the overall rate; with THIDUA_TELEGRAM_PAID_BROADCAST announcements go
        # at the paid one, which is then the traits' send rate the core plans with.
        limiter = RateLimiter(
            Limits(overall_per_second=settings.telegram_overall_rate or TRAITS.send_rate),
            self.timer or MonotonicTimer(),
        )
        channel = TelegramChannel(
            bot,
            deps.payloads,
            limiter,
            health=deps.health,
            paid_broadcast=settings.telegram_paid_broadcast,
            traits=deps.traits[self.name],
        )
        secret = settings.telegram_webhook_secret
        token = settings.telegram_token.get_secret_value()
        username = settings.telegram_bot_username
        route = make_route(
            TelegramInbound(deps.sink, bot, username=username, bot_id=bot_id_of(token)),
            secret=secret.get_secret_value() if secret else None,
            body_limit=settings.webhook_body_limit,
        )
        return Platform(
            name=channel.platform,
            channel=channel,
            routes=(route,),
            decoder=TelegramDecoder(bot, bot_id=bot_id_of(token), username=username),
            fetcher=channel,
            closers=(bot.shutdown,),
        )
