"""A real worker process is killed with SIGKILL in the middle of a broadcast and restarted:
every recipient is served, and duplicates stay within the sends in flight at the kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from bots.worker import DEFAULT_IN_FLIGHT
from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast, BroadcastKind
from core.clock import utcnow
from core.members.models import UnionUnit
from core.storage.models import OutboxMessage, OutboxStatus, WebchatMessage
from scheduler.jobs import fan_out
from tests.e2e.campaign_support import bulk_members, load_demo

ROOT = Path(__file__).resolve().parents[2]
AUDIENCE = 6000


def start_worker(database_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")},
        "THIDUA_DATABASE_URL": database_url,
        "THIDUA_DELIVERY_LEASE_SECONDS": "2",
        "THIDUA_QUIET_HOURS": "00:00-00:00",  # whatever the hour of the test run
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bots", "worker"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def counts(runtime: Runtime) -> tuple[int, int, int]:
    """(messages delivered, people served, outbox rows whose send was in flight)"""
    with Session(runtime.engine) as session:
        delivered = session.exec(select(func.count()).select_from(WebchatMessage)).one()
        served = session.exec(select(func.count(func.distinct(WebchatMessage.session_id)))).one()
        sending = session.exec(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.SENDING)  # handed to the platform
        ).one()
    return delivered, served, sending


def wait_for(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def test_sigkill_mid_broadcast_loses_nothing(runtime: Runtime, database_url: str, tmp_path: Path):
    load_demo(runtime)
    now = utcnow()
    bulk_members(
        runtime.engine,
        unit_id=4,
        count=AUDIENCE,
        platform="webchat",
        seen=now,
        now=now,
        prefix="crash",
    )
    policy = replace(runtime.processor.config.delivery, inline_fanout=1000)
    with Session(runtime.engine) as session, session.begin():
        unit = session.get(UnionUnit, 4)
        broadcasts.create(
            session,
            key="crash",
            kind=BroadcastKind.MESSAGE,
            audience=broadcasts.Audience(unit, True, ()),  # type: ignore[arg-type]
            text="Thông báo khẩn",
            now=now,
            policy=policy,
        )
    runtime.clock.current = now  # type: ignore[attr-defined]
    fan_out(runtime.engine, runtime.clock, policy)
    with Session(runtime.engine) as session:
        queued = session.exec(select(func.count()).select_from(OutboxMessage)).one()
    assert queued == AUDIENCE

    first = start_worker(database_url, tmp_path / "first.log")
    try:
        wait_for(lambda: counts(runtime)[0] >= AUDIENCE // 5, 60, "the first deliveries")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    delivered_at_kill, _served, in_flight = counts(runtime)
    assert delivered_at_kill < AUDIENCE, "the broadcast finished before the kill"

    second = start_worker(database_url, tmp_path / "second.log")
    try:
        wait_for(
            lambda: counts(runtime)[1] == AUDIENCE and counts(runtime)[2] == 0,
            120,
            "every recipient",
        )
        with Session(runtime.engine) as session:
            states = dict(
                session.exec(
                    select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
                ).all()  # type: ignore[arg-type]
            )
        assert states == {OutboxStatus.SENT: AUDIENCE}
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(20)
    delivered, served, _ = counts(runtime)
    duplicates = delivered - served
    log = (tmp_path / "second.log").read_text()
    recovered = int(log.rsplit("rows recovered from expired leases: ", 1)[1].split()[0])
    print(
        f"\ncrash test: {AUDIENCE} recipients, killed after {delivered_at_kill} deliveries with "
        f"{in_flight} rows in flight; recovered {recovered}; lost 0; duplicates {duplicates}"
    )
    assert served == AUDIENCE  # 0 lost
    assert in_flight <= DEFAULT_IN_FLIGHT  # one send per slot was out at the kill
    assert recovered == in_flight
    assert duplicates <= in_flight
    with Session(runtime.engine) as session:
        broadcast = session.exec(select(Broadcast).where(Broadcast.key == "crash")).one()
        report = broadcasts.report(session, broadcast=broadcast)
    assert report.possible_duplicates == recovered  # shown to the officers
