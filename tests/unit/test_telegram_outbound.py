"""Splitting, error classification and pacing of the Telegram channel, without a network."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from adapters.telegram.outbound import classify
from core.errors import DeliveryErrorKind, StoreUnavailable
from core.group_commit import GroupCommit


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (Forbidden("Forbidden: bot was blocked by the user"), DeliveryErrorKind.BLOCKED),
        (Forbidden("Forbidden: user is deactivated"), DeliveryErrorKind.BLOCKED),
        (BadRequest("Bad Request: chat not found"), DeliveryErrorKind.PERMANENT),
        (BadRequest("Bad Request: BUTTON_DATA_INVALID"), DeliveryErrorKind.PERMANENT),
        (Conflict("Conflict"), DeliveryErrorKind.PERMANENT),
        (InvalidToken("Unauthorized"), DeliveryErrorKind.AUTH),
        (NetworkError("Bad Gateway"), DeliveryErrorKind.TRANSIENT),
        (TimedOut(), DeliveryErrorKind.TRANSIENT),
    ],
)
def test_classify(error: Exception, kind: DeliveryErrorKind) -> None:
    assert classify(error).kind == kind  # type: ignore[arg-type]


def test_classify_retry_after_and_migration() -> None:
    flood = classify(RetryAfter(timedelta(seconds=17)))
    assert (flood.kind, flood.retry_after) == (DeliveryErrorKind.RATE_LIMITED, 17.0)
    moved = classify(ChatMigrated(-1001234))
    assert moved.migrate_to == "-1001234"


class CountingStore:
    def __init__(self, fail: bool = False) -> None:
        self.calls: list[list[int]] = []
        self.fail = fail

    async def __call__(self, items: list[int]) -> None:
        self.calls.append(list(items))
        await asyncio.sleep(0)
        if self.fail:
            raise StoreUnavailable("database is locked")


@pytest.mark.anyio
async def test_group_commit_stores_concurrent_updates_together() -> None:
    store = CountingStore()
    group: GroupCommit[int] = GroupCommit(store, max_batch=4)
    await asyncio.gather(*(group.add(i) for i in range(10)))
    assert sorted(i for call in store.calls for i in call) == list(range(10))
    assert store.calls[0] == [0, 1, 2, 3] and len(store.calls) < 10
    await group.add(11)  # alone, later: its own store
    assert store.calls[-1] == [11]


@pytest.mark.anyio
async def test_group_commit_failure_reaches_every_caller() -> None:
    group: GroupCommit[int] = GroupCommit(CountingStore(fail=True))
    outcomes = await asyncio.gather(*(group.add(i) for i in range(3)), return_exceptions=True)
    assert all(isinstance(o, StoreUnavailable) for o in outcomes)
