"""Zalo Official Account: the channel, the token manager, the webhook router, the HTTP clients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import httpx

from adapters.transport import ConnectionPerCall
from adapters.zalo.outbound import MAX_IN_FLIGHT, ChannelConfig, ZaloChannel
from adapters.zalo.ratelimit import SlidingWindowLimiter
from adapters.zalo.routes import WebhookConfig, make_router
from adapters.zalo.tokens import OAuthConfig, ZaloTokens
from bots.platforms.base import Deps, Platform
from core.storage.credentials import DbCredentialStore

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


def _secret(value: object) -> str | None:
    reveal = getattr(value, "get_secret_value", None)
    return reveal() if reveal is not None else None


@dataclass(frozen=True)
class Zalo:
    """Built when the app id, the app secret and the webhook secret are all set."""

    name: str = "zalo"

    def build(self, deps: Deps) -> Platform | None:
        s = deps.settings
        app_secret = _secret(s.zalo_app_secret)
        webhook_secret = _secret(s.zalo_webhook_secret)
        if not (s.zalo_app_id and app_secret and webhook_secret):
            return None
        api = httpx.AsyncClient(
            base_url=s.zalo_api_base,
            timeout=TIMEOUT,
            transport=ConnectionPerCall(MAX_IN_FLIGHT, keepalive_expiry=s.http_keepalive_expiry),
        )
        oauth = httpx.AsyncClient(
            base_url=s.zalo_oauth_base,
            timeout=TIMEOUT,
            limits=httpx.Limits(keepalive_expiry=s.http_keepalive_expiry),
        )
        tokens = ZaloTokens(
            OAuthConfig(
                app_id=s.zalo_app_id,
                app_secret=app_secret,
                initial_access_token=_secret(s.zalo_access_token),
                initial_refresh_token=_secret(s.zalo_refresh_token),
            ),
            store=DbCredentialStore(deps.engine),
            oauth=oauth,
            health=deps.health,
            clock=deps.clock,
        )
        traits = deps.traits[self.name]
        channel = ZaloChannel(
            ChannelConfig(
                announcement_template_id=s.zalo_announcement_template_id,
                template_param=s.zalo_announcement_template_param,
                billable_proactive=s.zalo_billable_proactive,
                timezone=s.timezone,
            ),
            api=api,
            tokens=tokens,
            limiter=SlidingWindowLimiter(round(traits.send_rate * 60)),
            payloads=deps.payloads,
            clock=deps.clock,
            traits=traits,
            call_timeout=s.zalo_timeout,
        )
        router = make_router(
            WebhookConfig(
                app_id=s.zalo_app_id,
                secret=webhook_secret,
                freshness=timedelta(seconds=s.zalo_webhook_window_seconds),
                body_limit=s.webhook_body_limit,
            ),
            sink=deps.sink,
            payloads=deps.payloads,
            clock=deps.clock,
        )
        return Platform(
            name="zalo", channel=channel, routes=(router,), closers=(api.aclose, oauth.aclose)
        )
