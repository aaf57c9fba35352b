"""P8: goodput of a broadcast while the platforms misbehave, as a share of each platform's
ceiling.

The three fakes of tests/fakes (Telegram Bot API 30 msg/s and 1/s per chat, Messenger 300
calls/s per Page, Zalo OA 4,000 calls per sliding minute) run in this process with real
clocks, each failing 5 % of send calls with a 5xx and holding 1 % without an answer (the
message delivered all the same) until the client gives up. A third of the way in, Telegram
answers a burst of sends with 429 and Zalo's access token expires. One `thidua worker
--platforms P` process per platform delivers one broadcast.

Goodput ÷ ceiling = members reached (each counted once) ÷ the most the platform's limit
allows between the first and the last delivery (Telegram 30 × t + 1; Messenger 300 per
started second; Zalo 4,000 per started minute), as in P2. Also reported: the calls made with
Zalo's dead token after it expired (goal: only the calls already in flight) and the token
refreshes.

    flock /tmp/thidua-bench.lock .venv/bin/python -m bench.delivery_p8 \\
        [--telegram 3000] [--facebook 30000] [--zalo 7400]

The Zalo count must fit two started minutes with every call our limiter counts: a call that
fails is counted too (the client cannot know whether Zalo counted it; a -32 pauses sending
for a minute), so about 1.064 calls per member (5 % answered 5xx and sent again, 1 % hung and
sent again) and the dead token's refusal. 7,400 members make about 7,870 calls of the 8,000;
until 2026-12-04 the count was 7,600 (about 8,070 calls), which no client that counts its
failed calls can fit: its last calls fell in a third minute (0.633 of the ceiling at best).
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

from sqlalchemy import text

from bench.broadcast_common import fresh_database, load_demo, populate, queue_broadcast
from bench.common import bench_env, print_provenance
from core.clock import SystemClock, utcnow
from tests.fakes.facebook_graph import FakeGraph
from tests.fakes.faults import Faults
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


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a running process so far (Linux), 0 where unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--telegram", type=int, default=3000)
    parser.add_argument("--facebook", type=int, default=30000)
    parser.add_argument("--zalo", type=int, default=7400)
    parser.add_argument("--errors", type=float, default=0.05, help="share of calls with a 5xx")
    parser.add_argument("--hangs", type=float, default=0.01, help="share of calls that hang")
    parser.add_argument("--burst", type=int, default=30, help="Telegram sends answered 429")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    sizes = {
        p: n
        for p, n in (("telegram", args.telegram), ("facebook", args.facebook), ("zalo", args.zalo))
        if n > 0
    }
    clock = SystemClock()

    def faults(seed: int) -> Faults:
        return Faults(error_rate=args.errors, hang_rate=args.hangs, hang_for=30.0, seed=seed)

    tg = FakeTelegram(faults=faults(1))
    fb = FakeGraph(page_token=PAGE_TOKEN, app_secret=APP_SECRET, clock=clock)
    fb.faults = faults(2)
    zl = FakeZaloOA(clock=clock)
    zl.faults = faults(3)
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
        env = bench_env(
            url,
            Path(tmp),
            THIDUA_QUIET_HOURS="00:00-00:00",
            THIDUA_TELEGRAM_TOKEN=TOKEN,
            THIDUA_TELEGRAM_WEBHOOK_SECRET="bench-secret",
            THIDUA_TELEGRAM_API_BASE=tg_url,
            THIDUA_FACEBOOK_PAGE_TOKEN=PAGE_TOKEN,
            THIDUA_FACEBOOK_APP_SECRET=APP_SECRET,
            THIDUA_FACEBOOK_VERIFY_TOKEN="bench-verify",
            THIDUA_FACEBOOK_GRAPH_BASE=f"{fb_url}/v23.0",
            THIDUA_ZALO_APP_ID=zl.app_id,
            THIDUA_ZALO_APP_SECRET=zl.app_secret,
            THIDUA_ZALO_WEBHOOK_SECRET=zl.webhook_secret,
            THIDUA_ZALO_ACCESS_TOKEN=zl.access_token,
            THIDUA_ZALO_REFRESH_TOKEN=zl.refresh_token,
            THIDUA_ZALO_API_BASE=zl_url,
            THIDUA_ZALO_OAUTH_BASE=zl_url,
        )
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "bots", "worker", "--platforms", p]
                + ([] if i == 0 else ["--no-processing"]),
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for i, p in enumerate(sizes)
        ]
        # Counted as the fakes' lists grow (a set of all of each list at every poll took the
        # fakes' process a fifth of a core by the end of a 30,000-message run).
        seen_by: dict[str, set[str]] = {p: set() for p in ("telegram", "facebook", "zalo")}
        read_up_to = dict.fromkeys(seen_by, 0)
        sources = {
            "telegram": (lambda: tg.sent, lambda m: m.chat_id),
            "facebook": (lambda: fb.sent, lambda m: m.recipient),
            "zalo": (lambda: zl.delivered, lambda d: d.user_id),
        }

        def tally(platform: str) -> int:
            items, key = sources[platform]
            found = items()
            end = len(found)
            seen_by[platform].update(key(m) for m in found[read_up_to[platform] : end])
            read_up_to[platform] = end
            return len(seen_by[platform])

        reached = {p: (lambda p=p: tally(p)) for p in sources}
        progress: dict[str, list[tuple[float, int]]] = {p: [] for p in sizes}
        first: dict[str, float] = {}
        last: dict[str, float] = {}
        burst_done = expired = False
        dead_token = zl.access_token
        dead_before = 0
        try:
            deadline = time.monotonic() + args.timeout
            # the clocks at the first delivery (the workers' start-up done)
            started: tuple[float, float, list[float]] | None = None
            while len(last) < len(sizes) and time.monotonic() < deadline:
                now = time.monotonic()
                for platform in sizes:
                    n = reached[platform]()
                    if n and platform not in first:
                        first[platform] = now
                        if started is None:
                            started = (
                                now,
                                time.process_time(),
                                [cpu_seconds(w.pid) for w in workers],
                            )
                    if n and platform not in last:
                        progress[platform].append((now, n))
                    if n >= sizes[platform] and platform not in last:
                        last[platform] = now
                    third = n >= sizes[platform] // 3
                    if platform == "telegram" and third and not burst_done:
                        tg.flood_next(args.burst, retry_after=1)
                        burst_done = True
                    if platform == "zalo" and third and not expired:
                        dead_before = zl.token_uses.get(dead_token, 0)
                        zl.expire_access_tokens()
                        expired = True
                time.sleep(0.02)
        finally:
            ended = (time.monotonic(), time.process_time(), [cpu_seconds(w.pid) for w in workers])
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            tg.release()
            fb.faults.release()
            zl.faults.release()
            for worker in workers:
                worker.wait(60)
        engine = make_engine(url)
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT platform, status, error_kind, count(*), sum(possible_duplicates) "
                    "FROM outbox_message GROUP BY platform, status, error_kind"
                )
            ).all()
        engine.dispose()
    db = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(
        f"P8 {db}: {args.errors:.0%} of send calls 5xx, {args.hangs:.0%} hang (delivered, "
        f"unanswered until our timeout), Telegram 429 burst of {args.burst}, Zalo token "
        "expiry a third of the way in"
    )
    for platform, count in sizes.items():
        if platform not in last:
            print(f"P8 {db} {platform}: only {reached[platform]():,} of {count:,} reached")
            continue
        seconds = last[platform] - first[platform]
        ratio = count / allowed(platform, seconds)
        print(
            f"P8 {db} {platform}: {count:,} members reached in {seconds:.1f} s "
            f"= {count / seconds:,.1f}/s; goodput ÷ ceiling = {ratio:.3f}",
            flush=True,
        )
        marks = []
        for share in (0.25, 0.5, 0.75, 0.9, 0.99):
            at = next(t for t, n in progress[platform] if n >= share * count)
            marks.append(f"{share:.0%} at {at - first[platform]:.1f} s")
        print(f"  {platform}: " + ", ".join(marks) + f", all at {seconds:.1f} s")
    print(
        f"Telegram: {len(tg.sent) - len({m.chat_id for m in tg.sent})} duplicates (hung calls "
        f"delivered, then sent again), {tg.faults.errors} 5xx, {tg.faults.hangs} hung, "
        f"{len(tg.floods)} answers 429, {len(tg.early)} sends before their time"
    )
    codes = [r["code"] for r in fb.refused]
    print(
        f"Messenger: {len(fb.sent) - len({m.recipient for m in fb.sent})} duplicates, "
        f"{fb.faults.errors} 5xx, {fb.faults.hangs} hung, {codes.count(613)} answers 613"
    )
    cs = zl.calls("/v3.0/oa/message/cs")
    print(
        f"Zalo: {len(zl.delivered) - len({d.user_id for d in zl.delivered})} duplicates, "
        f"{zl.faults.errors} 5xx, {zl.faults.hangs} hung, {len(cs):,} calls counted, "
        f"calls with the dead token after it expired: "
        f"{zl.token_uses.get(dead_token, 0) - dead_before}, token refreshes: {zl.refresh_calls}"
    )
    print("outbox rows (platform, status, error, count, possible duplicates):", rows)
    started = started or ended
    wall = ended[0] - started[0]
    used = [
        f"{platform} worker {b - a:.1f} s"
        for platform, a, b in zip(sizes, started[2], ended[2], strict=True)
    ]
    print(
        f"CPU over the {wall:.1f} s of the run ({os.cpu_count()} cores): "
        + ", ".join(used)
        + f", the fakes' process {ended[1] - started[1]:.1f} s"
    )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print_provenance("bench.delivery_p8")


if __name__ == "__main__":
    main()
