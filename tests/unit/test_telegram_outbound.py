"""Splitting, error classification and pacing of the Telegram channel, without a network."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
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

from adapters.telegram.batching import GroupCommit
from adapters.telegram.outbound import classify, split_for_telegram, utf16_len
from adapters.telegram.ratelimit import Limits, RateLimiter, is_group
from core.errors import DeliveryErrorKind, StoreUnavailable
from core.messages import IncomingMessage


@given(st.text(alphabet=st.sampled_from("aăâ đ😀 .\n"), max_size=12_000))
def test_split_keeps_every_part_within_4096_utf16_units(text: str) -> None:
    parts = split_for_telegram(text)
    assert all(utf16_len(p) <= 4096 for p in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())  # nothing lost


def test_emoji_count_twice() -> None:
    text = "😀" * 3000  # 3000 code points, 6000 UTF-16 units
    parts = split_for_telegram(text)
    assert len(parts) == 2 and "".join(parts) == text


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


class StepTimer:
    """Waiting moves time forward; records when each send went."""

    def __init__(self) -> None:
        self.t = 1000.0
        self.sent: list[float] = []

    def now(self) -> float:
        return self.t

    @contextlib.asynccontextmanager
    async def turn(self, instant: float) -> AsyncIterator[None]:
        self.t = max(self.t, instant)
        yield
        self.sent.append(self.t)


@pytest.mark.anyio
async def test_limiter_paces_overall_per_chat_and_per_group() -> None:
    timer = StepTimer()
    limiter = RateLimiter(Limits(overall_per_second=30, margin=0.0), timer)
    for i in range(60):
        async with limiter.slot(1000 + i):
            pass
    assert timer.sent[-1] - timer.sent[0] == pytest.approx(59 / 30)
    timer.sent.clear()
    for _ in range(3):
        async with limiter.slot(7):
            pass
    assert [round(b - a, 6) for a, b in zip(timer.sent, timer.sent[1:], strict=False)] == [1.0, 1.0]
    timer.sent.clear()
    for _ in range(21):
        async with limiter.slot(-100123):
            pass
    assert timer.sent[-1] - timer.sent[0] == pytest.approx(60.0)  # 20 per minute


@pytest.mark.anyio
async def test_paid_mode_and_flood_pause() -> None:
    timer = StepTimer()
    limiter = RateLimiter(Limits(overall_per_second=30, paid_per_second=1000, margin=0.0), timer)
    for i in range(100):
        async with limiter.slot(i + 1, paid=True):
            pass
    assert timer.sent[-1] - timer.sent[0] == pytest.approx(99 / 1000)
    limiter.flooded(5, 12)
    start = timer.now()
    async with limiter.slot(5):
        pass
    assert timer.sent[-1] == pytest.approx(start + 12)


def test_group_ids() -> None:
    assert is_group(-100) and is_group("@channel") and not is_group(42) and not is_group("42")


class CountingSink:
    def __init__(self, fail: bool = False) -> None:
        self.calls: list[int] = []
        self.fail = fail

    async def accept(self, messages) -> int:  # type: ignore[no-untyped-def]
        self.calls.append(len(messages))
        await asyncio.sleep(0)
        if self.fail:
            raise StoreUnavailable("database is locked")
        return len(messages)


def incoming(n: int) -> IncomingMessage:
    return IncomingMessage("telegram", str(n), "1", datetime.now(UTC), text="x")


@pytest.mark.anyio
async def test_group_commit_stores_concurrent_updates_together() -> None:
    sink = CountingSink()
    group = GroupCommit(sink, max_batch=4)
    results = await asyncio.gather(*(group.accept([incoming(i)]) for i in range(10)))
    assert sum(sink.calls) == 10 and sink.calls[0] == 4 and len(sink.calls) < 10
    assert all(r > 0 for r in results)
    assert await group.accept([incoming(11)]) == 1  # alone, later: its own store


@pytest.mark.anyio
async def test_group_commit_failure_reaches_every_caller() -> None:
    group = GroupCommit(CountingSink(fail=True))
    outcomes = await asyncio.gather(
        *(group.accept([incoming(i)]) for i in range(3)), return_exceptions=True
    )
    assert all(isinstance(o, StoreUnavailable) for o in outcomes)


def test_margin_stretches_every_interval() -> None:
    timer = StepTimer()
    limiter = RateLimiter(Limits(overall_per_second=30, margin=0.05), timer)
    first, second = limiter.reserve(1), limiter.reserve(1)
    assert second - first == pytest.approx(1.05)
    assert limiter.reserve(2) - second == pytest.approx(1.05 / 30)
