"""The python-telegram-bot `Bot`, pointed at the official API or at a local server."""

from __future__ import annotations

from telegram import Bot
from telegram.request import HTTPXRequest

OFFICIAL_API = "https://api.telegram.org"


def make_bot(token: str, *, api_base: str = OFFICIAL_API, timeout: float = 10.0) -> Bot:
    """`api_base` is the server root: requests go to `{api_base}/bot<token>/<method>` and
    files to `{api_base}/file/bot<token>/<path>`, as on api.telegram.org and the local Bot
    API server."""
    base = api_base.rstrip("/")
    return Bot(
        token,
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        request=HTTPXRequest(
            connection_pool_size=64,
            read_timeout=timeout,
            write_timeout=timeout,
            connect_timeout=timeout,
            pool_timeout=timeout,
        ),
        get_updates_request=HTTPXRequest(
            connection_pool_size=1,
            read_timeout=timeout,  # PTB adds getUpdates' long-poll timeout to this
            connect_timeout=timeout,
        ),
    )
