"""Run an ASGI app (a fake platform) on a loopback port in a background thread."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn


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
        thread.join(timeout=10)
