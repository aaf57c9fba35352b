"""What delivery promises, end to end against the fake platforms: a hung call holds only its
own slot while every other send goes and is recorded; a token found expired is refreshed
once and the dead token goes out only with the calls already in flight; a broadcast with
nothing left to send is finished, with its time; a send that timed out after reaching the
platform and was sent again is counted in the report; a row failing again and again while the
platform answers the others is retried in seconds. (A kill between send and record:
tests/e2e/test_crash_worker.py.)"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bots.bootstrap import Runtime, build_runtime
from bots.platforms.telegram import Telegram
from bots.settings import load_settings
from bots.worker import DeliveryWorker
from core import delivery, outbox
from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast, BroadcastKind, BroadcastStatus
from core.members.models import Identity, UnionUnit
from core.messages import OutgoingMessage
from core.storage.models import OutboxMessage, OutboxStatus
from scheduler.jobs import fan_out, finish_broadcasts
from tests.e2e.campaign_support import bulk_members, load_demo, platform_user_id
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram_api import FakeTelegram, FakeTimer, running
from tests.fakes.telegram_fixtures import telegram_env
from tests.fakes.zalo_oa import FakeZaloOA

pytestmark = pytest.mark.anyio
_keys = itertools.count(1)


def enqueue(runtime: Runtime, platform: str, user_id: str, text: str) -> int:
    with Session(runtime.engine) as session, session.begin():
        identity = Identity(
            platform=platform, platform_user_id=user_id, last_inbound_at=runtime.clock.now()
        )
        session.add(identity)
        session.flush()
        [row] = outbox.enqueue(
            session,
            identity=identity,
            messages=[OutgoingMessage(text=text)],
            dedupe_prefix=f"guarantee:{next(_keys)}",
            now=runtime.clock.now(),
        )
        return row.id  # type: ignore[return-value]


def statuses(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return dict(
            session.exec(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ).all()  # type: ignore[arg-type]
        )


async def until(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Wait for a condition the code under test brings about in its own time."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.01)


async def test_a_hung_call_holds_one_slot_while_the_others_are_sent_and_recorded(
    database_url: str, engine: Engine, clock: Any
) -> None:
    fake = FakeTelegram(clock=clock)
    people = [fake.user(7000 + i) for i in range(20)]
    with running(fake) as url:
        env = {**telegram_env(database_url, url), "THIDUA_TELEGRAM_TIMEOUT": "60"}
        # the real timer (not the tests' FakeTimer): sends overlap as they do in production
        runtime = build_runtime(
            load_settings(environ=env), engine=engine, clock=clock, messengers=(Telegram(),)
        )
        try:
            ids = [
                enqueue(runtime, "telegram", str(p.id), f"Tin số {i}") for i, p in enumerate(people)
            ]
            fake.hang_next("sendMessage")  # delivered, then no answer until released
            draining = asyncio.create_task(runtime.drain())
            await until(lambda: statuses(engine).get(OutboxStatus.SENT) == 19, "19 sent")
            # Every other send went and was committed while the hung call is still out.
            assert statuses(engine) == {OutboxStatus.SENT: 19, OutboxStatus.SENDING: 1}
            assert not draining.done()
            fake.release()
            await draining
            assert statuses(engine) == {OutboxStatus.SENT: 20}
            assert sorted(m.chat_id for m in fake.sent) == sorted(p.id for p in people)
            assert len(ids) == 20
        finally:
            await runtime.aclose()


async def test_an_expired_token_is_refreshed_once_and_new_calls_wait_for_it(
    database_url: str, engine: Engine, clock: Any
) -> None:
    fake = FakeZaloOA(clock=clock)
    with serve_in_thread(fake.build_app()) as url:
        fake.url = url
        env = {
            "THIDUA_DATABASE_URL": database_url,
            "THIDUA_ZALO_APP_ID": fake.app_id,
            "THIDUA_ZALO_APP_SECRET": fake.app_secret,
            "THIDUA_ZALO_WEBHOOK_SECRET": fake.webhook_secret,
            "THIDUA_ZALO_ACCESS_TOKEN": fake.access_token,
            "THIDUA_ZALO_REFRESH_TOKEN": fake.refresh_token,
            "THIDUA_ZALO_API_BASE": url,
            "THIDUA_ZALO_OAUTH_BASE": url,
        }
        runtime = build_runtime(load_settings(environ=env), engine=engine, clock=clock)
        try:
            users = [f"30000000000000{i:05d}" for i in range(60)]
            for user_id in users:
                fake.interact(user_id)
            enqueue(runtime, "zalo", users[0], "Chào")
            await runtime.drain()  # the stored pair is seeded from the settings
            dead = fake.access_token
            before = fake.token_uses.get(dead, 0)
            fake.expire_access_tokens()
            for user_id in users[1:]:
                enqueue(runtime, "zalo", user_id, "Thông báo họp công đoàn")
            await runtime.drain()
            assert statuses(engine) == {OutboxStatus.SENT: 60}
            assert fake.refresh_calls == 1
            with_dead_token = fake.token_uses[dead] - before
            slots = runtime.channels["zalo"].max_in_flight  # type: ignore[attr-defined]
            assert 1 <= with_dead_token <= slots  # only the calls already out
            assert len({d.user_id for d in fake.delivered}) == 60
        finally:
            await runtime.aclose()


async def test_a_broadcast_with_nothing_left_to_send_is_finished(runtime: Runtime) -> None:
    load_demo(runtime)
    now = runtime.clock.now()
    bulk_members(
        runtime.engine,
        unit_id=4,
        count=300,
        platform="webchat",
        seen=now,
        now=now,
        prefix="finish",
    )
    policy = replace(runtime.processor.config.delivery, inline_fanout=100)
    with Session(runtime.engine) as session, session.begin():
        unit = session.get(UnionUnit, 4)
        broadcasts.create(
            session,
            key="finish",
            kind=BroadcastKind.MESSAGE,
            audience=broadcasts.Audience(unit, True, ()),  # type: ignore[arg-type]
            text="Thông báo",
            now=now,
            policy=policy,
        )
    assert finish_broadcasts(runtime.engine, runtime.clock) == 0  # still being queued
    fan_out(runtime.engine, runtime.clock, policy)
    assert finish_broadcasts(runtime.engine, runtime.clock) == 0  # queued, nothing sent yet
    await runtime.drain()
    runtime.clock.advance(seconds=5)  # type: ignore[attr-defined]
    assert finish_broadcasts(runtime.engine, runtime.clock) == 1
    with Session(runtime.engine) as session:
        found = session.exec(select(Broadcast).where(Broadcast.key == "finish")).one()
        assert found.status == BroadcastStatus.FINISHED
        assert found.finished_at == runtime.clock.now()
        report = broadcasts.report(session, broadcast=found)
    assert report.finished_at == runtime.clock.now()
    assert report.totals[broadcasts.SENT] >= 1
    assert report.totals[broadcasts.QUEUED] == 0
    assert report.possible_duplicates == 0
    assert finish_broadcasts(runtime.engine, runtime.clock) == 0  # once


async def test_a_send_that_timed_out_and_was_sent_again_is_counted_in_the_report(
    database_url: str, engine: Engine, clock: Any
) -> None:
    """Telegram delivers a message whose answer never came back; our timeout makes it a
    transient failure and the retry delivers it again. The person got it twice, and the
    broadcast's report says it may have happened (it said 0 before)."""
    fake = FakeTelegram(clock=clock)
    with running(fake) as url:
        env = {**telegram_env(database_url, url), "THIDUA_TELEGRAM_TIMEOUT": "1"}
        runtime = build_runtime(
            load_settings(environ=env),
            engine=engine,
            clock=clock,
            messengers=(Telegram(timer=FakeTimer(clock)),),
        )
        try:
            load_demo(runtime)
            now = clock.now()
            ids = bulk_members(
                engine, unit_id=4, count=5, platform="telegram", seen=now, now=now, prefix="to"
            )
            for member_id in ids:
                fake.user(int(platform_user_id("telegram", "to", member_id)))
            policy = runtime.processor.config.delivery
            with Session(engine) as session, session.begin():
                broadcasts.create(
                    session,
                    key="timeout",
                    kind=BroadcastKind.MESSAGE,
                    audience=broadcasts.Audience(session.get(UnionUnit, 4), True, ()),  # type: ignore[arg-type]
                    text="Thông báo họp công đoàn",
                    now=now,
                    policy=policy,
                )
            fan_out(engine, clock, policy)
            fake.hang_next("sendMessage", deliver=True)  # delivered, never answered
            for _ in range(10):  # drain, then move the clock to the retry
                await runtime.drain()
                due = delivery.next_due(engine, platforms=["telegram"])
                if due is None:
                    break
                clock.current = max(due, clock.now())
            texts = [m.chat_id for m in fake.sent if m.text == "Thông báo họp công đoàn"]
            assert len(texts) == 6 and len(set(texts)) == 5  # one person got it twice
            assert statuses(engine) == {OutboxStatus.SENT: 5}
            with Session(engine) as session:
                found = session.exec(select(Broadcast).where(Broadcast.key == "timeout")).one()
                report = broadcasts.report(session, broadcast=found)
            assert report.totals[broadcasts.SENT] == 5
            assert report.possible_duplicates == 1
        finally:
            await runtime.aclose()


async def test_a_row_failing_three_times_while_the_others_are_sent_is_retried_in_seconds(
    database_url: str, engine: Engine, clock: Any
) -> None:
    """A row whose sends fail while the platform answers the others is retried after 0.25 s
    twice, then after the backoff's first step (2 s ±20 %). It waited its third attempt's
    step, 8 s, before: with 5 % of calls failing, some 7 rows of a 30,000-member broadcast
    fail three times, and one of them near the end held the whole broadcast (P8)."""
    fake = FakeTelegram(clock=clock)
    people = [fake.user(7100 + i) for i in range(delivery.HEALTH_WINDOW + 1)]
    with running(fake) as url:
        runtime = build_runtime(
            load_settings(environ=telegram_env(database_url, url)),
            engine=engine,
            clock=clock,
            messengers=(Telegram(timer=FakeTimer(clock)),),
        )
        try:
            worker = DeliveryWorker(runtime, concurrency=1, platforms=["telegram"])
            for person in people[1:]:
                enqueue(runtime, "telegram", str(person.id), "Tin số 1")
            assert await worker.run_once() == delivery.HEALTH_WINDOW  # all answered: up
            row_id = enqueue(runtime, "telegram", str(people[0].id), "Thông báo họp")
            fake.fail_next("sendMessage", count=3)
            waits = []
            for _ in range(3):
                assert await worker.run_once() == 1
                with Session(engine) as session:
                    due = session.get(OutboxMessage, row_id).next_attempt_at  # type: ignore[union-attr]
                waits.append((due - clock.now()).total_seconds())
                clock.current = due
            assert waits[:2] == [delivery.QUICK_RETRY] * 2
            assert 1.6 <= waits[2] <= 2.4
            assert await worker.run_once() == 1
            assert statuses(engine) == {OutboxStatus.SENT: delivery.HEALTH_WINDOW + 1}
            assert [m.chat_id for m in fake.sent].count(people[0].id) == 1
        finally:
            await runtime.aclose()
