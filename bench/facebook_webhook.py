"""How fast the Messenger webhook answers Meta, and how fast the replies reach the Send API.

Starts `thidua serve` (uvicorn with its background workers) on a fresh database with Messenger
configured against the fake Graph API of the test suite (on loopback, in this process), then:
1. single-event webhooks, signed, from `--concurrency` senders at once: time to the 200;
2. batches of 1000 events (Meta's largest): time to the 200;
3. end to end: from the first webhook until every reply has reached the fake Send API.

    .venv/bin/python -m bench.facebook_webhook [--events N] [--concurrency N] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.common import bench_env, database_name, print_provenance, running_thidua
from tests.fakes.facebook_graph import FakeGraph
from tests.fakes.server import serve_in_thread

TOKEN, SECRET, VERIFY = "bench-page-token", "bench-app-secret", "bench-verify"


class WallClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


async def post(client: httpx.AsyncClient, fake: FakeGraph, body: bytes) -> float:
    started = time.perf_counter()
    response = await client.post(
        "/webhooks/facebook",
        content=body,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": fake.sign(body)},
    )
    response.raise_for_status()
    return time.perf_counter() - started


async def measure(base: str, fake: FakeGraph, events: int, concurrency: int) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        for _ in range(100):
            try:
                if (await client.get("/healthz")).status_code == 200:
                    break
            except httpx.TransportError:
                await asyncio.sleep(0.1)
        latencies: list[float] = []
        queue = list(range(events))
        started = time.perf_counter()

        async def sender(worker: int) -> None:
            while queue:
                n = queue.pop()
                body = fake.body([fake.message_event(f"{worker}-{n}", "Xin chào")])
                latencies.append(await post(client, fake, body))

        await asyncio.gather(*(sender(w) for w in range(concurrency)))
        batch_times = []
        for round_ in range(3):
            batch = [fake.message_event(f"b{round_}-{i}", "CDCSTN33") for i in range(1000)]
            batch_times.append(await post(client, fake, fake.body(batch)))
        total = events + 3000
        while len(fake.sent) < total:
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "batch": statistics.median(batch_times) * 1000,
        "replies_per_s": total / elapsed,
        "elapsed": elapsed,
        "total": total,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    fake = FakeGraph(page_token=TOKEN, app_secret=SECRET, clock=WallClock(), rate_limit=300)
    tmp = Path(tempfile.mkdtemp(prefix="thidua-bench-fb-"))
    with serve_in_thread(fake.app) as graph_url:
        env = bench_env(
            args.database_url,
            tmp,
            THIDUA_FACEBOOK_PAGE_TOKEN=TOKEN,
            THIDUA_FACEBOOK_APP_SECRET=SECRET,
            THIDUA_FACEBOOK_VERIFY_TOKEN=VERIFY,
            THIDUA_FACEBOOK_GRAPH_BASE=f"{graph_url}/v23.0",
        )
        with running_thidua(env) as base:
            result = asyncio.run(measure(base, fake, args.events, args.concurrency))
    db = database_name(env)
    print(
        f"Messenger webhook ({db}): single-event ack p50 {result['p50']:.1f} ms, "
        f"p99 {result['p99']:.1f} ms ({args.events} events, {args.concurrency} senders); "
        f"1000-event batch ack {result['batch']:.0f} ms (median of 3); "
        f"{result['replies_per_s']:.0f} replies/s at the Send API end to end "
        f"({result['total']} in {result['elapsed']:.1f} s)"
    )
    print_provenance("bench.facebook_webhook")


if __name__ == "__main__":
    main()
