"""Zalo OA end to end: signed webhooks into our app, replies at the fake OA server on
loopback, rows in the database (SQLite by default, PostgreSQL with --db=postgres)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core import demo, outbox
from core.members.models import Identity, Member
from core.messages import OutgoingMessage, Recipient
from core.storage.models import ChannelCredential, InboundUpdate, OutboxMessage, OutboxStatus
from tests.apps import count, open_app
from tests.conftest import FakeClock
from tests.fakes.server import serve_in_thread
from tests.fakes.zalo_oa import FakeZaloOA, ZaloUser

pytestmark = pytest.mark.anyio

USER = "2512523625412515"
CS = "/v3.0/oa/message/cs"
TEMPLATE = "/v3.0/oa/message/template"

Build = Callable[..., Awaitable[tuple[Runtime, httpx.AsyncClient]]]


@pytest.fixture
def fake(clock: FakeClock) -> Iterator[FakeZaloOA]:
    oa = FakeZaloOA(clock=clock)
    with serve_in_thread(oa.build_app()) as url:
        oa.url = url
        yield oa


@pytest.fixture
async def build(
    database_url: str, engine: Engine, clock: FakeClock, fake: FakeZaloOA
) -> AsyncIterator[Build]:
    """Builds a runtime wired to the fake OA (one per worker), with its app's client."""
    async with contextlib.AsyncExitStack() as stack:

        async def make(**extra: str) -> tuple[Runtime, httpx.AsyncClient]:
            env = {
                "THIDUA_DATABASE_URL": database_url,
                "THIDUA_ZALO_APP_ID": fake.app_id,
                "THIDUA_ZALO_APP_SECRET": fake.app_secret,
                "THIDUA_ZALO_WEBHOOK_SECRET": fake.webhook_secret,
                "THIDUA_ZALO_ACCESS_TOKEN": fake.access_token,
                "THIDUA_ZALO_REFRESH_TOKEN": fake.refresh_token,
                "THIDUA_ZALO_API_BASE": fake.url,
                "THIDUA_ZALO_OAUTH_BASE": fake.url,
                **{f"THIDUA_ZALO_{k.upper()}": v for k, v in extra.items()},
            }
            return await open_app(stack, env, engine=engine, clock=clock)

        yield make


@pytest.fixture
async def zalo(build: Build) -> tuple[Runtime, httpx.AsyncClient]:
    return await build()


@pytest.fixture
def user(zalo: tuple[Runtime, httpx.AsyncClient], fake: FakeZaloOA) -> ZaloUser:
    runtime, client = zalo
    return ZaloUser(client, runtime, fake, USER)


def load_demo(runtime: Runtime) -> None:
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())


async def join(user: ZaloUser, name: str = "Nguyễn Thị Lan") -> None:
    await user.follow()
    await user.say("CDCSTN33")
    await user.tap("onb_ok:1")
    await user.tap("onb_pur:announcements:1")
    await user.tap("onb_pur:public_name:1")
    await user.say(name)
    await user.tap("onb_name:1")  # «Đúng»: the name shown back is right
    await user.tap("onb_group:direct_worker")
    await user.tap("onb_lead:0")
    await user.tap("onb_lang:vi")


async def test_signed_text_is_answered_at_the_oa(user: ZaloUser, fake: FakeZaloOA):
    replies = await user.say("xin chào")
    assert len(replies) == 1
    assert "mã mời" in replies[0].text
    call = fake.calls(CS)[0]
    assert call["headers"]["access_token"] == fake.access_token  # the bare header
    assert "authorization" not in call["headers"]
    assert call["body"]["recipient"] == {"user_id": USER}


async def test_wrong_or_missing_mac_is_refused_and_nothing_is_stored(
    user: ZaloUser, fake: FakeZaloOA
):
    body = fake.text_event(USER, "xin chào")
    raw, headers = fake.signed(body, secret="not-the-secret")
    response = await user.client.post("/webhooks/zalo", content=raw, headers=headers)
    assert response.status_code == 401
    raw, headers = fake.signed(body)
    del headers["X-ZEvent-Signature"]
    response = await user.client.post("/webhooks/zalo", content=raw, headers=headers)
    assert response.status_code == 401
    raw, headers = fake.signed(body)
    tampered = raw.replace("xin chào".encode(), "tạm biệt".encode())
    response = await user.client.post("/webhooks/zalo", content=tampered, headers=headers)
    assert response.status_code == 401
    assert count(user.runtime.engine, InboundUpdate) == 0
    assert await user.replies() == []


async def test_stale_timestamp_is_refused(user: ZaloUser, fake: FakeZaloOA, clock: FakeClock):
    old = fake.event(
        "user_send_text",
        USER,
        message={"text": "cũ", "msg_id": "a1"},
        timestamp=fake.timestamp(clock.now() - timedelta(minutes=6)),
    )
    response = await user.post(old)
    assert response.status_code == 401
    assert "freshness" in response.json()["error"]
    assert count(user.runtime.engine, InboundUpdate) == 0
    recent = fake.event(
        "user_send_text",
        USER,
        message={"text": "mới", "msg_id": "a2"},
        timestamp=fake.timestamp(clock.now() - timedelta(minutes=4)),
    )
    assert (await user.post(recent)).status_code == 200
    assert count(user.runtime.engine, InboundUpdate) == 1


async def test_echo_of_our_own_message_is_ignored(user: ZaloUser, fake: FakeZaloOA):
    echo = fake.event("oa_send_text", USER, message={"text": "Xin chào!", "msg_id": "e1"})
    response = await user.post(echo)
    assert response.status_code == 200
    assert response.json()["accepted"] == 0
    assert count(user.runtime.engine, InboundUpdate) == 0
    assert await user.replies() == []


async def test_duplicate_msg_id_gets_one_reply(user: ZaloUser, fake: FakeZaloOA):
    body = fake.text_event(USER, "xin chào", msg_id="96d3cdf3af150460909")
    first = await user.post(body)
    again = await user.post(body)
    assert first.json()["accepted"] == 1 and again.json()["accepted"] == 0
    assert len(await user.replies()) == 1
    assert count(user.runtime.engine, InboundUpdate) == 1


async def test_unquoted_64_bit_ids_keep_every_digit(user: ZaloUser, fake: FakeZaloOA):
    big = "7263940563419267321"  # beyond 2**53: a float would change it
    stamp = fake.timestamp()
    raw = (
        f'{{"app_id":"{fake.app_id}","event_name":"user_send_text","sender":{{"id":{big}}},'
        f'"recipient":{{"id":"{fake.oa_id}"}},"message":{{"text":"hi","msg_id":"m64"}},'
        f'"timestamp":"{stamp}"}}'
    ).encode()
    headers = {"X-ZEvent-Signature": fake.mac(raw, stamp)}
    fake.interact(big)
    response = await user.client.post("/webhooks/zalo", content=raw, headers=headers)
    assert response.status_code == 200
    await user.runtime.drain()
    assert [d.user_id for d in fake.delivered] == [big]


async def test_expired_access_token_is_refreshed_once_then_sent(
    user: ZaloUser, fake: FakeZaloOA, clock: FakeClock
):
    await user.say("xin chào")  # seeds the stored pair from the settings
    first_refresh = fake.refresh_token
    fake.expire_access_tokens()
    replies = await user.say("xin chào lần nữa")
    assert len(replies) == 1
    assert fake.refresh_calls == 1
    assert fake.calls("/v4/oa/access_token")[0]["body"]["refresh_token"] == first_refresh
    with Session(user.runtime.engine) as session:
        stored = session.get(ChannelCredential, "zalo")
        assert stored is not None
        assert stored.refresh_token == fake.refresh_token != first_refresh
        assert stored.access_token == fake.access_token
        assert stored.version == 2
        assert stored.access_expires_at == clock.now() + timedelta(hours=25)
    # the next refresh comes ahead of expiry, without a refused call first
    clock.advance(hours=24, minutes=45)
    refused_before = len(fake.calls(CS))
    assert len(await user.say("một ngày sau")) == 1
    assert fake.refresh_calls == 2
    assert len(fake.calls(CS)) == refused_before + 1


async def test_two_workers_refreshing_at_once_spend_the_token_once(
    build: Build, fake: FakeZaloOA, clock: FakeClock
):
    first, _ = await build()
    second, _ = await build()
    users = ["1000000000000000001", "1000000000000000002"]
    for user_id in users:
        fake.interact(user_id)
    message = OutgoingMessage(text="Thông báo")
    recipients = [
        Recipient("zalo", user_id, identity_id=i, last_inbound_at=clock.now())
        for i, user_id in enumerate(users)
    ]
    warm = await asyncio.gather(
        *(
            rt.channels["zalo"].send(r, message, proactive=False)
            for rt, r in zip((first, second), recipients, strict=True)
        )
    )
    assert all(type(r).__name__ == "Sent" for r in warm)
    fake.expire_access_tokens()
    results = await asyncio.gather(
        first.channels["zalo"].send(recipients[0], message, proactive=False),
        second.channels["zalo"].send(recipients[1], message, proactive=False),
        first.channels["zalo"].send(recipients[1], message, proactive=False),
    )
    assert [type(r).__name__ for r in results] == ["Sent", "Sent", "Sent"]
    assert fake.refresh_calls == 1
    with Session(first.engine) as session:
        assert session.get(ChannelCredential, "zalo").version == 2  # type: ignore[union-attr]


async def silent_member(runtime: Runtime, fake: FakeZaloOA, days: int) -> int:
    """A joined member who last wrote `days` ago, with one announcement queued for them."""
    now = runtime.clock.now()
    fake.interact(USER, at=now - timedelta(days=days))
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=now)
        member = Member(unit_id=3, full_name="Lê Văn Nam", onboarded_at=now, joined_at=now)
        session.add(member)
        session.flush()
        identity = Identity(
            platform="zalo",
            platform_user_id=USER,
            member_id=member.id,
            last_inbound_at=now - timedelta(days=days),
        )
        session.add(identity)
        session.flush()
        rows = outbox.enqueue(
            session,
            identity=identity,
            messages=[OutgoingMessage(text="Phát động phong trào thi đua quý IV.")],
            dedupe_prefix="announce:1",
            now=now,
            proactive=True,
        )
        return rows[0].id  # type: ignore[return-value]


async def test_eight_days_silent_is_held_without_calling_the_api(
    zalo: tuple[Runtime, httpx.AsyncClient], fake: FakeZaloOA
):
    runtime, _ = zalo
    row_id = await silent_member(runtime, fake, days=8)
    await runtime.drain()
    with Session(runtime.engine) as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        assert row.status == OutboxStatus.HELD
        assert row.error_kind == "outside_window"
    assert fake.calls(CS) == [] and fake.calls(TEMPLATE) == []


async def test_eight_days_silent_gets_the_template_when_configured(build: Build, fake: FakeZaloOA):
    runtime, _ = await build(announcement_template_id="310521")
    row_id = await silent_member(runtime, fake, days=8)
    await runtime.drain()
    with Session(runtime.engine) as session:
        assert session.get(OutboxMessage, row_id).status == OutboxStatus.SENT  # type: ignore[union-attr]
    assert fake.calls(CS) == []
    assert fake.templates_sent == [
        {
            "user_id": USER,
            "template_id": "310521",
            "template_data": {"content": "Phát động phong trào thi đua quý IV."},
        }
    ]


async def test_three_days_silent_announcement_waits_unless_billing_is_allowed(
    build: Build, fake: FakeZaloOA
):
    runtime, _ = await build()
    row_id = await silent_member(runtime, fake, days=3)
    await runtime.drain()
    with Session(runtime.engine) as session:
        assert session.get(OutboxMessage, row_id).status == OutboxStatus.HELD  # type: ignore[union-attr]
    billed, _ = await build(billable_proactive="true")
    with Session(billed.engine) as session, session.begin():
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        row.status = OutboxStatus.PENDING
    await billed.drain()
    with Session(billed.engine) as session:
        assert session.get(OutboxMessage, row_id).status == OutboxStatus.SENT  # type: ignore[union-attr]
    assert billed.channels["zalo"].billable_sent == 1  # type: ignore[attr-defined]
    assert [d.text for d in fake.delivered] == ["Phát động phong trào thi đua quý IV."]


async def test_held_announcement_goes_when_the_member_writes_again(
    user: ZaloUser, fake: FakeZaloOA
):
    await silent_member(user.runtime, fake, days=8)
    await user.runtime.drain()
    assert fake.delivered == []
    replies = await user.say("/help")
    assert len(replies) == 2
    assert replies[-1].text == "Phát động phong trào thi đua quý IV."


async def test_onboarding_over_zalo(user: ZaloUser, fake: FakeZaloOA):
    load_demo(user.runtime)
    greeting = await user.follow()
    assert "mã mời" in user.texts(greeting)
    consent = await user.say("CDCSTN33")
    assert "Công đoàn Công ty TNHH Cơ khí Minh Phát" in user.texts(consent)
    assert {"onb_ok:1", "onb_ok:0"} <= set(user.payloads(consent))
    assert all(b["type"] == "oa.query.hide" for m in consent for b in m.buttons)
    await user.tap("onb_ok:1")
    await user.tap("onb_pur:announcements:1")
    await user.tap("onb_pur:public_name:1")
    shown = await user.say("Nguyễn   Thị Lan")
    assert "Họ và tên của bạn: Nguyễn Thị Lan\nĐã đúng chưa?" in user.texts(shown)
    assert {"onb_name:1", "onb_name:0"} <= set(user.payloads(shown))
    asked_group = await user.tap("Đúng")
    assert "Cảm ơn Nguyễn Thị Lan." in user.texts(asked_group)
    assert "đối tượng" in user.texts(asked_group)
    await user.tap("onb_group:direct_worker")
    await user.tap("onb_lead:0")
    done = await user.tap("onb_lang:vi")
    assert "Chào mừng Nguyễn Thị Lan" in user.texts(done)
    assert "menu:help" in user.payloads(done)
    with Session(user.runtime.engine) as session:
        identity = session.exec(select(Identity).where(Identity.platform_user_id == USER)).one()
        member = session.get(Member, identity.member_id)
        assert member is not None and member.onboarded_at is not None
        assert member.preferred_platform == "zalo"


async def test_shared_phone_is_kept_only_after_consent(user: ZaloUser, fake: FakeZaloOA):
    load_demo(user.runtime)
    info = {"name": "Lan", "phone": "84987654321", "address": "", "city": ""}
    before = await user.send(fake.event("user_submit_info", USER, info=info))
    assert "mã mời" in user.texts(before)
    with Session(user.runtime.engine) as session:
        assert session.exec(select(Member).where(Member.phone.is_not(None))).first() is None  # type: ignore[union-attr]
    await join(user)
    user.runtime.clock.advance(seconds=30)  # type: ignore[attr-defined]
    thanks = await user.send(fake.event("user_submit_info", USER, info=info))
    assert "84987654321" in user.texts(thanks)
    profile = await user.say("/mydata")
    assert "Số điện thoại: 84987654321" in user.texts(profile)
    with Session(user.runtime.engine) as session:
        identity = session.exec(select(Identity).where(Identity.platform_user_id == USER)).one()
        assert session.get(Member, identity.member_id).phone == "84987654321"  # type: ignore[union-attr]


async def test_unfollow_then_send_is_blocked(user: ZaloUser, fake: FakeZaloOA):
    await user.say("xin chào")
    assert (await user.post(fake.event("unfollow", USER))).status_code == 200
    fake.unfollow(USER)
    await user.runtime.drain()
    with Session(user.runtime.engine) as session:
        identity = session.exec(select(Identity)).one()
        assert identity.blocked_at is not None


async def test_not_a_follower_answer_marks_the_identity_blocked(user: ZaloUser, fake: FakeZaloOA):
    await user.post(fake.text_event(USER, "xin chào"))
    fake.unfollow(USER)  # left between the message and the reply
    await user.runtime.drain()
    with Session(user.runtime.engine) as session:
        identity = session.exec(select(Identity)).one()
        assert identity.blocked_at is not None
        row = session.exec(select(OutboxMessage)).one()
        assert row.status == OutboxStatus.FAILED and "-213" in (row.last_error or "")


async def test_refused_refresh_flags_the_channel(user: ZaloUser, fake: FakeZaloOA):
    await user.say("xin chào")
    fake.revoke_refresh_token()
    fake.expire_access_tokens()
    assert await user.say("còn đó không?") == []
    with Session(user.runtime.engine) as session:
        stored = session.get(ChannelCredential, "zalo")
        assert stored is not None and stored.flagged_at is not None
        assert "re-authorised" in (stored.flag_reason or "")
        row = session.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()  # type: ignore[union-attr]
        assert row is not None and row.error_kind == "auth"


async def test_long_text_is_split_under_2000_characters(
    zalo: tuple[Runtime, httpx.AsyncClient], fake: FakeZaloOA, clock: FakeClock
):
    runtime, _ = zalo
    fake.interact(USER)
    paragraph = "Đoàn viên thi đua lao động sản xuất giỏi. " * 20
    text = "\n\n".join([paragraph.strip()] * 4)
    recipient = Recipient("zalo", USER, identity_id=1, last_inbound_at=clock.now())
    result = await runtime.channels["zalo"].send(
        recipient, OutgoingMessage(text=text), proactive=False
    )
    assert type(result).__name__ == "Sent" and len(result.message_ids) == 2  # type: ignore[union-attr]
    assert all(len(d.text) <= 2000 for d in fake.delivered)
    assert "\n\n".join(d.text for d in fake.delivered) == text
