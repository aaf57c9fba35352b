"""The inbound spool: webhooks are acknowledged while processing holds SQLite's write lock,
moving spooled updates twice (a crash between move and delete) is harmless on both databases,
on PostgreSQL the spool is used when THIDUA_INBOUND_SPOOL names a file, and processes that
open a new spool at the same moment all open it."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/fakes/telegram_fixtures.py)

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bots.app import create_app
from bots.bootstrap import Runtime, build_runtime
from bots.platforms import Telegram
from bots.settings import load_settings
from core.clock import utcnow
from core.messages import RawUpdate
from core.storage import inbound
from core.storage.models import InboundUpdate
from core.storage.spool import InboundSpool, spool_path_for
from tests.fakes.telegram_api import FakeTelegram, FakeTimer
from tests.fakes.telegram_fixtures import (  # noqa: F401  (fixtures)
    TelegramChat,
    fake,
    fake_url,
    telegram_env,
    tg_client,
    tg_runtime,
    tg_settings,
)

pytestmark = pytest.mark.anyio


@pytest.fixture
def sqlite_only(db_kind: str) -> None:
    if db_kind != "sqlite":
        pytest.skip("the spool exists on SQLite only; PostgreSQL stores in inbound_update")


def inbound_rows(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(InboundUpdate)).one()


async def test_webhook_is_acknowledged_while_the_database_is_write_locked(
    sqlite_only: None,
    fake: FakeTelegram,
    tg_client: httpx.AsyncClient,
    tg_runtime: Runtime,
    engine: Engine,
) -> None:
    chat = TelegramChat(fake, tg_client, tg_runtime, fake.user(301))
    assert engine.url.database is not None
    holder = sqlite3.connect(engine.url.database, timeout=0)
    holder.execute("BEGIN IMMEDIATE")  # as processing does for most of each update
    try:
        response = await chat.post(fake.message_update(chat.person, "/start"))
        assert response.status_code == 200, response.text
        assert tg_runtime.processor.spool is not None
        assert tg_runtime.processor.spool.pending() == 1
    finally:
        holder.rollback()
        holder.close()
    replies = await chat.replies()
    assert len(replies) == 1 and "mã mời" in replies[0].text
    assert tg_runtime.processor.spool.pending() == 0
    assert inbound_rows(engine) == 1


def test_moving_the_same_updates_twice_stores_them_once(
    engine: Engine, clock: Any, tmp_path: Any
) -> None:
    """On either database (PostgreSQL with THIDUA_INBOUND_SPOOL): the rows a crash between
    insert and delete left behind, or a redelivery that reached a second instance's spool."""
    first = InboundSpool(tmp_path / "a.inbound.db")
    again = InboundSpool(tmp_path / "b.inbound.db")
    updates = [RawUpdate("telegram", str(i), f'{{"update_id": {i}}}') for i in range(3)]
    first.append(updates, clock.now())
    again.append(updates[1:], clock.now())
    assert first.move_into(engine, clock.now()) == 3
    assert again.move_into(engine, clock.now()) == 2
    assert inbound_rows(engine) == 3 and first.pending() == again.pending() == 0
    first.close()
    again.close()


def test_no_spool_for_postgresql_or_memory(engine: Engine) -> None:
    from sqlmodel import create_engine

    assert spool_path_for(create_engine("sqlite://")) is None
    path = spool_path_for(engine)
    if engine.dialect.name == "sqlite":
        assert path is not None and path.name.endswith(".inbound.db")
    else:
        assert path is None


async def test_a_configured_spool_takes_the_webhooks_on_either_database(
    fake: FakeTelegram, fake_url: str, database_url: str, engine: Engine, clock: Any, tmp_path: Any
) -> None:
    settings = load_settings(
        environ={
            **telegram_env(database_url, fake_url),
            "THIDUA_INBOUND_SPOOL": str(tmp_path / "spool" / "inbound.db"),
        }
    )
    runtime = build_runtime(
        settings, engine=engine, clock=clock, messengers=(Telegram(timer=FakeTimer(clock)),)
    )
    app = create_app(settings, runtime=runtime, background=False)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client:
            chat = TelegramChat(fake, client, runtime, fake.user(302))
            update = fake.message_update(chat.person, "/start")
            assert (await chat.post(update)).status_code == 200
            assert (await chat.post(update)).status_code == 200  # Telegram's redelivery
            assert runtime.processor.spool is not None
            assert runtime.processor.spool.path == tmp_path / "spool" / "inbound.db"
            assert runtime.processor.spool.pending() == 2 and inbound_rows(engine) == 0
            replies = await chat.replies()
        assert len(replies) == 1 and "mã mời" in replies[0].text
        assert runtime.processor.spool.pending() == 0 and inbound_rows(engine) == 1
    finally:
        await runtime.aclose()


async def test_spooled_updates_move_only_when_the_database_cannot_fill_a_batch(
    fake: FakeTelegram, fake_url: str, database_url: str, engine: Engine, clock: Any, tmp_path: Any
) -> None:
    """Processing takes what waits in the database first and moves spooled updates (a
    thousand at a time) only for a batch it cannot fill otherwise, on either database;
    spooled updates that were all stored already (a crash between move and delete) leave
    the spool empty and nothing to process."""
    settings = load_settings(
        environ={
            **telegram_env(database_url, fake_url),
            "THIDUA_INBOUND_SPOOL": str(tmp_path / "inbound.db"),
        }
    )
    runtime = build_runtime(
        settings, engine=engine, clock=clock, messengers=(Telegram(timer=FakeTimer(clock)),)
    )
    try:
        processor, spool = runtime.processor, runtime.processor.spool
        assert spool is not None
        person = fake.user(303)
        updates = [
            RawUpdate("telegram", str(i), json.dumps(fake.message_update(person, f"hi {i}")))
            for i in range(8)
        ]
        inbound.store_raw(engine, updates[:5], clock.now())
        spool.append(updates[2:], clock.now())  # 2-4 stored already, 5-7 new

        assert processor.process_pending(limit=3) == 3
        assert spool.pending() == 6 and inbound_rows(engine) == 5
        assert processor.process_pending(limit=3) == 3  # 3, 4 and, moved, 5
        assert spool.pending() == 0 and inbound_rows(engine) == 8
        assert processor.process_pending(limit=3) == 2
        assert processor.process_pending(limit=3) == 0

        spool.append(updates[:3], clock.now())  # only what was stored already
        spool.append(updates[3:4], clock.now())
        assert processor.process_pending(limit=3) == 0
        assert spool.pending() == 0 and inbound_rows(engine) == 8
    finally:
        await runtime.aclose()
        runtime.dispose()


def _open_new_spools(directory: Path, rounds: int, start: Any, errors: Any) -> None:
    """In a child process: at each round, with the others, open the round's new spool and
    append one update."""
    for n in range(rounds):
        start.wait()
        try:
            spool = InboundSpool(directory / f"{n}.inbound.db")
            spool.append([RawUpdate("telegram", str(os.getpid()), "{}")], utcnow())
            spool.close()
        except sqlite3.Error as exc:
            errors.put(f"round {n}: {exc!r}")


def test_processes_opening_a_new_spool_at_the_same_moment_all_open_it(tmp_path: Path) -> None:
    """The web process and the worker create the spool as they start. Before the setup lock,
    one of two connections turning a new file to WAL at the same moment failed at once with
    "database is locked" (this test with 60 rounds failed 3 runs of 5 without the lock)."""
    processes, rounds = 8, 100
    context = multiprocessing.get_context("fork")
    start = context.Barrier(processes, timeout=60)
    errors = context.Queue()
    children = [
        context.Process(target=_open_new_spools, args=(tmp_path, rounds, start, errors))
        for _ in range(processes)
    ]
    for child in children:
        child.start()
    for child in children:
        child.join(120)
    failures = []
    while not errors.empty():
        failures.append(errors.get())
    assert failures == []
    assert [child.exitcode for child in children] == [0] * processes
    for n in range(rounds):
        spool = InboundSpool(tmp_path / f"{n}.inbound.db")
        assert spool.pending() == processes
        spool.close()
