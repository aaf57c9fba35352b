"""`thidua serve`: the web app and webhooks in this process; processing, delivery and the
scheduler in a `thidua worker` child that it supervises (bots/supervisor.py)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import socket
from collections.abc import Callable
from types import FrameType

import uvicorn
from uvicorn.main import STARTUP_FAILURE

from bots.app import create_app
from bots.bootstrap import build_runtime
from bots.gc_tuning import tune_for_latency
from bots.settings import load_settings
from bots.supervisor import Backoff, ChildSpec, Supervisor, supervise

WORKER = ChildSpec("worker", ("worker", "--with-scheduler"))


class _Server(uvicorn.Server):
    """uvicorn's server, which on Ctrl-C or SIGTERM first tells `on_exit`, before it waits
    for open requests: the web chat's long polls then answer at once instead of being
    cancelled after the grace period (a CancelledError's traceback in the terminal)."""

    def __init__(self, config: uvicorn.Config, on_exit: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_exit = on_exit
        self._loop: asyncio.AbstractEventLoop | None = None

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        await super().serve(sockets)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._on_exit)  # safe in a signal handler


class _Stopped(Exception):
    """SIGTERM, which uvicorn raises again once it has shut down gracefully."""


def _stopped(_signum: int, _frame: FrameType | None) -> None:
    raise _Stopped


STOP_GRACE_SECONDS = 3


def _serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    host = args.host or settings.host
    port = args.port or settings.port
    runtime = build_runtime(settings)
    app = create_app(settings, runtime=runtime, background=False)
    if not args.web_only:
        backoff = Backoff(first=settings.worker_restart_seconds)
        supervise(app, Supervisor(runtime, [WORKER], backoff=backoff))
    tune_for_latency()
    print(f"thidua is running. Web chat: http://{host}:{port}/chat  (Ctrl+C to stop)", flush=True)
    signal.signal(signal.SIGTERM, _stopped)
    # uvicorn shuts down gracefully (the children too), then raises again the signal it caught
    # proxy_headers=False: uvicorn would believe X-Forwarded-For from 127.0.0.1 by default;
    # the app reads it itself, from THIDUA_TRUSTED_PROXIES only (bots/web/clients.py)
    # timeout_graceful_shutdown: an open web chat holds a long poll up to 25 s, which uvicorn
    # would wait out before stopping; the page polls again on its own once the server is back
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=settings.log_level,
        access_log=False,
        proxy_headers=False,
        timeout_graceful_shutdown=STOP_GRACE_SECONDS,
    )
    server = _Server(config, on_exit=runtime.mailbox.close)
    with contextlib.suppress(KeyboardInterrupt, _Stopped):
        server.run()
    if not server.started:  # the port taken, the app's start-up failed (as uvicorn.run)
        return STARTUP_FAILURE
    print("thidua stopped.", flush=True)
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "serve",
        help="run the web app and webhooks, with processing, delivery and the scheduler in a "
        "child process",
    )
    parser.add_argument("--host", default=None)
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument(
        "--web-only",
        action="store_true",
        help="only the web app and webhooks, without the child: processing, delivery and the "
        "scheduler are left to `thidua worker --with-scheduler` (run elsewhere or several times)",
    )
    parser.set_defaults(run=_serve)
