"""Web chat messages per second, end to end, on this machine.

Starts `thidua serve` (a real uvicorn process with its background workers) on a fresh SQLite
or PostgreSQL database, then N web chat users each send a message and wait, by long poll, for the
reply before sending the next one. A message counts when its reply has reached the browser side:
webhook-style POST → inbound row → processor → outbox → delivery → mailbox → long poll.

    .venv/bin/python -m bench.webchat_throughput [--users 50] [--messages 2000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from bench.common import bench_env, database_name, print_provenance, running_thidua


async def request(
    client: httpx.AsyncClient, method: str, url: str, **kwargs: object
) -> httpx.Response:
    """One request, tried again once when the server closed an idle keep-alive connection."""
    try:
        return await client.request(method, url, **kwargs)  # type: ignore[arg-type]
    except httpx.TransportError:
        return await client.request(method, url, **kwargs)  # type: ignore[arg-type]


async def user(client: httpx.AsyncClient, count: int, latencies: list[float]) -> None:
    session = (await client.post("/chat/api/session")).json()["session"]
    after = 0
    for _ in range(count):
        started = time.perf_counter()
        response = await request(
            client,
            "POST",
            "/chat/api/messages",
            json={"session": session, "text": "/help", "id": uuid.uuid4().hex},
        )
        response.raise_for_status()
        while True:
            polled = await request(
                client,
                "GET",
                "/chat/api/messages",
                params={"session": session, "after": after, "wait": 10},
            )
            messages = polled.json()["messages"]
            if messages:
                after = messages[-1]["id"]
                break
        latencies.append(time.perf_counter() - started)


async def measure(base: str, users: int, messages: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=users * 2 + 10)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        for _ in range(100):
            try:
                if (await client.get("/healthz")).status_code == 200:
                    break
            except httpx.TransportError:
                await asyncio.sleep(0.1)
        await asyncio.gather(*(user(client, 5, []) for _ in range(min(users, 5))))  # warm-up
        started = time.perf_counter()
        per_user = messages // users
        await asyncio.gather(*(user(client, per_user, latencies) for _ in range(users)))
        elapsed = time.perf_counter() - started
    return elapsed, latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    env = bench_env(args.database_url, Path(tempfile.mkdtemp(prefix="thidua-bench-")))
    with running_thidua(env) as base:
        elapsed, latencies = asyncio.run(measure(base, args.users, args.messages))
    done = len(latencies)
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    db = database_name(env)
    print(
        f"web chat end to end ({db}, {args.users} users): {done / elapsed:.0f} messages/s, "
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, {done} messages in {elapsed:.1f} s"
    )
    print_provenance("bench.webchat_throughput")


if __name__ == "__main__":
    main()
