"""P3: deliveries per second of the broadcast path against a channel without limits.

The channel is the web chat's (its mailbox is a table: each delivery is a real write), run
by the delivery worker exactly as in production: lease a batch of due rows, send, apply the
results in one transaction. The messenger adapters cannot be used for this: each keeps its
platform's ceiling on our side (Telegram 30/s, Messenger 300/s per Page, Zalo 4,000/min).

    .venv/bin/python -m bench.broadcast_p3 [--recipients 20000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.broadcast_common import fresh_database, load_demo, populate, queue_broadcast
from bots.bootstrap import build_runtime
from bots.settings import load_settings
from bots.worker import DeliveryWorker
from core.clock import utcnow
from core.errors import SendResult, Sent
from core.messages import OutgoingMessage, Recipient


class InstantPlatform:
    """A platform that accepts every message at once (the "unlimited fake" in process): what
    is left to measure is our own path, lease, send loop and result transaction."""

    platform = "webchat"

    def __init__(self) -> None:
        self.count = 0

    async def send(
        self, recipient: Recipient, message: OutgoingMessage, *, proactive: bool
    ) -> SendResult:
        self.count += 1
        return Sent((str(self.count),))


async def deliver_all(database_url: str, expected: int, instant: bool) -> float:
    settings = load_settings(
        environ={"THIDUA_DATABASE_URL": database_url, "THIDUA_QUIET_HOURS": "00:00-00:00"}
    )
    runtime = build_runtime(settings, messengers=())
    if instant:
        runtime.channels["webchat"] = InstantPlatform()
    worker = DeliveryWorker(runtime)
    started = time.perf_counter()
    delivered = 0
    while delivered < expected:
        done = await worker.run_once()
        if not done:
            break
        delivered += done
    elapsed = time.perf_counter() - started
    runtime.dispose()
    assert delivered == expected, (delivered, expected)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=20_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--instant", action="store_true", help="an in-process platform instead of the mailbox"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, fresh_database(args.database_url, Path(tmp)) as url:
        from core.storage.engine import make_engine

        engine = make_engine(url)
        load_demo(engine)
        seen = utcnow() - timedelta(hours=1)
        populate(engine, platform="webchat", count=args.recipients, seen=seen)
        fanout = queue_broadcast(engine, "Thông báo phát động phong trào thi đua")
        engine.dispose()
        seconds = asyncio.run(deliver_all(url, args.recipients, args.instant))
    db = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    channel = "instant in-process platform" if args.instant else "web chat mailbox"
    print(
        f"P3 {db}, {channel}: {args.recipients} recipients; "
        f"fan-out {args.recipients / fanout:,.0f} rows/s; "
        f"delivery {args.recipients / seconds:,.0f} deliveries/s ({seconds:.1f} s) "
        f"on {platform.machine()} Python {platform.python_version()}"
    )


if __name__ == "__main__":
    main()
