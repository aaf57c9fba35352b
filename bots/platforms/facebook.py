"""Facebook Messenger: the Send API client, the channel and the webhook router."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from adapters.facebook.outbound import MAX_IN_FLIGHT, FacebookChannel
from adapters.facebook.rate_limit import PageRateLimiter
from adapters.facebook.routes import make_router
from adapters.transport import ConnectionPerCall
from bots.platforms.base import Deps, Platform
from bots.settings import SettingsError

REQUIRED = ("facebook_page_token", "facebook_app_secret", "facebook_verify_token")
TIMEOUT = httpx.Timeout(15.0, connect=5.0)


@dataclass(frozen=True)
class Facebook:
    """Built when the three secrets are set; one or two of them is a settings error."""

    name: str = "facebook"

    def build(self, deps: Deps) -> Platform | None:
        settings = deps.settings
        present = [name for name in REQUIRED if getattr(settings, name) is not None]
        if not present:
            return None
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
            transport=ConnectionPerCall(
                MAX_IN_FLIGHT, keepalive_expiry=settings.http_keepalive_expiry
            ),
        )
        traits = deps.traits[self.name]
        channel = FacebookChannel(
            client,
            page_token=settings.facebook_page_token.get_secret_value(),
            clock=deps.clock,
            health=deps.health,
            payloads=deps.payloads,
            limiter=PageRateLimiter(traits.send_rate),
            traits=traits,
            call_timeout=settings.facebook_timeout,
        )
        router = make_router(
            deps.sink,
            app_secret=settings.facebook_app_secret.get_secret_value(),
            verify_token=settings.facebook_verify_token.get_secret_value(),
            payloads=deps.payloads,
            body_limit=settings.webhook_body_limit,
        )
        return Platform(
            name=channel.platform, channel=channel, routes=(router,), closers=(client.aclose,)
        )
