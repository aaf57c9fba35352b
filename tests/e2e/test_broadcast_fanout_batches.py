"""The scheduler's fan-out reads a big audience a batch at a time: its memory stays the same
whatever the audience's size (benchmark P5 measures it; this checks the reads that keep it so)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, func, select

from bots.bootstrap import Runtime
from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast, BroadcastKind, BroadcastStatus
from core.members.models import Member, UnionUnit
from scheduler.jobs import fan_out
from tests.e2e.campaign_support import load_demo

BATCH = 7


@pytest.fixture
def selects() -> Iterator[list[ORMExecuteState]]:
    """Every SELECT run through a session meanwhile."""
    seen: list[ORMExecuteState] = []

    def record(state: ORMExecuteState) -> None:
        if state.is_select:
            seen.append(state)

    event.listen(OrmSession, "do_orm_execute", record)
    yield seen
    event.remove(OrmSession, "do_orm_execute", record)


def test_fan_out_reads_the_audience_in_bounded_batches(
    runtime: Runtime, selects: list[ORMExecuteState]
) -> None:
    load_demo(runtime)
    policy = replace(runtime.processor.config.delivery, fanout_batch=BATCH, inline_fanout=0)
    with Session(runtime.engine, expire_on_commit=False) as session, session.begin():
        province = session.get(UnionUnit, 1)
        total = session.exec(select(func.count()).select_from(Member)).one()
        broadcast, _ = broadcasts.create(
            session,
            key="big",
            kind=BroadcastKind.MESSAGE,
            audience=broadcasts.Audience(province, True, ()),  # type: ignore[arg-type]
            text="Xin chào",
            now=runtime.clock.now(),
            policy=policy,
        )
    assert total > 3 * BATCH
    selects.clear()

    queued = 0
    while done := fan_out(runtime.engine, runtime.clock, policy):
        queued += done
    assert queued == total

    member_reads = []
    for state in selects:
        sql = str(state.statement)
        if re.search(r"\bFROM member\b", sql):
            sql = str(state.statement.compile(compile_kwargs={"literal_binds": True}))
            limit = re.search(r"\bLIMIT (\d+)", sql)
            assert limit is not None, f"the audience read without a limit: {sql}"
            assert int(limit.group(1)) <= BATCH
            member_reads.append(sql)
        for name, value in state.statement.compile().params.items():
            if isinstance(value, list | tuple):  # ids of the batch (IN lists)
                assert len(value) <= BATCH, f"{name} carries {len(value)} values: {sql}"
    assert len(member_reads) >= total // BATCH  # a keyset cursor, one batch per read
    with Session(runtime.engine) as session:
        done_broadcast = session.get(Broadcast, broadcast.id)
        assert done_broadcast is not None
        assert done_broadcast.status == BroadcastStatus.QUEUED
        assert done_broadcast.audience == total
