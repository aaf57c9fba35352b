"""`thidua worker`: only the background loops (processing and delivery, optionally the
scheduler's due work), for running delivery apart from the web app or in several copies."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from bots.bootstrap import build_runtime
from bots.scheduling import make_ticker
from bots.settings import load_settings
from bots.worker import per_platform, process_forever
from scheduler.runner import build_scheduler

log = logging.getLogger(__name__)


async def run_worker(
    with_scheduler: bool, platforms: list[str] | None = None, processing: bool = True
) -> int:
    settings = load_settings()
    runtime = build_runtime(settings)
    unknown = sorted(set(platforms or ()) - set(runtime.channels))
    if unknown:
        await runtime.aclose()
        runtime.dispose()
        raise SystemExit(
            f"thidua worker: no channel {', '.join(unknown)} here "
            f"(configured: {', '.join(sorted(runtime.channels))})"
        )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    workers = per_platform(runtime, platforms)
    scheduler = None
    if with_scheduler:
        scheduler = build_scheduler(
            runtime.engine,
            runtime.clock,
            settings.timezone,
            ticker=make_ticker(runtime, loop),
            interval_seconds=settings.scheduler_interval_seconds,
        )
        scheduler.start()
    delivering = ", ".join(
        sorted(p for p in runtime.channels if platforms is None or p in platforms)
    )
    print(
        f"worker running: delivery for {delivering}"
        + ("; processing stored updates" if processing else ""),
        flush=True,
    )
    loops = [w.run_forever(stop) for w in workers]
    if processing:
        loops.append(process_forever(runtime, stop))
    try:
        await asyncio.gather(*loops)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        await runtime.aclose()
        runtime.dispose()
    recovered = sum(w.recovered for w in workers)
    print(f"worker stopped; rows recovered from expired leases: {recovered}", flush=True)
    return 0


def _worker(args: argparse.Namespace) -> int:
    platforms = args.platforms.split(",") if args.platforms else None
    return asyncio.run(run_worker(args.with_scheduler, platforms, not args.no_processing))


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("worker", help="run only the processing and delivery loops")
    parser.add_argument(
        "--with-scheduler", action="store_true", help="also run the scheduler's due work"
    )
    parser.add_argument(
        "--platforms",
        default=None,
        help="deliver only for these messengers (comma-separated, e.g. telegram,zalo): one "
        "process per platform keeps each platform's pacing apart from the others' work",
    )
    parser.add_argument(
        "--no-processing",
        action="store_true",
        help="leave stored updates to another process (on SQLite exactly one process should "
        "process them)",
    )
    parser.set_defaults(run=_worker)
