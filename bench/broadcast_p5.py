"""P5: peak memory (RSS) of a worker process broadcasting to N recipients, for several N.

For each size: a fresh database with N members, one broadcast recorded but not yet fanned
out; then a separate worker process does everything a worker does for it: the scheduler's
fan-out in batches (recipients and outbox rows), and the delivery loops leasing, sending and
recording. Its platform accepts every message at once (an in-process fake), so the run is
bounded by our own path; the figure is the process's peak RSS at the end: VmHWM of
/proc/self/status, the high-water mark of this process's own memory. Not ru_maxrss: Linux
carries the parent's peak across fork and exec into the child's ru_maxrss, so it would report
the benchmark's own set-up of N members (which grows with N) instead of the worker.

Beside it, a sampler reads /proc/self/smaps_rollup every 0.2 s and reports the split at the
highest sample: anonymous memory (the Python heap, SQLite's page cache and other malloc'd
memory) and file-backed or shared pages (the interpreter, its libraries, SQLite's WAL index
and any memory-mapped database pages), plus SQLite's own heap at its high-water mark.
`--tracemalloc FILE` also writes the Python heap's largest allocation sites at the end
(slow: for comparing sizes, not for the figure).

    .venv/bin/python -m bench.broadcast_p5 [--sizes 10000,100000,1000000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import json
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from bench.broadcast_common import fresh_database, load_demo, populate, queue_broadcast
from core.clock import utcnow


def proc_fields(path: str) -> dict[str, int]:
    """The `Name: N kB` lines of a /proc file of this process, in KiB (Linux)."""
    fields: dict[str, int] = {}
    with open(path) as f:
        for line in f:
            name, _, rest = line.partition(":")
            parts = rest.split()
            if len(parts) == 2 and parts[1] == "kB":
                fields[name] = int(parts[0])
    return fields


def sqlite_highwater_mib() -> float:
    """SQLite's own heap (page caches, statements, sorters) at its high-water mark."""
    import _sqlite3

    lib = ctypes.CDLL(_sqlite3.__file__)
    highwater = lib.sqlite3_memory_highwater
    highwater.restype = ctypes.c_int64
    highwater.argtypes = [ctypes.c_int]
    return highwater(0) / 2**20


class Sampler(threading.Thread):
    """Keeps the smaps_rollup sample with the highest RSS."""

    def __init__(self, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.every = every
        self.peak: dict[str, int] = {"Rss": 0}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.every):
            self.sample()

    def sample(self) -> None:
        now = proc_fields("/proc/self/smaps_rollup")
        if now.get("Rss", 0) > self.peak["Rss"]:
            self.peak = now


async def work(database_url: str, expected: int, trace: str | None) -> dict[str, float]:
    """The worker side: fan-out and delivery until every recipient is served."""
    from bench.broadcast_p3 import InstantPlatform
    from bots.bootstrap import build_runtime
    from bots.scheduling import make_ticker
    from bots.settings import load_settings
    from bots.worker import per_platform

    settings = load_settings(
        environ={"THIDUA_DATABASE_URL": database_url, "THIDUA_QUIET_HOURS": "00:00-00:00"}
    )
    if trace:
        tracemalloc.start()
    sampler = Sampler()
    sampler.start()
    runtime = build_runtime(settings, messengers=())
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
    sampler.sample()
    if trace:
        with open(trace, "w") as out:
            current, peak = tracemalloc.get_traced_memory()
            print(f"traced now {current / 2**20:.1f} MiB, peak {peak / 2**20:.1f} MiB", file=out)
            for stat in tracemalloc.take_snapshot().statistics("lineno")[:40]:
                print(stat, file=out)
    runtime.dispose()
    sampler.done.set()
    peak_kib = proc_fields("/proc/self/status")["VmHWM"]
    at_peak = sampler.peak
    return {
        "delivered": platform.count,
        "seconds": elapsed,
        "fanout_seconds": fanned,
        "peak_mib": peak_kib / 1024,
        "sampled_rss_mib": at_peak["Rss"] / 1024,
        "anon_mib": at_peak.get("Anonymous", 0) / 1024,
        "file_mib": (at_peak["Rss"] - at_peak.get("Anonymous", 0)) / 1024,
        "sqlite_heap_mib": sqlite_highwater_mib(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--tracemalloc", default=None, metavar="FILE")
    parser.add_argument("--work", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--expect", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.work:
        print(json.dumps(asyncio.run(work(args.work, args.expect, args.tracemalloc))))
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
            trace = [f"--tracemalloc={args.tracemalloc}.{size}"] if args.tracemalloc else []
            out = subprocess.run(
                [
                    sys.executable,
                    *("-m", "bench.broadcast_p5", "--work", url, "--expect", str(size)),
                    *trace,
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            db = "PostgreSQL" if url.startswith("postgres") else "SQLite"
            own = (
                f"; SQLite heap high-water {result['sqlite_heap_mib']:.1f}"
                if db == "SQLite"
                else ""
            )
            print(
                f"P5 {db}: {size:>9,} recipients: peak RSS {result['peak_mib']:.0f} MiB "
                f"(at the highest sample: {result['anon_mib']:.0f} anonymous, "
                f"{result['file_mib']:.0f} file-backed/shared{own}); "
                f"fan-out and delivery {result['seconds']:.0f} s "
                f"({size / result['seconds']:,.0f} recipients/s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
