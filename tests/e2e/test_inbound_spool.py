"""The SQLite inbound spool: webhooks are acknowledged while processing holds the database's
write lock, and moving spooled updates twice (a crash between move and delete) is harmless."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/fakes/telegram_fixtures.py)

from __future__ import annotations

import sqlite3
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bots.bootstrap import Runtime
from core.messages import RawUpdate
from core.storage.models import InboundUpdate
from core.storage.spool import InboundSpool, spool_path_for
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_fixtures import (  # noqa: F401  (fixtures)
    TelegramChat,
    fake,
    fake_url,
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
    sqlite_only: None, engine: Engine, clock: Any, tmp_path: Any
) -> None:
    first = InboundSpool(tmp_path / "a.inbound.db")
    again = InboundSpool(tmp_path / "b.inbound.db")  # the rows a crash left behind
    updates = [RawUpdate("telegram", str(i), f'{{"update_id": {i}}}') for i in range(3)]
    first.append(updates)
    again.append(updates[1:])
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
