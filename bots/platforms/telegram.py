"""Wiring of the Telegram adapter: the Bot, the channel, the webhook route."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from telegram import Bot

from adapters.telegram.client import make_bot
from adapters.telegram.inbound import TelegramDecoder, TelegramInbound
from adapters.telegram.outbound import TelegramChannel
from adapters.telegram.ratelimit import Limits, MonotonicTimer, RateLimiter, Timer
from adapters.telegram.routes import make_route
from adapters.telegram.traits import TRAITS
from bots.settings import Settings

if TYPE_CHECKING:
    from bots.bootstrap import Runtime


@dataclass(frozen=True)
class TelegramParts:
    bot: Bot
    channel: TelegramChannel
    inbound: TelegramInbound
    decoder: TelegramDecoder


def bot_from_settings(settings: Settings) -> Bot:
    if settings.telegram_token is None:
        raise ValueError("THIDUA_TELEGRAM_TOKEN is not set")
    return make_bot(
        settings.telegram_token.get_secret_value(),
        api_base=settings.telegram_api_base,
        timeout=settings.telegram_timeout,
    )


def bot_id_of(token: str) -> int | None:
    """A bot token is `<bot id>:<secret>`; the id lets the parser drop the bot's own messages."""
    head = token.split(":", 1)[0]
    return int(head) if head.isdigit() else None


def build(runtime: Runtime, *, timer: Timer | None = None) -> TelegramParts:
    settings = runtime.settings
    bot = bot_from_settings(settings)
    # The overall rate of replies; announcements go at the traits' (paid) rate when
    # THIDUA_TELEGRAM_PAID_BROADCAST is set.
    overall = settings.telegram_overall_rate or TRAITS.send_rate
    limiter = RateLimiter(Limits(overall_per_second=overall), timer or MonotonicTimer())
    channel = TelegramChannel(
        bot,
        runtime.payloads,
        limiter,
        health=runtime.health,
        paid_broadcast=settings.telegram_paid_broadcast,
        traits=runtime.processor.config.traits["telegram"],
    )
    token = settings.telegram_token.get_secret_value()  # type: ignore[union-attr]
    inbound = TelegramInbound(runtime, bot)
    decoder = TelegramDecoder(bot, bot_id=bot_id_of(token))
    return TelegramParts(bot, channel, inbound, decoder)


def wire(runtime: Runtime, *, timer: Timer | None = None) -> None:
    """Nothing happens without THIDUA_TELEGRAM_TOKEN. `timer` replaces the real clock of the
    rate limiter (tests share their fake clock with the fake Bot API this way)."""
    settings = runtime.settings
    if settings.telegram_token is None:
        return
    # httpx logs every request URL at INFO, and a Bot API URL holds the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    parts = build(runtime, timer=timer)
    secret = settings.telegram_webhook_secret
    runtime.channels[parts.channel.platform] = parts.channel
    runtime.fetchers[parts.channel.platform] = parts.channel  # files of initiatives (getFile)
    runtime.processor.decoders[parts.decoder.platform] = parts.decoder
    runtime.routers.append(
        make_route(
            parts.inbound,
            secret=secret.get_secret_value() if secret else None,
            body_limit=settings.webhook_body_limit,
        )
    )
    runtime.closers.append(parts.bot.shutdown)
