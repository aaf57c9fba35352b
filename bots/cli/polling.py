"""What `thidua telegram poll` and `thidua zalobot poll` share: the app's processing and
delivery running while a poller fetches updates, until Ctrl+C or a webhook appears."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Awaitable, Callable

from bots.app import create_app
from bots.bootstrap import Runtime
from bots.settings import Settings

WEBHOOK_ACTIVE = 3


async def serve_while_polling(
    settings: Settings,
    runtime: Runtime,
    poll: Callable[[asyncio.Event], Awaitable[None]],
    *,
    webhook_active: type[Exception],
    banner: str,
) -> int:
    """Runs `poll(stop)` inside the app's lifespan (which runs processing and delivery);
    the exit status is WEBHOOK_ACTIVE when the platform reports a webhook set meanwhile."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    app = create_app(settings, runtime=runtime)
    print(banner, flush=True)
    try:
        async with app.router.lifespan_context(app):
            await poll(stop)
    except webhook_active:
        print("A webhook was set meanwhile; polling stopped.", file=sys.stderr)
        return WEBHOOK_ACTIVE
    finally:
        runtime.dispose()
    return 0
