"""P2: how close a broadcast gets to each platform's ceiling, over the three fakes enforcing
their documented limits (Telegram 30 msg/s overall, Messenger 300 calls/s per Page, Zalo 4,000
requests/min per app), with a real `thidua worker` process and real clocks.

Achieved ÷ ceiling = messages delivered ÷ the most the platform's limit allows in the time
from the first to the last delivery (Telegram: 30 × t + 1; Messenger: 300 per started second;
Zalo: 4,000 per started minute of its sliding window).

    .venv/bin/python -m bench.broadcast_p2 [--telegram 1800] [--facebook 18000] [--zalo 8000]

A count of 0 leaves that platform out. Only a Zalo count that is a multiple of 4,000 can reach
1.0 (the ceiling counts started minutes). The 10^5 run of docs/benchmarks.md:
`--telegram 10000 --facebook 62000 --zalo 28000 --timeout 900`.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.broadcast_common import fresh_database, load_demo, populate, queue_broadcast
from core.clock import SystemClock, utcnow
from tests.fakes.facebook_graph import FakeGraph
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram_api import TOKEN, FakeTelegram, running
from tests.fakes.zalo_oa import FakeZaloOA

ROOT = Path(__file__).resolve().parents[1]
PAGE_TOKEN = "EAAGm0PX4ZCpsBAFakePageToken"
APP_SECRET = "3f1c2a9b8e7d6c5b4a39281706f5e4d3"


def allowed(platform: str, seconds: float) -> float:
    if platform == "telegram":
        return 30 * seconds + 1
    if platform == "facebook":
        return 300 * (math.floor(seconds) + 1)
    return 4000 * (math.floor(seconds / 60) + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--telegram", type=int, default=1800)
    parser.add_argument("--facebook", type=int, default=18000)
    parser.add_argument("--zalo", type=int, default=8000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--timeout", type=float, default=600.0, help="give up after (s)")
    parser.add_argument(
        "--worker-per-platform",
        action="store_true",
        help="one `thidua worker --platforms P` process per platform instead of one for all",
    )
    args = parser.parse_args()
    sizes = {
        platform: count
        for platform, count in (
            ("telegram", args.telegram),
            ("facebook", args.facebook),
            ("zalo", args.zalo),
        )
        if count > 0
    }
    clock = SystemClock()
    tg = FakeTelegram()
    fb = FakeGraph(page_token=PAGE_TOKEN, app_secret=APP_SECRET, clock=clock)
    zl = FakeZaloOA(clock=clock)
    with (
        tempfile.TemporaryDirectory() as tmp,
        fresh_database(args.database_url, Path(tmp)) as url,
        running(tg) as tg_url,
        serve_in_thread(fb.app) as fb_url,
        serve_in_thread(zl.build_app()) as zl_url,
    ):
        fb.base_url, zl.url = fb_url, zl_url
        from core.storage.engine import make_engine

        engine = make_engine(url)
        load_demo(engine)
        seen = utcnow() - timedelta(hours=1)
        for platform, count in sizes.items():
            for user in populate(engine, platform=platform, count=count, seen=seen):
                if platform == "telegram":
                    tg.user(int(user))
                elif platform == "facebook":
                    fb.last_action[user] = seen
                else:
                    zl.interact(user, seen)
        queue_broadcast(engine, "Thông báo phát động phong trào thi đua quý IV")
        engine.dispose()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")},
            "THIDUA_DATABASE_URL": url,
            "THIDUA_QUIET_HOURS": "00:00-00:00",
            "THIDUA_TELEGRAM_TOKEN": TOKEN,
            "THIDUA_TELEGRAM_WEBHOOK_SECRET": "bench-secret",
            "THIDUA_TELEGRAM_API_BASE": tg_url,
            "THIDUA_FACEBOOK_PAGE_TOKEN": PAGE_TOKEN,
            "THIDUA_FACEBOOK_APP_SECRET": APP_SECRET,
            "THIDUA_FACEBOOK_VERIFY_TOKEN": "bench-verify",
            "THIDUA_FACEBOOK_GRAPH_BASE": f"{fb_url}/v23.0",
            "THIDUA_ZALO_APP_ID": zl.app_id,
            "THIDUA_ZALO_APP_SECRET": zl.app_secret,
            "THIDUA_ZALO_WEBHOOK_SECRET": zl.webhook_secret,
            "THIDUA_ZALO_ACCESS_TOKEN": zl.access_token,
            "THIDUA_ZALO_REFRESH_TOKEN": zl.refresh_token,
            "THIDUA_ZALO_API_BASE": zl_url,
            "THIDUA_ZALO_OAUTH_BASE": zl_url,
        }
        commands = [[sys.executable, "-m", "bots", "worker"]]
        if args.worker_per_platform:
            commands = [
                [sys.executable, "-m", "bots", "worker", "--platforms", p]
                + ([] if i == 0 else ["--no-processing"])
                for i, p in enumerate(sizes)
            ]
        workers = [
            subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            for command in commands
        ]
        counters = {
            "telegram": lambda: len(tg.sent),
            "facebook": lambda: len(fb.sent),
            "zalo": lambda: len(zl.delivered),
        }
        first: dict[str, float] = {}
        last: dict[str, float] = {}
        try:
            deadline = time.monotonic() + args.timeout
            while len(last) < len(sizes) and time.monotonic() < deadline:
                now = time.monotonic()
                for platform in sizes:
                    n = counters[platform]()
                    if n and platform not in first:
                        first[platform] = now
                    if n >= sizes[platform] and platform not in last:
                        last[platform] = now
                time.sleep(0.05)
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            for worker in workers:
                worker.wait(30)
    db = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    for platform, count in sizes.items():
        if platform not in last:  # gave up: report what arrived
            print(f"P2 {db} {platform}: only {counters[platform]():,} of {count:,} delivered")
            continue
        seconds = last[platform] - first[platform]
        ratio = count / allowed(platform, seconds)
        print(
            f"P2 {db} {platform}: {count:,} messages in {seconds:.1f} s "
            f"= {count / seconds:,.1f}/s; "
            f"achieved ÷ ceiling = {ratio:.3f}",
            flush=True,
        )
    print(f"Telegram 429 answers: {len(tg.floods)}; sends before their time: {len(tg.early)}")
    codes = [r["code"] for r in fb.refused]
    print(f"Messenger refusals: {len(codes)} ({codes.count(613)} of them 613)")
    refused = len(zl.calls("/v3.0/oa/message/cs")) - len(zl.delivered)
    print(f"Zalo calls refused (-32 over the per-minute limit): {refused}")


if __name__ == "__main__":
    main()
