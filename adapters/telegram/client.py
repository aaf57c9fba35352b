"""The python-telegram-bot `Bot`, pointed at the official API or at a local server."""

from __future__ import annotations

import httpx
from telegram import Bot
from telegram.request import HTTPXRequest

OFFICIAL_API = "https://api.telegram.org"


POOL = 64  # connections for sends


def make_bot(
    token: str,
    *,
    api_base: str = OFFICIAL_API,
    timeout: float = 10.0,
    keepalive_expiry: float = 4.0,
) -> Bot:
    """`api_base` is the server root: requests go to `{api_base}/bot<token>/<method>` and
    files to `{api_base}/file/bot<token>/<path>`, as on api.telegram.org and the local Bot
    API server. `keepalive_expiry`: seconds an idle connection is kept (THIDUA_HTTP_KEEPALIVE_
    EXPIRY), below the server's own idle timeout."""
    base = api_base.rstrip("/")
    return Bot(
        token,
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        request=HTTPXRequest(
            connection_pool_size=POOL,
            read_timeout=timeout,
            write_timeout=timeout,
            connect_timeout=timeout,
            pool_timeout=timeout,
            httpx_kwargs={"limits": _limits(POOL, keepalive_expiry)},
        ),
        get_updates_request=HTTPXRequest(
            connection_pool_size=1,
            read_timeout=timeout,  # PTB adds getUpdates' long-poll timeout to this
            connect_timeout=timeout,
            httpx_kwargs={"limits": _limits(1, keepalive_expiry)},
        ),
    )


def _limits(size: int, keepalive_expiry: float) -> httpx.Limits:
    """PTB's own limits (`connection_pool_size` connections), with our keep-alive expiry."""
    return httpx.Limits(
        max_connections=size, max_keepalive_connections=size, keepalive_expiry=keepalive_expiry
    )
