"""Run an ASGI app (a fake platform) on a loopback port in a background thread."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

# A browser's long poll holds its request up to 25 s after the page is gone; uvicorn waits for
# open requests before the app's shutdown stops its background workers. Unbounded, a server
# outlived its test (the join gave up after 10 s and left it running), and on PostgreSQL, one
# database for the whole run, its processing loop could claim the next test's updates: that
# test's drain then found nothing to process and its chat no reply (CI: test_bad_input's join,
# the second file after the browser tests).
GRACE = 2  # seconds given to open requests before they are cancelled
STOP_WAIT = 30  # seconds for the app's shutdown; a server still running then fails the test


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_in_thread(app: Any, port: int | None = None, *, lifespan: str = "off") -> Iterator[str]:
    """Start `app` on 127.0.0.1 and yield its base URL; the server is stopped on exit.

    `lifespan="on"` runs the app's start-up (our app's background workers).
    """
    port = port or free_port()
    # Idle connections are kept for the whole test. With uvicorn's 5 s default the server
    # closed a pooled connection while the client was reusing it ("Server disconnected"),
    # a transient failure whose retry waits on the test's clock; on a loaded machine it cost
    # test_two_hundred_members_on_four_messengers a reply now and then.
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan=lifespan,
        timeout_keep_alive=600,
        timeout_graceful_shutdown=GRACE,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    started = threading.Event()

    def _wait_started() -> None:
        while not server.started and thread.is_alive():
            started.wait(0.01)

    _wait_started()
    if not server.started:
        raise RuntimeError("fake server did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=STOP_WAIT)
        if thread.is_alive():  # pragma: no cover - a server that will not stop
            server.force_exit = True
            thread.join(timeout=STOP_WAIT)
        if thread.is_alive():
            raise RuntimeError(f"the server on port {port} did not stop")
