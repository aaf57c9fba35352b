"""P1: how many Telegram updates per second the running app acknowledges, and how fast,
side by side with a bare FastAPI echo endpoint on the same machine in the same run.

Starts, in turn on one fresh database (a SQLite file, or a database of its own created on the
PostgreSQL server that `--database-url` names and dropped afterwards: on a database reused from
an earlier run every update would be a redelivery of one already stored, and the worker beside
the webhook would have nothing to process) with Telegram configured against the test suite's
fake Bot API (loopback, in this process), each layout of `--layouts`, each right after a bare
FastAPI app whose `POST /webhooks/telegram` reads the body and answers `{"ok": true}` under the
same uvicorn (the *echo*; measured again before every layout, so that each ratio compares two
runs a minute apart on a machine whose load changes): `serve` (`thidua serve`: the web process,
with processing, delivery and the scheduler in its supervised worker child), `split` (`thidua
serve --web-only` beside `thidua worker --with-scheduler`) and `webhook` (`thidua serve
--web-only` alone). On PostgreSQL every layout gets a local inbound spool
(`THIDUA_INBOUND_SPOOL`, as docs/operations.md advises) unless `--no-spool`. A layout inherits
the backlog of the ones before it, so its worker processes while the load runs. Against each, a
load generator in this process (plain asyncio sockets, keep-alive connections, so that it costs
little CPU):

1. open loop at rising rates (`--rates`, `--seconds` each): update i is due at t0 + i/rate
   and its latency runs from that instant to the 200 (waiting for a free connection counts);
2. closed loop: `--connections` senders post back to back for `--seconds`: the sustained rate.

Every update is a distinct, correctly signed Telegram `message` update (header
X-Telegram-Bot-Api-Secret-Token), from 5,000 different people, so the app stores each one and
its background loops process and answer them while the load runs.

    .venv/bin/python -m bench.telegram_webhook [--rates 100,250,500,750,1000] [--seconds 5]
        [--connections 32] [--database-url URL] [--layouts serve,split,webhook] [--no-spool]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI, Request

from bench.broadcast_common import fresh_database
from tests.fakes.server import free_port, serve_in_thread
from tests.fakes.telegram_api import TOKEN, FakeTelegram

SECRET = "bench-secret_0123456789"
PATH = "/webhooks/telegram"
PEOPLE = 5000

echo_app = FastAPI()


@echo_app.post(PATH)
async def echo(request: Request) -> dict[str, bool]:
    await request.body()
    return {"ok": True}


class Connection:
    """One keep-alive HTTP/1.1 connection; a request is written whole, the answer read whole."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def post(self, request: bytes) -> int:
        self.writer.write(request)
        status = int((await self.reader.readline()).split(b" ", 2)[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        self.writer.close()


class Updates:
    """Distinct, signed webhook requests, made before the clock starts."""

    def __init__(self) -> None:
        self.next_id = 700_000_000

    def requests(self, count: int) -> list[bytes]:
        out = []
        for _ in range(count):
            self.next_id += 1
            person = self.next_id % PEOPLE + 1
            update = {
                "update_id": self.next_id,
                "message": {
                    "message_id": self.next_id,
                    "date": int(time.time()),
                    "chat": {"id": person, "type": "private", "first_name": "Lan"},
                    "from": {
                        "id": person,
                        "is_bot": False,
                        "first_name": "Lan",
                        "language_code": "vi",
                    },
                    "text": "Xin chào",
                },
            }
            body = json.dumps(update, ensure_ascii=False).encode()
            head = (
                f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\nContent-Length: {len(body)}\r\n\r\n"
            )
            out.append(head.encode() + body)
        return out


@dataclass
class Step:
    offered: float  # updates/s offered (0: closed loop)
    achieved: float  # updates/s acknowledged with 200
    p50_ms: float
    p99_ms: float
    errors: int


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000 if ordered else 0.0


@contextlib.contextmanager
def without_collections() -> Iterator[None]:
    """No garbage collection in this process (the load generator) during a step. A full
    collection of its heap (the fake platform's people and app, the requests made in
    advance) took 86-104 ms, and one that fell in an open-loop step made every update due
    meanwhile late by as much: that step's p99 read 43-47 ms for the server measured (the
    echo or thidua) while each request took 1-3 ms (docs/benchmarks.md, P1). What is
    collectable is collected before the clock starts; reference counting frees the rest."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def open_loop(port: int, requests: list[bytes], rate: float, pool_size: int) -> Step:
    with without_collections():
        return await _open_loop(port, requests, rate, pool_size)


async def _open_loop(port: int, requests: list[bytes], rate: float, pool_size: int) -> Step:
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(pool_size):
        pool.put_nowait(await Connection.open(port))
    latencies: list[float] = []
    errors = 0
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05

    async def one(request: bytes, due: float) -> None:
        nonlocal errors
        conn = await pool.get()
        try:
            status = await conn.post(request)
        finally:
            pool.put_nowait(conn)
        if status == 200:
            latencies.append(loop.time() - due)
        else:
            errors += 1

    tasks = []
    for i, request in enumerate(requests):
        due = start + i / rate
        delay = due - loop.time()
        if delay > 0.001:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(one(request, due)))
    await asyncio.gather(*tasks)
    elapsed = loop.time() - start
    while not pool.empty():
        pool.get_nowait().close()
    return Step(
        rate,
        len(latencies) / elapsed,
        percentile(latencies, 0.5),
        percentile(latencies, 0.99),
        errors,
    )


async def closed_loop(port: int, requests: list[bytes], connections: int, seconds: float) -> Step:
    with without_collections():
        return await _closed_loop(port, requests, connections, seconds)


async def _closed_loop(port: int, requests: list[bytes], connections: int, seconds: float) -> Step:
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    errors = 0
    queue = list(reversed(requests))
    deadline = loop.time() + seconds

    async def sender() -> None:
        nonlocal errors
        conn = await Connection.open(port)
        try:
            while queue and loop.time() < deadline:
                request = queue.pop()
                sent = loop.time()
                if await conn.post(request) == 200:
                    latencies.append(loop.time() - sent)
                else:
                    errors += 1
        finally:
            conn.close()

    start = loop.time()
    await asyncio.gather(*(sender() for _ in range(connections)))
    elapsed = loop.time() - start
    return Step(
        0, len(latencies) / elapsed, percentile(latencies, 0.5), percentile(latencies, 0.99), errors
    )


async def wait_ready(port: int) -> None:
    for _ in range(300):
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


async def run_against(port: int, updates: Updates, args: argparse.Namespace) -> list[Step]:
    await wait_ready(port)
    warm = await closed_loop(port, updates.requests(500), 8, 2.0)  # imports, caches, JIT-less
    del warm
    steps = []
    for rate in args.rates:
        requests = updates.requests(int(rate * args.seconds))
        steps.append(await open_loop(port, requests, rate, args.connections))
    budget = int(5000 * args.seconds)
    steps.append(await closed_loop(port, updates.requests(budget), args.connections, args.seconds))
    return steps


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, env=env, stdout=log.open("wb"))


def wait_for_worker(log: Path, process: subprocess.Popen[bytes]) -> None:
    """Until the worker (`thidua worker`, or `thidua serve`'s child) processes: measuring
    while it still imports would leave the web process alone on the machine."""
    deadline = time.monotonic() + 120
    while b"worker running:" not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"no worker started: {log.read_text(errors='replace')}")
        time.sleep(0.1)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=60)


class WallClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


BOTS = [sys.executable, "-m", "bots"]
ECHO = [
    *(sys.executable, "-m", "uvicorn", "--log-level", "warning", "--no-access-log"),
    "bench.telegram_webhook:echo_app",
]
# name: (the process that serves the webhook, the one beside it or None)
LAYOUTS: dict[str, tuple[list[str], list[str] | None]] = {
    "serve": ([*BOTS, "serve"], None),
    "webhook": ([*BOTS, "serve", "--web-only"], None),
    "split": ([*BOTS, "serve", "--web-only"], [*BOTS, "worker", "--with-scheduler"]),
}


def add_layout_options(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument(
        "--layouts",
        default=default,
        type=lambda s: s.split(","),
        help="serve: `thidua serve` (web process + supervised worker child); split: `thidua "
        "serve --web-only` + `thidua worker --with-scheduler`; webhook: `thidua serve "
        "--web-only` alone (the webhook path without any processing)",
    )
    parser.add_argument(
        "--no-spool",
        action="store_true",
        help="on PostgreSQL, store webhooks straight into inbound_update (no THIDUA_INBOUND_SPOOL)",
    )


def spool_settings(database_url: str, tmp: Path, no_spool: bool) -> dict[str, str]:
    if database_url.startswith("postgres") and not no_spool:
        return {"THIDUA_INBOUND_SPOOL": str(tmp / "inbound-spool.db")}
    return {}


def run_process(
    command: list[str],
    companion: list[str] | None,
    env: dict[str, str],
    measure: Callable[[int], Awaitable[list[Step]]],
    afterwards: Callable[[], None] = lambda: None,
) -> list[Step]:
    """`measure` the process listening on a free port once its worker (if any) runs;
    `afterwards` runs before it stops."""
    port = free_port()
    logs = Path(tempfile.mkdtemp(prefix="thidua-bench-logs-"))
    process = start([*command, "--port", str(port)], env, logs / "web.log")
    helper = start(companion, env, logs / "worker.log") if companion else None
    try:
        if helper is not None:
            wait_for_worker(logs / "worker.log", helper)
        elif command[-1] == "serve":
            wait_for_worker(logs / "web.log", process)
        steps = asyncio.run(measure(port))
        afterwards()
        return steps
    finally:
        stop(process)
        if helper is not None:
            stop(helper)


def measure_layouts(
    layouts: list[str], env: dict[str, str], measure: Callable[[int], Awaitable[list[Step]]]
) -> dict[str, tuple[list[Step], list[Step]]]:
    """Each layout's steps, with the echo's measured just before it."""
    results = {}
    for name in layouts:
        echo = run_process(ECHO, None, env, measure)
        command, companion = LAYOUTS[name]
        results[name] = (echo, run_process(command, companion, env, measure))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--rates", default="100,250,500,750,1000", type=lambda s: [float(r) for r in s.split(",")]
    )
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--database-url", default=None)
    add_layout_options(parser, "serve,split,webhook")
    args = parser.parse_args()
    fake = FakeTelegram(clock=WallClock())
    for person in range(1, PEOPLE + 1):
        fake.user(person)
    tmp = Path(tempfile.mkdtemp(prefix="thidua-bench-tg-"))
    with (
        fresh_database(args.database_url, tmp) as database_url,
        serve_in_thread(fake.app) as api_base,
    ):
        env = upgraded_env(database_url, api_base, tmp, args.no_spool)
        updates = Updates()
        results = measure_layouts(args.layouts, env, lambda port: run_against(port, updates, args))
    report(results, args, env, len(fake.sent))


def upgraded_env(database_url: str, api_base: str, tmp: Path, no_spool: bool) -> dict[str, str]:
    """The environment of the Telegram benches' thidua processes (none of the caller's own
    THIDUA_ settings), with its database migrated."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")}
    env.update(
        THIDUA_DATABASE_URL=database_url,
        THIDUA_LOG_LEVEL="warning",
        THIDUA_TELEGRAM_TOKEN=TOKEN,
        THIDUA_TELEGRAM_WEBHOOK_SECRET=SECRET,
        THIDUA_TELEGRAM_API_BASE=api_base,
        **spool_settings(database_url, tmp, no_spool),
    )
    subprocess.run([*BOTS, "db", "upgrade"], env=env, check=True)
    return env


def print_layout(name: str, echo: list[Step], steps: list[Step], sustained_label: str) -> None:
    """One layout's steps beside the echo's, then its sustained rate and ratio."""
    print(
        f"\n[{name}] offered/s | echo acked/s  p50 ms  p99 ms | "
        "thidua acked/s  p50 ms  p99 ms  errors"
    )
    for e, a in zip(echo, steps, strict=True):
        offered = f"{e.offered:.0f}" if e.offered else "closed"
        print(
            f"{offered:>17} | {e.achieved:12.0f} {e.p50_ms:7.1f} {e.p99_ms:7.1f} | "
            f"{a.achieved:14.0f} {a.p50_ms:7.1f} {a.p99_ms:7.1f} {a.errors + e.errors:7d}"
        )
    sustained = steps[-1].achieved
    print(
        f"{sustained_label}: {sustained:.0f}/s vs echo {echo[-1].achieved:.0f}/s, "
        f"ratio {sustained / echo[-1].achieved:.2f}"
    )


def describe_store(env: dict[str, str]) -> str:
    if not env["THIDUA_DATABASE_URL"].startswith("postgres"):
        return "SQLite (webhooks into the spool beside the database)"
    if "THIDUA_INBOUND_SPOOL" in env:
        return "PostgreSQL (webhooks into a local spool, THIDUA_INBOUND_SPOOL)"
    return "PostgreSQL (webhooks straight into inbound_update)"


def print_machine(module: str) -> None:
    print(
        f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average "
        + " / ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    print(f"command: .venv/bin/python -m {module} " + " ".join(sys.argv[1:]))


def report(
    results: dict[str, tuple[list[Step], list[Step]]],
    args: argparse.Namespace,
    env: dict[str, str],
    replies: int,
) -> None:
    print(
        f"P1 Telegram webhook, {describe_store(env)}; {args.seconds:g} s per step, "
        f"{args.connections} keep-alive connections"
    )
    for name, (echo, steps) in results.items():
        print_layout(name, echo, steps, "sustained (closed loop)")
    print(f"\nreplies delivered at the fake Bot API meanwhile: {replies}")
    print_machine("bench.telegram_webhook")


if __name__ == "__main__":
    main()
