"""P7: kill -9 a delivery worker five times during a broadcast to 3,000 Telegram members.

The fake Bot API (tests/fakes, enforcing 30/s overall and 1/s per chat, real clocks) runs in
this process; `thidua worker --platforms telegram` runs as a child process. Each time another
fifth of the audience has been delivered the worker is killed with SIGKILL and a new one
started at once (as `thidua serve`'s supervisor does). Measured:

- lost: members who never got the announcement (goal 0);
- duplicates: messages the fake received beyond one per member, against the sends that were
  in flight at the kills (rows SENDING in the database right after each kill; goal: at most
  those), and what the delivery report shows as possible duplicates;
- resume: from each kill to the next delivery at the fake, and from the new worker's start
  to its first delivery (goal < 3 s);
- how long the killed worker's leased rows took to come back.

    flock /tmp/thidua-bench.lock .venv/bin/python -m bench.delivery_p7 [--recipients 3000]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from bench.broadcast_common import fresh_database, load_demo, populate, queue_broadcast
from bench.common import bench_env, print_provenance
from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast
from core.clock import utcnow
from core.storage.models import OutboxMessage, OutboxStatus
from tests.fakes.telegram_api import TOKEN, FakeTelegram, running

ROOT = Path(__file__).resolve().parents[1]


def sending(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return session.exec(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.SENDING)
        ).one()


def wait(condition, timeout: float) -> float:  # type: ignore[no-untyped-def]
    """Seconds until `condition()` held (polled every 5 ms); raises after `timeout`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"P7: gave up after {timeout} s")
        time.sleep(0.005)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=3000)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    tg = FakeTelegram()
    with (
        tempfile.TemporaryDirectory() as tmp,
        fresh_database(args.database_url, Path(tmp)) as url,
        running(tg) as tg_url,
    ):
        from core.storage.engine import make_engine

        engine = make_engine(url)
        load_demo(engine)
        seen = utcnow() - timedelta(hours=1)
        for user in populate(engine, platform="telegram", count=args.recipients, seen=seen):
            tg.user(int(user))
        queue_broadcast(engine, "Thông báo phát động phong trào thi đua quý IV")
        env = bench_env(
            url,
            Path(tmp),
            THIDUA_QUIET_HOURS="00:00-00:00",
            THIDUA_TELEGRAM_TOKEN=TOKEN,
            THIDUA_TELEGRAM_WEBHOOK_SECRET="bench-secret",
            THIDUA_TELEGRAM_API_BASE=tg_url,
        )
        command = [sys.executable, "-m", "bots", "worker", "--platforms", "telegram"]

        ready: dict[int, float] = {}

        def start() -> subprocess.Popen[bytes]:
            child = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
            )

            def watch() -> None:  # the instant the worker says it runs
                assert child.stdout is not None
                for line in child.stdout:
                    if line.startswith(b"worker running"):
                        ready[child.pid] = time.monotonic()

            threading.Thread(target=watch, daemon=True).start()
            return child

        in_flight: list[int] = []
        resume_after_kill: list[float] = []
        resume_after_start: list[float] = []
        resume_after_ready: list[float] = []
        lease_back: list[float] = []
        started = time.monotonic()
        worker = start()
        try:
            for kill in range(1, args.kills + 1):
                target = args.recipients * kill // (args.kills + 1)
                wait(lambda t=target: len(tg.sent) >= t, 300)
                worker.send_signal(signal.SIGKILL)
                worker.wait(10)
                killed_at = time.monotonic()
                in_flight.append(sending(engine))
                held = _held(engine)
                delivered = len(tg.sent)
                worker = start()
                restarted = time.monotonic()
                wait(lambda d=delivered: len(tg.sent) > d, 60)
                resumed = time.monotonic()
                resume_after_kill.append(resumed - killed_at)
                resume_after_start.append(resumed - restarted)
                wait(lambda p=worker.pid: p in ready, 60)
                resume_after_ready.append(resumed - ready[worker.pid])
                wait(lambda h=held: _reclaimed(engine, h), 60)
                lease_back.append(time.monotonic() - killed_at)
            wait(lambda: _unsent(engine) == 0, 600)
            elapsed = time.monotonic() - started
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(30)
        chats = [m.chat_id for m in tg.sent]
        lost = args.recipients - len(set(chats))
        duplicates = len(chats) - len(set(chats))
        with Session(engine) as session:
            broadcast = session.exec(select(Broadcast)).one()
            report = broadcasts.report(session, broadcast=broadcast)
        engine.dispose()
    db = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(
        f"P7 {db}: {args.recipients:,} Telegram members, {args.kills} kills (SIGKILL), "
        f"{elapsed:.1f} s in all"
    )
    print(f"lost: {lost}; report: {report.totals}")
    print(
        f"duplicates at the fake: {duplicates}; sends in flight at the kills: {in_flight} "
        f"(sum {sum(in_flight)}); report's possible duplicates: {report.possible_duplicates}"
    )
    print(
        "resume, kill to the next delivery: "
        + ", ".join(f"{s:.2f}" for s in resume_after_kill)
        + " s; new process's start to its first delivery: "
        + ", ".join(f"{s:.2f}" for s in resume_after_start)
        + " s; its loops running to its first delivery: "
        + ", ".join(f"{s:.2f}" for s in resume_after_ready)
        + " s"
    )
    print(
        "killed worker's sends back in the queue after: "
        + ", ".join(f"{s:.1f}" for s in lease_back)
        + " s"
    )
    print(f"Telegram 429 answers: {len(tg.floods)}; sends before their time: {len(tg.early)}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print_provenance("bench.delivery_p7")


def _unsent(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return session.exec(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.status.in_(  # type: ignore[attr-defined]
                    [OutboxStatus.PENDING, OutboxStatus.LEASED, OutboxStatus.SENDING]
                )
            )
        ).one()


def _held(engine) -> dict[int, object]:  # type: ignore[no-untyped-def]
    """The rows a worker holds (leased or being sent) and their leases."""
    with Session(engine) as session:
        return dict(
            session.exec(
                select(OutboxMessage.id, OutboxMessage.lease_until).where(
                    OutboxMessage.status.in_(  # type: ignore[attr-defined]
                        [OutboxStatus.LEASED, OutboxStatus.SENDING]
                    )
                )
            ).all()  # type: ignore[arg-type]
        )


def _reclaimed(engine, held: dict[int, object]) -> bool:  # type: ignore[no-untyped-def]
    """None of the dead worker's rows is still held under its old lease."""
    now = _held(engine)
    return not any(now.get(row_id) == lease for row_id, lease in held.items())


if __name__ == "__main__":
    main()
