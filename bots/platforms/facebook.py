"""Wiring of the Messenger adapter: the Send API client, the channel and the webhook router."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from adapters.facebook.outbound import MAX_IN_FLIGHT, FacebookChannel
from adapters.facebook.rate_limit import PageRateLimiter
from adapters.facebook.routes import make_router
from bots.settings import SettingsError

if TYPE_CHECKING:
    from bots.bootstrap import Runtime

REQUIRED = ("facebook_page_token", "facebook_app_secret", "facebook_verify_token")
TIMEOUT = httpx.Timeout(15.0, connect=5.0)


def wire(runtime: Runtime) -> None:
    settings = runtime.settings
    present = [name for name in REQUIRED if getattr(settings, name) is not None]
    if not present:
        return
    missing = [name for name in REQUIRED if name not in present]
    if missing:
        raise SettingsError(
            "Messenger is half configured: set "
            + ", ".join("THIDUA_" + name.upper() for name in missing)
            + " as well, or unset the other THIDUA_FACEBOOK_* secrets."
        )
    assert settings.facebook_page_token and settings.facebook_app_secret
    assert settings.facebook_verify_token
    client = httpx.AsyncClient(
        base_url=settings.facebook_graph_base.rstrip("/"),
        timeout=TIMEOUT,
        limits=httpx.Limits(max_connections=MAX_IN_FLIGHT, max_keepalive_connections=MAX_IN_FLIGHT),
    )
    traits = runtime.processor.config.traits["facebook"]
    channel = FacebookChannel(
        client,
        page_token=settings.facebook_page_token.get_secret_value(),
        clock=runtime.clock,
        health=runtime.health,
        payloads=runtime.payloads,
        limiter=PageRateLimiter(traits.send_rate),
        traits=traits,
    )
    runtime.channels[channel.platform] = channel
    runtime.routers.append(
        make_router(
            runtime,
            app_secret=settings.facebook_app_secret.get_secret_value(),
            verify_token=settings.facebook_verify_token.get_secret_value(),
            payloads=runtime.payloads,
            body_limit=settings.webhook_body_limit,
        )
    )
    runtime.closers.append(client.aclose)
