"""What the end-to-end benchmarks share: a clean environment, a running `thidua serve`, and
the closing lines that say which machine and command made the figure."""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_env(database_url: str | None, tmp: Path, **settings: str) -> dict[str, str]:
    """This process's environment without any THIDUA_ variable, plus the given settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")}
    env["THIDUA_DATABASE_URL"] = database_url or f"sqlite:///{tmp}/bench.db"
    env["THIDUA_LOG_LEVEL"] = "warning"
    env.update(settings)
    return env


@contextmanager
def running_thidua(env: dict[str, str]) -> Iterator[str]:
    """Migrate the database, run `thidua serve` on a free port, yield its base URL."""
    port = free_port()
    subprocess.run([sys.executable, "-m", "bots", "db", "upgrade"], env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "bots", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def database_name(env: dict[str, str]) -> str:
    return "PostgreSQL" if env["THIDUA_DATABASE_URL"].startswith("postgres") else "SQLite"


def print_provenance(module: str) -> None:
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"command: .venv/bin/python -m {module} " + " ".join(sys.argv[1:]))
