"""INSERT … ON CONFLICT on the two databases thidua runs on. SQLAlchemy's generic `insert` has
no ON CONFLICT clause: each dialect's `Insert` has its own (`on_conflict_do_nothing`,
`on_conflict_do_update`, `excluded`), the same in use on PostgreSQL and SQLite. This is the one
place that chooses between them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

Insert = postgresql.Insert | sqlite.Insert


def dialect_name(bind: str | Session | Connection | Engine) -> str:
    """The dialect's name of a session, connection or engine (a name is given back as it is)."""
    if isinstance(bind, str):
        return bind
    if isinstance(bind, Session):
        return bind.get_bind().dialect.name
    return bind.dialect.name


def insert_for(bind: str | Session | Connection | Engine, table: Any) -> Insert:
    """An INSERT into `table` that takes ON CONFLICT on `bind`'s database (or the dialect
    named); statements built once per dialect pass the name."""
    name = dialect_name(bind)
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no INSERT … ON CONFLICT for {name}")
