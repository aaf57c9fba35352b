"""Wiring of the Zalo OA adapter: channel, token manager, webhook router, HTTP clients."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import httpx

from adapters.zalo.outbound import MAX_IN_FLIGHT, ChannelConfig, ZaloChannel
from adapters.zalo.ratelimit import SlidingWindowLimiter
from adapters.zalo.routes import WebhookConfig, make_router
from adapters.zalo.tokens import OAuthConfig, ZaloTokens
from core.storage.credentials import DbCredentialStore

if TYPE_CHECKING:
    from bots.bootstrap import Runtime

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


def _secret(value: object) -> str | None:
    reveal = getattr(value, "get_secret_value", None)
    return reveal() if reveal is not None else None


def wire(runtime: Runtime) -> None:
    s = runtime.settings
    app_secret = _secret(s.zalo_app_secret)
    webhook_secret = _secret(s.zalo_webhook_secret)
    if not (s.zalo_app_id and app_secret and webhook_secret):
        return
    api = httpx.AsyncClient(
        base_url=s.zalo_api_base,
        timeout=TIMEOUT,
        limits=httpx.Limits(max_connections=MAX_IN_FLIGHT, max_keepalive_connections=MAX_IN_FLIGHT),
    )
    oauth = httpx.AsyncClient(base_url=s.zalo_oauth_base, timeout=TIMEOUT)
    tokens = ZaloTokens(
        OAuthConfig(
            app_id=s.zalo_app_id,
            app_secret=app_secret,
            initial_access_token=_secret(s.zalo_access_token),
            initial_refresh_token=_secret(s.zalo_refresh_token),
        ),
        store=DbCredentialStore(runtime.engine),
        oauth=oauth,
        health=runtime.health,
        clock=runtime.clock,
    )
    traits = runtime.processor.config.traits["zalo"]
    runtime.channels["zalo"] = ZaloChannel(
        ChannelConfig(
            announcement_template_id=s.zalo_announcement_template_id,
            template_param=s.zalo_announcement_template_param,
            billable_proactive=s.zalo_billable_proactive,
            timezone=s.timezone,
        ),
        api=api,
        tokens=tokens,
        limiter=SlidingWindowLimiter(round(traits.send_rate * 60)),
        payloads=runtime.payloads,
        clock=runtime.clock,
        traits=traits,
    )
    runtime.routers.append(
        make_router(
            WebhookConfig(
                app_id=s.zalo_app_id,
                secret=webhook_secret,
                freshness=timedelta(seconds=s.zalo_webhook_window_seconds),
                body_limit=s.webhook_body_limit,
            ),
            sink=runtime,
            payloads=runtime.payloads,
            clock=runtime.clock,
        )
    )
    runtime.closers.append(api.aclose)
    runtime.closers.append(oauth.aclose)
