"""Zalo Bot Platform: the API client, the channel and the webhook route. Photos people send
are behind URLs, fetched by the composition root's URL fetcher (bots/attachments.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx

from adapters.zalobot.client import ZaloBotApi
from adapters.zalobot.inbound import ZaloBotDecoder
from adapters.zalobot.outbound import MAX_IN_FLIGHT, BotRateLimiter, ZaloBotChannel
from adapters.zalobot.routes import PATH, make_route
from bots.platforms.base import Deps, Platform
from bots.settings import Settings, SettingsError

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


def api_from_settings(settings: Settings, client: httpx.AsyncClient) -> ZaloBotApi:
    if settings.zalobot_token is None:
        raise SettingsError("THIDUA_ZALOBOT_TOKEN is not set (docs/zalo-bot.md)")
    token = settings.zalobot_token.get_secret_value()
    if ":" not in token:
        raise SettingsError("THIDUA_ZALOBOT_TOKEN must look like <bot id>:<secret>")
    return ZaloBotApi(token, client=client, api_base=settings.zalobot_api_base)


def new_client(settings: Settings) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=TIMEOUT,
        limits=httpx.Limits(
            max_connections=MAX_IN_FLIGHT,
            max_keepalive_connections=MAX_IN_FLIGHT,
            keepalive_expiry=settings.http_keepalive_expiry,
        ),
    )


@dataclass(frozen=True)
class ZaloBot:
    """Built when THIDUA_ZALOBOT_TOKEN is set. Without THIDUA_ZALOBOT_WEBHOOK_SECRET the
    webhook refuses every call (polling still works)."""

    name: str = "zalobot"

    def build(self, deps: Deps) -> Platform | None:
        settings = deps.settings
        if settings.zalobot_token is None:
            return None
        # httpx logs every request URL at INFO, and a Bot Platform URL holds the bot token.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        client = new_client(settings)
        api = api_from_settings(settings, client)
        traits = deps.traits[self.name]
        channel = ZaloBotChannel(
            api, limiter=BotRateLimiter(traits.send_rate), health=deps.health, traits=traits
        )
        secret = settings.zalobot_webhook_secret
        if secret is None:
            logging.getLogger(__name__).warning(
                "THIDUA_ZALOBOT_WEBHOOK_SECRET is not set: %s refuses every call", PATH
            )
        route = make_route(
            deps.sink,
            secret=secret.get_secret_value() if secret else None,
            body_limit=settings.webhook_body_limit,
            now=deps.clock.now,
            bot_id=api.bot_id,
        )
        return Platform(
            name=self.name,
            channel=channel,
            routes=(route,),
            decoder=ZaloBotDecoder(now=deps.clock.now, bot_id=api.bot_id),
            closers=(client.aclose,),
        )
