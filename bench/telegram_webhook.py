"""P1: how many Telegram updates per second the running app acknowledges, and how fast,
side by side with a bare FastAPI echo endpoint on the same machine in the same run.

Starts, in turn on one fresh database with Telegram configured against the test suite's fake
Bot API (loopback, in this process): a bare FastAPI app whose `POST /webhooks/telegram` reads
the body and answers `{"ok": true}`, under the same uvicorn; then each layout of `--layouts`:
`serve` (`thidua serve`: the app with its processing, delivery and scheduler loops in one
process), `split` (`thidua serve --web-only` beside `thidua worker --with-scheduler`) and
`webhook` (`thidua serve --web-only` alone). A layout inherits the backlog of the ones before
it, so the worker of `split` processes while the load runs. Against each, a load generator in
this process (plain asyncio sockets, keep-alive connections, so that it costs little CPU):

1. open loop at rising rates (`--rates`, `--seconds` each): update i is due at t0 + i/rate
   and its latency runs from that instant to the 200 (waiting for a free connection counts);
2. closed loop: `--connections` senders post back to back for `--seconds`: the sustained rate.

Every update is a distinct, correctly signed Telegram `message` update (header
X-Telegram-Bot-Api-Secret-Token), from 5,000 different people, so the app stores each one and
its background loops process and answer them while the load runs.

    .venv/bin/python -m bench.telegram_webhook [--rates 100,250,500,750,1000] [--seconds 5]
        [--connections 32] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI, Request

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


async def open_loop(port: int, requests: list[bytes], rate: float, pool_size: int) -> Step:
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


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=60)


class WallClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--rates", default="100,250,500,750,1000", type=lambda s: [float(r) for r in s.split(",")]
    )
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--layouts",
        default="serve,split,webhook",
        type=lambda s: s.split(","),
        help="serve: one process (thidua serve); split: `thidua serve --web-only` + "
        "`thidua worker --with-scheduler`; webhook: `thidua serve --web-only` alone (the "
        "webhook path without any processing)",
    )
    args = parser.parse_args()
    fake = FakeTelegram(clock=WallClock())
    for person in range(1, PEOPLE + 1):
        fake.user(person)
    tmp = Path(tempfile.mkdtemp(prefix="thidua-bench-tg-"))
    results: dict[str, list[Step]] = {}
    with serve_in_thread(fake.app) as api_base:
        env = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")}
        env.update(
            THIDUA_DATABASE_URL=args.database_url or f"sqlite:///{tmp}/bench.db",
            THIDUA_LOG_LEVEL="warning",
            THIDUA_TELEGRAM_TOKEN=TOKEN,
            THIDUA_TELEGRAM_WEBHOOK_SECRET=SECRET,
            THIDUA_TELEGRAM_API_BASE=api_base,
        )
        subprocess.run([sys.executable, "-m", "bots", "db", "upgrade"], env=env, check=True)
        updates = Updates()
        uvicorn = [sys.executable, "-m", "uvicorn", "--log-level", "warning", "--no-access-log"]
        layouts = {
            "echo": ([*uvicorn, "bench.telegram_webhook:echo_app"], None),
            "serve": ([sys.executable, "-m", "bots", "serve"], None),
            "webhook": ([sys.executable, "-m", "bots", "serve", "--web-only"], None),
            "split": (
                [sys.executable, "-m", "bots", "serve", "--web-only"],
                [sys.executable, "-m", "bots", "worker", "--with-scheduler"],
            ),
        }
        for name in ["echo", *args.layouts]:
            command, companion = layouts[name]
            port = free_port()
            process = start([*command, "--port", str(port)], env)
            helper = start(companion, env) if companion else None
            try:
                results[name] = asyncio.run(run_against(port, updates, args))
            finally:
                stop(process)
                if helper is not None:
                    stop(helper)
    report(results, args, env["THIDUA_DATABASE_URL"], len(fake.sent))


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


def report(
    results: dict[str, list[Step]], args: argparse.Namespace, database_url: str, replies: int
) -> None:
    db = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    print(
        f"P1 Telegram webhook, {db}; {args.seconds:g} s per step, "
        f"{args.connections} keep-alive connections"
    )
    for name in args.layouts:
        print_layout(name, results["echo"], results[name], "sustained (closed loop)")
    print(f"\nreplies delivered at the fake Bot API meanwhile: {replies}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}"
    )
    print("command: .venv/bin/python -m bench.telegram_webhook " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
