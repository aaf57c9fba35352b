"""Two instances on PostgreSQL over 1,000 due campaign reminders: each is sent exactly once.
Both run `thidua worker --with-scheduler` as real processes on the same database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, insert
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.broadcasts.models import Broadcast, BroadcastKind
from core.campaigns.models import Campaign, CampaignStatus
from core.clock import utcnow
from core.storage.models import OutboxMessage, WebchatMessage
from tests.e2e.campaign_support import MINH_PHAT, bulk_members, load_demo

ROOT = Path(__file__).resolve().parents[2]
REMINDERS = 1000

pytestmark = pytest.mark.postgres_only


def test_two_instances_send_each_reminder_once(
    runtime: Runtime, database_url: str, db_kind: str, tmp_path: Path
):
    if db_kind != "postgres":
        pytest.skip("row locks across instances need PostgreSQL (run with --db=postgres)")
    load_demo(runtime)
    now = utcnow()
    bulk_members(
        runtime.engine,
        unit_id=MINH_PHAT,
        count=1,
        platform="webchat",
        seen=now,
        now=now,
        prefix="two",
    )
    today = now.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    with runtime.engine.begin() as conn:  # running campaigns whose reminder fell due yesterday
        conn.execute(
            insert(Campaign),
            [
                {
                    "unit_id": MINH_PHAT,
                    "include_subtree": False,
                    "title": f"Phong trào {i:04d}",
                    "description": "",
                    "criteria": "",
                    "target_groups": "direct_worker",
                    "starts_on": today - timedelta(days=10),
                    "ends_on": today + timedelta(days=2),
                    "status": CampaignStatus.RUNNING,
                    "remind_days_before": 3,
                    "created_at": now,
                    "updated_at": now,
                    "launched_at": now,
                }
                for i in range(REMINDERS)
            ],
        )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")},
        "THIDUA_DATABASE_URL": database_url,
        "THIDUA_QUIET_HOURS": "00:00-00:00",
        "THIDUA_SCHEDULER_INTERVAL_SECONDS": "0.2",
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "bots", "worker", "--with-scheduler"],
            cwd=ROOT,
            env=env,
            stdout=(tmp_path / f"worker{i}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        for i in range(2)
    ]

    def delivered() -> int:
        with Session(runtime.engine) as session:
            return session.exec(select(func.count()).select_from(WebchatMessage)).one()

    try:
        deadline = time.monotonic() + 180
        while delivered() < REMINDERS:
            assert time.monotonic() < deadline, f"only {delivered()} reminders delivered"
            assert all(w.poll() is None for w in workers), "a worker stopped"
            time.sleep(0.05)
        settle = time.monotonic() + 3  # several more ticks of both: nothing may fire again
        while time.monotonic() < settle:
            time.sleep(0.1)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(30)
    with Session(runtime.engine) as session:
        texts = session.exec(select(WebchatMessage.body)).all()
        reminders = session.exec(
            select(Broadcast).where(Broadcast.kind == BroadcastKind.REMINDER)
        ).all()
        attempts = session.exec(
            select(OutboxMessage.attempts, func.count()).group_by(OutboxMessage.attempts)
        ).all()
    titles = [t.split("“", 1)[1].split("”", 1)[0] for t in texts]
    assert len(titles) == REMINDERS and len(set(titles)) == REMINDERS  # each exactly once
    assert len(reminders) == REMINDERS
    assert len({r.campaign_id for r in reminders}) == REMINDERS
    assert dict(attempts) == {1: REMINDERS}  # no row sent twice by the two delivery loops
    logs = [(tmp_path / f"worker{i}.log").read_text() for i in range(2)]
    assert all("worker running" in log for log in logs)
