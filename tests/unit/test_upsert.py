"""core/storage/upsert.py: the one place that picks the dialect's INSERT … ON CONFLICT."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from core.storage.models import AppSecret
from core.storage.upsert import dialect_name, insert_for


@pytest.mark.parametrize(
    ("name", "dialect"), [("postgresql", postgresql.dialect()), ("sqlite", sqlite.dialect())]
)
def test_the_dialects_insert_takes_on_conflict(name, dialect):
    statement = insert_for(name, AppSecret).on_conflict_do_nothing(index_elements=["name"])
    assert "ON CONFLICT (name) DO NOTHING" in str(statement.compile(dialect=dialect))


def test_a_session_connection_or_engine_gives_its_dialect():
    engine = create_engine("sqlite://")
    with Session(engine) as session, engine.connect() as connection:
        assert {dialect_name(b) for b in (engine, connection, session, "sqlite")} == {"sqlite"}
        assert isinstance(insert_for(session, AppSecret), sqlite.Insert)
    engine.dispose()


def test_another_database_is_refused():
    with pytest.raises(NotImplementedError, match="mysql"):
        insert_for("mysql", AppSecret)
