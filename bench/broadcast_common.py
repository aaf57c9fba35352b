"""Shared set-up of the broadcast benchmarks: a fresh migrated database with the demo union,
N members on one messenger each, and a broadcast fanned out to the outbox."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bots.scheduling import delivery_policy
from bots.settings import load_settings
from core import demo
from core.broadcasts import service as broadcasts
from core.broadcasts.models import BroadcastKind
from core.clock import SystemClock, utcnow
from core.delivery_policy import DeliveryPolicy
from core.members.models import Consent, Identity, Member, UnionUnit
from core.storage import migrate
from core.storage.engine import make_engine, normalise_url
from scheduler.jobs import fan_out

MINH_PHAT = 4


@contextmanager
def fresh_database(url: str | None, folder: Path) -> Iterator[str]:
    """A migrated database: a SQLite file in `folder`, or a new PostgreSQL database next to
    the one `url` names (dropped afterwards)."""
    if not url or url.startswith("sqlite"):
        path = folder / f"bench-{uuid.uuid4().hex[:6]}.db"
        db_url = f"sqlite:///{path}"
        engine = make_engine(db_url)
        migrate.upgrade(engine)
        engine.dispose()
        yield db_url
        return
    name = f"thidua_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db_url = normalise_url(url).rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    engine.dispose()
    try:
        yield db_url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def user_id(platform: str, n: int) -> str:
    return str(2_000_000_000 + n) if platform == "telegram" else f"{platform}-{n}"


def populate(
    engine: Engine,
    *,
    platform: str,
    count: int,
    seen: datetime,
    start: int = 0,
    chunk: int = 20_000,
) -> list[str]:
    """`count` members of one grassroots union, each with one identity on `platform`."""
    now = utcnow()
    users: list[str] = []
    for offset in range(0, count, chunk):
        size = min(chunk, count - offset)
        with engine.begin() as conn:
            ids = [
                r[0]
                for r in conn.execute(
                    insert(Member).returning(Member.id),
                    [
                        {
                            "unit_id": MINH_PHAT,
                            "full_name": f"Bench {start + offset + i}",
                            "worker_group": "direct_worker",
                            "locale": "vi",
                            "preferred_platform": platform,
                            "joined_at": now,
                            "onboarded_at": now,
                        }
                        for i in range(size)
                    ],
                )
            ]
            batch = [user_id(platform, start + offset + i) for i in range(size)]
            conn.execute(
                insert(Identity),
                [
                    {
                        "platform": platform,
                        "platform_user_id": u,
                        "member_id": m,
                        "first_seen_at": now,
                        "last_inbound_at": seen,
                    }
                    for m, u in zip(ids, batch, strict=True)
                ],
            )
            conn.execute(
                insert(Consent),
                [{"member_id": m, "purpose": "announcements", "granted_at": now} for m in ids],
            )
            users += batch
    return users


def load_demo(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        demo.load(session, now=utcnow())


def queue_broadcast(
    engine: Engine, text_: str, policy: DeliveryPolicy | None = None, *, only_record: bool = False
) -> float:
    """Create a broadcast to the whole union and fan it out (unless `only_record`); returns
    the fan-out seconds."""
    policy = replace(policy or delivery_policy(load_settings(environ={})), inline_fanout=0)
    with Session(engine) as session, session.begin():
        unit = session.get(UnionUnit, MINH_PHAT)
        assert unit is not None
        broadcasts.create(
            session,
            key=f"bench:{uuid.uuid4().hex}",
            kind=BroadcastKind.MESSAGE,
            audience=broadcasts.Audience(unit, True, ()),
            text=text_,
            now=utcnow(),
            policy=policy,
        )
    started = time.perf_counter()
    while not only_record and fan_out(engine, SystemClock(), policy):
        pass
    return time.perf_counter() - started


RECENT = timedelta(hours=1)
