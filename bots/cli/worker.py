"""`thidua worker`: only the background loops (processing and delivery, optionally the
scheduler's due work), for running delivery apart from the web app or in several copies."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
from pathlib import Path

from bots.attachments import store_forever as store_attachments_forever
from bots.bootstrap import build_runtime
from bots.scheduling import make_ticker
from bots.settings import load_settings
from bots.supervisor import NOTIFY_FD_OPTION, WAITING, link_to_parent
from bots.worker import per_platform, process_forever
from scheduler.runner import build_scheduler

try:
    import uvloop
except ImportError:  # pragma: no cover - installed without uvicorn[standard]
    uvloop = None  # type: ignore[assignment]

log = logging.getLogger(__name__)


def _yield_to_the_web_process(niceness: int) -> None:
    """Linux (CONFIG_SCHED_AUTOGROUP, on by default) first shares the CPU equally between
    sessions, then by niceness inside each: a worker alone in its session kept as much CPU
    as the web process in its own (docs/benchmarks.md, P1). Its session's group gets the
    same niceness; the worker is that session's only process. Without autogroups there is
    no such file. (`thidua serve`'s child shares the web process's session instead:
    bots/supervisor.py.)"""
    with contextlib.suppress(OSError):
        Path("/proc/self/autogroup").write_text(f"{niceness}\n")


def _alone_in_its_session() -> bool:
    """A `thidua worker` that leads its own session (a systemd service, `setsid thidua
    worker`, a supervisor's new session): then its session's scheduling group is its own.
    A worker started from a shell or a script shares that session with them, and `thidua
    serve`'s child shares the web process's: that group must keep its priority."""
    return os.getsid(0) == os.getpid()


async def run_worker(
    with_scheduler: bool,
    platforms: list[str] | None = None,
    processing: bool = True,
    notify_fd: int | None = None,
) -> int:
    settings = load_settings()
    # Webhooks on the same machine get the CPU first (`thidua serve`'s child, or a worker
    # beside `thidua serve --web-only`); set before any thread starts, since Linux keeps a
    # niceness per thread and a new thread inherits its creator's.
    os.nice(settings.worker_niceness)
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
    link = None
    if notify_fd is not None:  # `thidua serve`'s child (bots/supervisor.py)
        link = link_to_parent(notify_fd, runtime, stop, loop)
    if _alone_in_its_session():
        _yield_to_the_web_process(settings.worker_niceness)
    workers = per_platform(runtime, platforms)
    scheduler = None
    if with_scheduler:
        scheduler = build_scheduler(
            runtime.engine,
            runtime.clock,
            settings.timezone,
            ticker=make_ticker(runtime, loop),
            interval_seconds=settings.scheduler_interval_seconds,
            review_reminder_days=settings.initiative_review_reminder_days,
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
        loops.append(
            process_forever(
                runtime,
                stop,
                idle=settings.worker_idle_scheduling,
                waiting=(lambda: link.send(WAITING)) if link is not None else lambda: None,
            )
        )
        loops.append(store_attachments_forever(runtime, stop))
    try:
        await asyncio.gather(*loops)
    finally:
        if scheduler is not None:
            await scheduler.stop()
        await runtime.aclose()
        runtime.dispose()
        if link is not None:
            link.close()
    recovered = sum(w.recovered for w in workers)
    print(f"worker stopped; rows recovered from expired leases: {recovered}", flush=True)
    return 0


def _worker(args: argparse.Namespace) -> int:
    platforms = args.platforms.split(",") if args.platforms else None
    if args.notify_fd is not None:  # a child of `thidua serve`: its lines say so
        # in a process group of its own, not the terminal's foreground one: its lines are
        # written even when the terminal stops background writers (`stty tostop`)
        signal.signal(signal.SIGTTOU, signal.SIG_IGN)
        for handler in logging.getLogger().handlers:
            handler.setFormatter(logging.Formatter("%(levelname)s [worker] %(name)s: %(message)s"))
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        return runner.run(
            run_worker(args.with_scheduler, platforms, not args.no_processing, args.notify_fd)
        )


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop's loop where it is installed (uvicorn[standard] brings it, and the web process
    runs on it already): a send's trips through the loop (the socket's write and read, the
    wake-ups of the commit thread) cost less CPU than on asyncio's own loop, and the
    delivery loops' CPU per send is what holds a broadcast back on a busy machine
    (docs/benchmarks.md, P8)."""
    return uvloop.new_event_loop() if uvloop is not None else asyncio.new_event_loop()


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
    parser.add_argument(  # given by `thidua serve` to its child (bots/supervisor.py)
        NOTIFY_FD_OPTION, type=int, default=None, dest="notify_fd", help=argparse.SUPPRESS
    )
    parser.set_defaults(run=_worker)
