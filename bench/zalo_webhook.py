"""How fast the Zalo webhook answers (Zalo waits about 2 s), and how fast replies reach the OA.

Starts `thidua serve` (uvicorn with its background workers) on a fresh database with Zalo
configured against the fake OA server of the test suite (loopback, in this process), posts
`--events` signed `user_send_text` webhooks from `--concurrency` senders at once (time to the
200), then waits until every reply has reached the fake `/v3.0/oa/message/cs`.

    .venv/bin/python -m bench.zalo_webhook [--events N] [--concurrency N] [--database-url URL]
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
from tests.fakes.server import serve_in_thread
from tests.fakes.zalo_oa import FakeZaloOA


class WallClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


async def measure(base: str, fake: FakeZaloOA, events: int, concurrency: int) -> dict[str, float]:
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
                user_id = f"{9_000_000_000 + worker * 100_000 + n}"
                fake.interact(user_id)
                raw, headers = fake.signed(fake.text_event(user_id, "Xin chào"))
                began = time.perf_counter()
                response = await client.post("/webhooks/zalo", content=raw, headers=headers)
                response.raise_for_status()
                latencies.append(time.perf_counter() - began)

        await asyncio.gather(*(sender(w) for w in range(concurrency)))
        while len(fake.delivered) < events:
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[max(int(len(latencies) * 0.99) - 1, 0)] * 1000,
        "max": latencies[-1] * 1000,
        "replies_per_s": events / elapsed,
        "elapsed": elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    fake = FakeZaloOA(clock=WallClock())
    tmp = Path(tempfile.mkdtemp(prefix="thidua-bench-zalo-"))
    with serve_in_thread(fake.build_app()) as url:
        env = bench_env(
            args.database_url,
            tmp,
            THIDUA_ZALO_APP_ID=fake.app_id,
            THIDUA_ZALO_APP_SECRET=fake.app_secret,
            THIDUA_ZALO_WEBHOOK_SECRET=fake.webhook_secret,
            THIDUA_ZALO_ACCESS_TOKEN=fake.access_token,
            THIDUA_ZALO_REFRESH_TOKEN=fake.refresh_token,
            THIDUA_ZALO_API_BASE=url,
            THIDUA_ZALO_OAUTH_BASE=url,
        )
        with running_thidua(env) as base:
            result = asyncio.run(measure(base, fake, args.events, args.concurrency))
    db = database_name(env)
    print(
        f"Zalo webhook ({db}): ack p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms, "
        f"max {result['max']:.0f} ms ({args.events} events, {args.concurrency} senders); "
        f"{result['replies_per_s']:.0f} replies/s at /message/cs end to end "
        f"({args.events} in {result['elapsed']:.1f} s)"
    )
    print_provenance("bench.zalo_webhook")


if __name__ == "__main__":
    main()
