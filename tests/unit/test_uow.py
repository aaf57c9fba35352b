"""The unit of work commits what its work did and rolls it all back on an error, in the
caller's thread or in a worker thread."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.errors import DomainError
from core.storage.engine import make_engine
from core.storage.uow import run_unit, run_unit_in_thread, unit_of_work


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'uow.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"))
    return engine


def _bodies(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [row[0] for row in conn.execute(text("SELECT body FROM note ORDER BY id"))]


def _add(session: Session, body: str) -> int:
    session.execute(text("INSERT INTO note (body) VALUES (:b)"), {"b": body})
    return 1


def test_commits_on_success(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        _add(session, "kept")
    assert run_unit(engine, lambda s: _add(s, "also kept")) == 1
    assert _bodies(engine) == ["kept", "also kept"]


def test_rolls_back_everything_on_error(engine: Engine) -> None:
    def work(session: Session) -> int:
        _add(session, "first")
        _add(session, "second")
        raise DomainError("refused")

    with pytest.raises(DomainError):
        run_unit(engine, work)
    with pytest.raises(DomainError):
        asyncio.run(run_unit_in_thread(engine, work))
    assert _bodies(engine) == []


def test_async_unit_commits_in_a_worker_thread(engine: Engine) -> None:
    assert asyncio.run(run_unit_in_thread(engine, lambda s: _add(s, "threaded"))) == 1
    assert _bodies(engine) == ["threaded"]
