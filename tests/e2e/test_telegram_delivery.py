"""Telegram delivery end to end: outbox rows out through PTB to the fake Bot API, with its
errors and flood limits, and what the rows and identities say afterwards."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/fakes/telegram_fixtures.py)

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from telegram.error import RetryAfter

from adapters.telegram.client import make_bot
from adapters.telegram.outbound import TelegramChannel, retry_seconds
from adapters.telegram.ratelimit import RateLimiter
from bots.bootstrap import Runtime, build_runtime
from bots.platforms import Telegram
from bots.settings import load_settings
from core import delivery, outbox
from core.errors import DeliveryErrorKind, DeliveryFailure
from core.members.models import Identity
from core.messages import Button, OutgoingMessage, Recipient
from core.storage.models import ChannelCredential, OutboxMessage, OutboxStatus
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
_keys = itertools.count(1)


def identity_for(session: Session, user_id: int | str) -> Identity:
    found = session.exec(
        select(Identity).where(
            Identity.platform == "telegram", Identity.platform_user_id == str(user_id)
        )
    ).first()
    if found is None:
        found = Identity(platform="telegram", platform_user_id=str(user_id))
        session.add(found)
        session.flush()
    return found


def enqueue(
    runtime: Runtime, user_id: int | str, *messages: OutgoingMessage, proactive: bool = True
) -> list[int]:
    with Session(runtime.engine) as session, session.begin():
        rows = outbox.enqueue(
            session,
            identity=identity_for(session, user_id),
            messages=list(messages),
            dedupe_prefix=f"test:{next(_keys)}",
            now=runtime.clock.now(),
            proactive=proactive,
        )
        return [r.id for r in rows]  # type: ignore[misc]


def rows(runtime: Runtime, ids: list[int]) -> list[OutboxMessage]:
    with Session(runtime.engine) as session:
        return [session.get(OutboxMessage, i) for i in ids]  # type: ignore[misc]


def identity(runtime: Runtime, user_id: int | str) -> Identity | None:
    with Session(runtime.engine) as session:
        return session.exec(
            select(Identity).where(Identity.platform_user_id == str(user_id))
        ).first()


async def drain_until_sent(runtime: Runtime, clock: Any, limit: int = 50) -> int:
    """Drain; while rows wait for a retry, move the clock exactly to the next due time."""
    rounds = 0
    await runtime.drain()
    while (due := delivery.next_due(runtime.engine, platforms=["telegram"])) is not None:
        rounds += 1
        assert rounds < limit, "delivery did not settle"
        if due > clock.now():
            clock.current = due
        await runtime.drain()
    return rounds


async def test_blocked_user_is_marked_and_not_sent_to_again(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
) -> None:
    person = fake.user(201)
    chat = TelegramChat(fake, tg_client, tg_runtime, person)
    assert await chat.say("/start")
    person.blocked = True  # blocked in the app; the my_chat_member update is not needed
    ids = enqueue(tg_runtime, 201, OutgoingMessage("Tin 1"), OutgoingMessage("Tin 2"))
    calls_before = len(fake.calls_of("sendMessage"))
    await tg_runtime.drain()
    assert len(fake.calls_of("sendMessage")) == calls_before + 1  # the 403, then nothing
    assert fake.calls_of("sendMessage")[-1].status == 403
    first, second = rows(tg_runtime, ids)
    assert (first.status, first.error_kind) == (OutboxStatus.FAILED, DeliveryErrorKind.BLOCKED)
    assert (second.status, second.error_kind) == (OutboxStatus.FAILED, DeliveryErrorKind.BLOCKED)
    assert identity(tg_runtime, 201).blocked_at is not None  # type: ignore[union-attr]
    later = enqueue(tg_runtime, 201, OutgoingMessage("Tin 3"))
    await tg_runtime.drain()
    assert len(fake.calls_of("sendMessage")) == calls_before + 1
    assert rows(tg_runtime, later)[0].status == OutboxStatus.FAILED


async def test_block_and_unblock_updates(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
) -> None:
    person = fake.user(202)
    chat = TelegramChat(fake, tg_client, tg_runtime, person)
    await chat.say("/start")
    response = await chat.post(fake.member_update(person, "member", "kicked"))
    assert response.status_code == 200
    await tg_runtime.drain()
    assert identity(tg_runtime, 202).blocked_at is not None  # type: ignore[union-attr]
    sent_before = len(fake.calls_of("sendMessage"))
    enqueue(tg_runtime, 202, OutgoingMessage("Thông báo"))
    await tg_runtime.drain()
    assert len(fake.calls_of("sendMessage")) == sent_before  # no call at all
    await chat.post(fake.member_update(person, "kicked", "member"))
    await tg_runtime.drain()
    assert identity(tg_runtime, 202).blocked_at is None  # type: ignore[union-attr]
    again = enqueue(tg_runtime, 202, OutgoingMessage("Chào mừng trở lại"))
    await tg_runtime.drain()
    assert rows(tg_runtime, again)[0].status == OutboxStatus.SENT
    assert fake.sent_to(202)[-1].text == "Chào mừng trở lại"


async def test_429_burst_all_delivered_none_early(
    fake: FakeTelegram, tg_runtime: Runtime, clock: Any
) -> None:
    fake.limits.overall = 5  # the server is stricter than our 30/s: a real flood
    people = [fake.user(3000 + i) for i in range(25)]
    ids = [enqueue(tg_runtime, p.id, OutgoingMessage(f"Tin cho {p.id}"))[0] for p in people]
    rounds = await drain_until_sent(tg_runtime, clock)
    assert rounds >= 1 and fake.floods, "the burst must have hit the server's limit"
    assert fake.early == []  # nothing came back before its retry_after ran out
    for person in people:
        assert [m.text for m in fake.sent_to(person.id)] == [f"Tin cho {person.id}"]
    for chat_id, at, retry_after in fake.floods:
        delivered = fake.sent_to(chat_id)[0].at
        assert delivered >= at + timedelta(seconds=retry_after)
    assert {r.status for r in rows(tg_runtime, ids)} == {OutboxStatus.SENT}


async def test_retry_after_is_waited_exactly(
    fake: FakeTelegram, tg_runtime: Runtime, clock: Any
) -> None:
    fake.user(204)
    [row_id] = enqueue(tg_runtime, 204, OutgoingMessage("Nhắc nhở"))
    fake.flood_next(1, retry_after=7)
    await tg_runtime.drain()
    assert rows(tg_runtime, [row_id])[0].error_kind == DeliveryErrorKind.RATE_LIMITED
    calls = len(fake.calls_of("sendMessage"))
    clock.advance(seconds=6.9)
    await tg_runtime.drain()
    assert len(fake.calls_of("sendMessage")) == calls  # not a single early try
    clock.advance(seconds=0.1)
    await tg_runtime.drain()
    assert rows(tg_runtime, [row_id])[0].status == OutboxStatus.SENT
    assert fake.early == []
    assert rows(tg_runtime, [row_id])[0].attempts == 1  # waiting is not a failed attempt


async def test_our_pacing_stays_inside_the_limits(
    fake: FakeTelegram, tg_runtime: Runtime, clock: Any
) -> None:
    for i in range(40):
        fake.user(5000 + i)
        enqueue(tg_runtime, 5000 + i, OutgoingMessage("Phát động thi đua"))
    fake.user(5999)
    enqueue(tg_runtime, 5999, *(OutgoingMessage(f"Phần {n}") for n in range(4)))
    await drain_until_sent(tg_runtime, clock)
    assert fake.floods == [] and len(fake.sent) == 44
    times = sorted(m.at for m in fake.sent)
    assert all(
        b - a >= timedelta(seconds=1 / 30) - timedelta(microseconds=5)
        for a, b in itertools.pairwise(times)
    )
    one = [m.at for m in fake.sent_to(5999)]
    assert [m.text for m in fake.sent_to(5999)] == [f"Phần {n}" for n in range(4)]
    assert all(
        b - a >= timedelta(seconds=1) - timedelta(microseconds=5)
        for a, b in itertools.pairwise(one)
    )


async def test_long_text_is_split_with_the_keyboard_on_the_last_part(
    fake: FakeTelegram, tg_runtime: Runtime
) -> None:
    fake.user(205)
    paragraph = "Công đoàn phát động phong trào thi đua lao động giỏi. " * 30
    text = "\n\n".join([paragraph.strip()] * 6)
    assert len(text) > 4096
    enqueue(tg_runtime, 205, OutgoingMessage(text, buttons=(Button("Tham gia", "camp:join:1"),)))
    await tg_runtime.drain()
    parts = fake.sent_to(205)
    assert len(parts) == 3
    assert all(len(p.text or "") <= 4096 for p in parts)
    assert [bool(p.buttons) for p in parts] == [False, False, True]
    assert " ".join(p.text or "" for p in parts).split() == text.split()


async def test_a_failed_part_is_not_sent_twice(
    fake: FakeTelegram, tg_runtime: Runtime, clock: Any
) -> None:
    fake.user(206)
    text = "\n\n".join(["Đoạn một. " * 300, "Đoạn hai. " * 300, "Đoạn ba. " * 300])
    [row_id] = enqueue(tg_runtime, 206, OutgoingMessage(text))
    fake.fail_next("sendMessage", status=502, skip=1)
    await drain_until_sent(tg_runtime, clock)
    texts = [m.text or "" for m in fake.sent_to(206)]
    assert len(texts) == 3 and texts[0].startswith("Đoạn một") and texts[2].startswith("Đoạn ba")
    row = rows(tg_runtime, [row_id])[0]
    assert row.status == OutboxStatus.SENT and row.attempts == 2
    assert len(row.external_ids.split(",")) == 3  # type: ignore[union-attr]


async def test_5xx_is_retried_with_backoff(
    fake: FakeTelegram, tg_runtime: Runtime, clock: Any
) -> None:
    fake.user(207)
    [row_id] = enqueue(tg_runtime, 207, OutgoingMessage("Xin chào"))
    fake.fail_next("sendMessage", count=2, status=502)
    start = clock.now()
    await drain_until_sent(tg_runtime, clock)
    row = rows(tg_runtime, [row_id])[0]
    assert row.status == OutboxStatus.SENT and row.attempts == 3
    assert clock.now() - start >= timedelta(seconds=2 * 0.8 + 4 * 0.8)  # 2 s, then 4 s, ±20%
    assert [c.status for c in fake.calls_of("sendMessage")] == [502, 502, 200]


@pytest.fixture
async def impatient_runtime(
    database_url: str, fake_url: str, engine: Engine, clock: Any
) -> AsyncIterator[Runtime]:
    """The Telegram runtime with a 1 s Bot API timeout, for a call that never answers."""
    env = {**telegram_env(database_url, fake_url), "THIDUA_TELEGRAM_TIMEOUT": "1"}
    runtime = build_runtime(
        load_settings(environ=env),
        engine=engine,
        clock=clock,
        messengers=(Telegram(timer=FakeTimer(clock)),),
    )
    yield runtime
    await runtime.aclose()


async def test_timeout_is_transient_and_retried(
    fake: FakeTelegram, impatient_runtime: Runtime, clock: Any
) -> None:
    fake.user(208)
    [row_id] = enqueue(impatient_runtime, 208, OutgoingMessage("Hạn chót nộp sáng kiến"))
    fake.hang_next("sendMessage", deliver=False)
    await impatient_runtime.drain()
    row = rows(impatient_runtime, [row_id])[0]
    assert (row.status, row.error_kind) == (OutboxStatus.PENDING, DeliveryErrorKind.TRANSIENT)
    await drain_until_sent(impatient_runtime, clock)
    assert [m.text for m in fake.sent_to(208)] == ["Hạn chót nộp sáng kiến"]


async def test_chat_not_found_is_permanent(fake: FakeTelegram, tg_runtime: Runtime) -> None:
    [row_id] = enqueue(tg_runtime, 209, OutgoingMessage("Ai đó"))  # the fake has no chat 209
    await tg_runtime.drain()
    row = rows(tg_runtime, [row_id])[0]
    assert (row.status, row.error_kind) == (OutboxStatus.FAILED, DeliveryErrorKind.PERMANENT)
    assert "chat not found" in (row.last_error or "").lower()
    assert len(fake.calls_of("sendMessage")) == 1


async def test_group_migrated_to_supergroup_gets_the_new_id(
    fake: FakeTelegram, tg_runtime: Runtime
) -> None:
    fake.group(-4001)
    fake.migrate(-4001, -1004001)
    [row_id] = enqueue(tg_runtime, -4001, OutgoingMessage("Tổ sản xuất"))
    await tg_runtime.drain()
    assert identity(tg_runtime, -1004001) is not None
    assert [m.text for m in fake.sent_to(-1004001)] == ["Tổ sản xuất"]
    assert rows(tg_runtime, [row_id])[0].status == OutboxStatus.SENT


async def test_photo_with_caption_and_paid_broadcast(
    fake: FakeTelegram, tg_runtime: Runtime
) -> None:
    fake.user(210)
    channel = tg_runtime.channels["telegram"]
    assert isinstance(channel, TelegramChannel)
    channel.paid_broadcast = True
    enqueue(
        tg_runtime,
        210,
        OutgoingMessage("Áp phích phong trào", image_url="https://thidua.example.org/p.png"),
    )
    enqueue(tg_runtime, 210, OutgoingMessage("Trả lời"), proactive=False)
    await tg_runtime.drain()
    photo, reply = fake.sent_to(210)
    assert (photo.method, photo.caption, photo.paid) == ("sendPhoto", "Áp phích phong trào", True)
    assert (reply.method, reply.paid) == ("sendMessage", False)


async def test_file_download_through_get_file(fake: FakeTelegram, tg_runtime: Runtime) -> None:
    file_id = fake.add_file(b"\x89PNG sang kien", "photos/file_7.png")
    channel = tg_runtime.channels["telegram"]
    assert isinstance(channel, TelegramChannel)
    assert await channel.fetch_file(file_id) == b"\x89PNG sang kien"
    with pytest.raises(ValueError):
        await channel.fetch_file(file_id, max_bytes=3)


async def test_rejected_token_flags_the_channel(
    fake: FakeTelegram, fake_url: str, tg_runtime: Runtime, clock: Any
) -> None:
    fake.user(211)
    bot = make_bot("7000000001:revoked", api_base=fake_url, timeout=2)
    channel = TelegramChannel(
        bot, tg_runtime.payloads, RateLimiter(timer=FakeTimer(clock)), health=tg_runtime.health
    )
    try:
        result = await channel.send(
            Recipient("telegram", "211", 1), OutgoingMessage("x"), proactive=False
        )
    finally:
        await bot.shutdown()
    assert isinstance(result, DeliveryFailure) and result.kind == DeliveryErrorKind.AUTH
    with Session(tg_runtime.engine) as session:
        row = session.get(ChannelCredential, "telegram")
        assert row is not None and row.flagged_at is not None
        assert "7000000001:revoked" not in (row.flag_reason or "")


async def test_group_pacing_is_twenty_a_minute(
    fake: FakeTelegram, tg_runtime: Runtime, clock: Any
) -> None:
    fake.group(-500)
    enqueue(tg_runtime, -500, *(OutgoingMessage(f"Tổ {n}") for n in range(21)))
    await drain_until_sent(tg_runtime, clock)
    sent = fake.sent_to(-500)
    assert len(sent) == 21 and fake.floods == []
    assert sent[20].at - sent[0].at >= timedelta(seconds=60)


async def test_the_fake_enforces_the_limits_by_itself(fake: FakeTelegram, fake_url: str) -> None:
    """Without our limiter, a second message to one chat in the same second is refused."""
    fake.user(212)
    bot = make_bot(fake.token, api_base=fake_url, timeout=2)
    try:
        await bot.send_message(212, "một")
        with pytest.raises(RetryAfter) as refused:
            await bot.send_message(212, "hai")
    finally:
        await bot.shutdown()
    assert retry_seconds(refused.value) == 1
    assert fake.floods[0][0] == 212
