"""The unit of work: one Session, one transaction, committed when the work returns and rolled
back when it raises. The admin API, the web desk and the scheduler open their transactions
here and nowhere else.

The session closes right after the commit, so loaded rows are kept (not expired) on commit:
an answer built from them after the unit ends reads the values that were committed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session

T = TypeVar("T")


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """`with unit_of_work(engine) as session:` commits on leaving, rolls back on an error."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


def run_unit(engine: Engine, work: Callable[[Session], T]) -> T:
    """`work(session)` in one unit of work; its result, once committed."""
    with unit_of_work(engine) as session:
        return work(session)


async def run_unit_in_thread(engine: Engine, work: Callable[[Session], T]) -> T:
    """`run_unit` from async code: the blocking database work runs in a worker thread."""
    return await asyncio.to_thread(run_unit, engine, work)
