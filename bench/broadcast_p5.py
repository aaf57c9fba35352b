"""P5: peak memory (RSS) of a worker process broadcasting to N recipients, for several N.

For each size: a fresh database with N members, one broadcast recorded but not yet fanned
out; then a separate worker process does everything a worker does for it: the scheduler's
fan-out in batches (recipients and outbox rows), and the delivery loops leasing, sending and
recording. Its platform accepts every message at once (an in-process fake), so the run is
bounded by our own path; the figure is the process's peak RSS (ru_maxrss) at the end.

    .venv/bin/python -m bench.broadcast_p5 [--sizes 10000,100000,1000000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from bench.broadcast_common import fresh_database, load_demo, populate, queue_broadcast
from core.clock import utcnow


async def work(database_url: str, expected: int) -> dict[str, float]:
    """The worker side: fan-out and delivery until every recipient is served."""
    from bench.broadcast_p3 import InstantPlatform
    from bots.bootstrap import build_runtime
    from bots.scheduling import make_ticker
    from bots.settings import load_settings
    from bots.worker import per_platform

    settings = load_settings(
        environ={"THIDUA_DATABASE_URL": database_url, "THIDUA_QUIET_HOURS": "00:00-00:00"}
    )
    runtime = build_runtime(settings, with_platforms=False)
    platform = InstantPlatform()
    runtime.channels["webchat"] = platform
    ticker = make_ticker(runtime, asyncio.get_running_loop())
    stop = asyncio.Event()
    started = time.perf_counter()
    loops = [asyncio.create_task(w.run_forever(stop)) for w in per_platform(runtime)]
    fanned = 0.0
    while True:
        counts = await asyncio.to_thread(ticker.tick)
        if not counts["queued"]:
            fanned = fanned or time.perf_counter() - started
        if platform.count >= expected:
            break
        if not counts["queued"]:
            await asyncio.sleep(0.2)
    elapsed = time.perf_counter() - started
    stop.set()
    await asyncio.gather(*loops)
    runtime.dispose()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "delivered": platform.count,
        "seconds": elapsed,
        "fanout_seconds": fanned,
        "peak_mib": peak_kib / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--work", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--expect", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.work:
        print(json.dumps(asyncio.run(work(args.work, args.expect))))
        return
    for size in [int(s) for s in args.sizes.split(",")]:
        with (
            tempfile.TemporaryDirectory() as tmp,
            fresh_database(args.database_url, Path(tmp)) as url,
        ):
            from core.broadcasts.rules import DeliveryPolicy
            from core.storage.engine import make_engine

            engine = make_engine(url)
            load_demo(engine)
            populate(engine, platform="webchat", count=size, seen=utcnow() - timedelta(hours=1))
            # record the broadcast only: the worker process does the whole fan-out
            queue_broadcast(
                engine,
                "Thông báo phát động",
                replace(DeliveryPolicy(), fanout_batch=1),
                only_record=True,
            )
            engine.dispose()
            out = subprocess.run(
                [sys.executable, "-m", "bench.broadcast_p5", "--work", url, "--expect", str(size)],
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            db = "PostgreSQL" if url.startswith("postgres") else "SQLite"
            print(
                f"P5 {db}: {size:>9,} recipients: peak RSS {result['peak_mib']:.0f} MiB; "
                f"fan-out and delivery {result['seconds']:.0f} s "
                f"({size / result['seconds']:,.0f} recipients/s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
