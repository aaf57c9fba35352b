"""Zalo Bot Platform end to end: webhooks with the secret header into our app, replies at the
fake Bot Platform on loopback, rows in the database. The reference's unknowns are settings of
the fake (tests/fakes/zalo_bot.py) and the adapter is tested under each."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from adapters.zalobot.client import ApiError, ZaloBotApi, mask
from bots.app import create_app
from bots.bootstrap import Runtime, build_runtime
from bots.settings import SettingsError, load_settings
from core import demo
from core.errors import DeliveryErrorKind, DeliveryFailure, Sent
from core.messages import Button, IncomingMessage, OutgoingMessage, Recipient
from core.storage.models import ChannelCredential, InboundUpdate, OutboxMessage, OutboxStatus
from tests.apps import count, open_app
from tests.conftest import FakeClock
from tests.fakes.server import serve_in_thread
from tests.fakes.zalo_bot import FakeZaloBot, ZaloBotUser

pytestmark = pytest.mark.anyio

CHAT = "6ede9afa66b88fe6d6a9"
Build = Callable[..., Awaitable[tuple[Runtime, httpx.AsyncClient]]]


@pytest.fixture
def fake(clock: FakeClock) -> Iterator[FakeZaloBot]:
    bot = FakeZaloBot(clock=clock)
    with serve_in_thread(bot.build_app()) as url:
        bot.url = url
        yield bot


def zalobot_env(database_url: str, fake: FakeZaloBot, **extra: str) -> dict[str, str]:
    return {
        "THIDUA_DATABASE_URL": database_url,
        "THIDUA_ZALOBOT_TOKEN": fake.token,
        "THIDUA_ZALOBOT_WEBHOOK_SECRET": fake.webhook_secret,
        "THIDUA_ZALOBOT_API_BASE": fake.url,
        **{f"THIDUA_ZALOBOT_{k.upper()}": v for k, v in extra.items()},
    }


@pytest.fixture
async def build(
    database_url: str, engine: Engine, clock: FakeClock, fake: FakeZaloBot
) -> AsyncIterator[Build]:
    async with contextlib.AsyncExitStack() as stack:

        async def make(
            env: dict[str, str] | None = None, **extra: str
        ) -> tuple[Runtime, httpx.AsyncClient]:
            environ = {**zalobot_env(database_url, fake, **extra), **(env or {})}
            return await open_app(stack, environ, engine=engine, clock=clock)

        yield make


@pytest.fixture
async def zalobot(build: Build) -> tuple[Runtime, httpx.AsyncClient]:
    return await build()


@pytest.fixture
def user(zalobot: tuple[Runtime, httpx.AsyncClient], fake: FakeZaloBot) -> ZaloBotUser:
    runtime, client = zalobot
    return ZaloBotUser(client, runtime, fake, CHAT)


def inbound(runtime: Runtime) -> int:
    """The updates stored, wherever they wait (the spool beside a SQLite database first)."""
    spool = runtime.processor.spool
    if spool is not None:
        spool.move_into(runtime.engine, runtime.clock.now())
    return count(runtime.engine, InboundUpdate)


def load_demo(runtime: Runtime) -> None:
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())


def stored(runtime: Runtime) -> list[IncomingMessage]:
    """The stored updates as processing will read them (with the platform's decoder)."""
    inbound(runtime)
    decoder = runtime.processor.decoders["zalobot"]
    with Session(runtime.engine) as session:
        rows = session.exec(select(InboundUpdate).order_by(col(InboundUpdate.id))).all()
        assert all(r.raw for r in rows)  # stored as Zalo sent them
        return [m for r in rows if r.body and (m := decoder.decode(r.body)) is not None]


def recipient(chat_id: str = CHAT) -> Recipient:
    return Recipient("zalobot", chat_id, identity_id=1)


# --- inbound -------------------------------------------------------------------------------
async def test_a_text_is_answered_with_send_message_and_the_choices_numbered(
    user: ZaloBotUser, fake: FakeZaloBot
):
    load_demo(user.runtime)
    first = await user.say("xin chào")
    assert len(first) == 1 and "mã mời" in first[0].text
    consent = await user.say("CDCSTN33")
    assert "1. Tôi đồng ý" in user.texts(consent)
    assert "Bạn gõ số thứ tự của lựa chọn." in user.texts(consent)
    params = fake.methods("sendMessage")[0]
    assert params["chat_id"] == CHAT and set(params) == {"chat_id", "text"}  # no buttons


@pytest.mark.parametrize("envelope", ["wrapped", "flat"])
@pytest.mark.parametrize(
    ("image_field", "name_field"), [("photo", "display_name"), ("photo_url", "first_name")]
)
async def test_both_shapes_both_image_fields_both_name_fields(
    user: ZaloBotUser, fake: FakeZaloBot, envelope: str, image_field: str, name_field: str
):
    fake.envelope, fake.image_field, fake.name_field = envelope, image_field, name_field
    assert (await user.post(fake.update(CHAT, text="xin chào", name="Lan"))).status_code == 200
    url = "https://f21-zpc.zdn.vn/jpg/abc.jpg"
    response = await user.post(fake.update(CHAT, photo=url, text="ảnh", name="Lan"))
    assert response.status_code == 200
    text, photo = stored(user.runtime)
    assert (text.platform, text.sender_id, text.text, text.sender_name) == (
        "zalobot",
        CHAT,
        "xin chào",
        "Lan",
    )
    assert [a.ref for a in photo.attachments] == [url] and photo.text == "ảnh"


async def test_wrong_or_missing_secret_is_refused_and_nothing_is_stored(
    user: ZaloBotUser, fake: FakeZaloBot
):
    update = fake.update(CHAT, text="xin chào")
    for secret in ("not-the-secret", "", fake.webhook_secret + "x", fake.webhook_secret[:-1]):
        response = await user.post(update, secret=secret)
        assert response.status_code == 401, secret
    assert inbound(user.runtime) == 0
    assert await user.replies() == []


async def test_no_secret_configured_refuses_every_call(
    database_url: str, engine: Engine, clock: FakeClock, fake: FakeZaloBot
):
    env = zalobot_env(database_url, fake)
    del env["THIDUA_ZALOBOT_WEBHOOK_SECRET"]
    runtime = build_runtime(load_settings(environ=env), engine=engine, clock=clock)
    app = create_app(runtime.settings, runtime=runtime, background=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        user = ZaloBotUser(client, runtime, fake, CHAT)
        assert (await user.post(fake.update(CHAT, text="hi"))).status_code == 401
        assert inbound(runtime) == 0
    await runtime.aclose()


async def test_the_same_message_id_three_times_is_stored_and_answered_once(
    user: ZaloBotUser, fake: FakeZaloBot
):
    fake.redeliveries = 2  # the fake delivers every webhook three times
    replies = await user.say("xin chào")
    assert len(replies) == 1
    assert inbound(user.runtime) == 1


async def test_bad_bodies_get_clear_answers_and_nothing_is_stored(
    user: ZaloBotUser, fake: FakeZaloBot
):
    headers = fake.headers()
    post = user.client.post
    big = b'{"x":"' + b"a" * 1_000_001 + b'"}'
    assert (await post("/webhooks/zalobot", content=big, headers=headers)).status_code == 413
    assert (await post("/webhooks/zalobot", content=b"{", headers=headers)).status_code == 400
    no_sender = fake.update(CHAT, text="hi")
    del no_sender["result"]["message"]["from"]
    assert (await user.post(no_sender)).status_code == 400
    ignored = [
        {"ok": True, "result": {"event_name": "message.text.received"}},  # no message
        fake.update(CHAT, text="hi", event="message.reaction.received"),  # unknown event
        fake.update(CHAT, text="hi", chat_type="GROUP"),  # groups are not open to bots yet
    ]
    for body in ignored:
        response = await user.post(body)
        assert response.status_code == 200 and response.json() == {"ok": True}
    echo = fake.update(CHAT, text="echo")
    echo["result"]["message"]["from"]["is_bot"] = True
    assert (await user.post(echo)).status_code == 200
    assert inbound(user.runtime) == 0


async def test_a_sticker_where_a_number_is_expected_gets_the_choices_again(
    user: ZaloBotUser, fake: FakeZaloBot
):
    load_demo(user.runtime)
    await user.say("/start")
    consent = await user.say("CDCSTN33")
    again = await user.sticker()
    assert "1. Tôi đồng ý" in user.texts(again), user.texts(again)
    unsupported = await user.send(fake.update(CHAT, event="message.unsupported.received"))
    assert "1. Tôi đồng ý" in user.texts(unsupported)
    assert "1. Tôi đồng ý" in user.texts(consent)
    await user.say("1")
    await user.say("1")  # announcements: yes
    name = await user.say("2")  # the name beyond the union: initials only
    assert "họ và tên" in user.texts(name).lower()


# --- outbound ------------------------------------------------------------------------------
async def test_a_long_text_is_split_at_2000_characters_on_word_boundaries(
    zalobot: tuple[Runtime, httpx.AsyncClient], fake: FakeZaloBot
):
    runtime, _ = zalobot
    words = " ".join(f"thiđua{i:04d}" for i in range(500))  # 5,499 characters
    result = await runtime.channels["zalobot"].send(
        recipient(), OutgoingMessage(words), proactive=True
    )
    parts = [d.text for d in fake.sent_to(CHAT)]
    assert isinstance(result, Sent) and len(result.message_ids) == len(parts) == 3
    assert all(len(p) <= 2000 for p in parts)
    assert " ".join(parts) == words  # cut between words, none broken


async def test_an_image_goes_by_url_with_its_caption_and_leftover_buttons_are_numbered(
    zalobot: tuple[Runtime, httpx.AsyncClient], fake: FakeZaloBot
):
    runtime, _ = zalobot
    channel = runtime.channels["zalobot"]
    message = OutgoingMessage("Phát động thi đua", image_url="https://example.org/poster.jpg")
    assert isinstance(await channel.send(recipient(), message, proactive=True), Sent)
    (photo,) = fake.methods("sendPhoto")
    assert photo["photo"] == "https://example.org/poster.jpg"
    assert photo["caption"] == "Phát động thi đua"
    queued = OutgoingMessage("Bạn có câu hỏi mới", buttons=(Button("Trả lời", "x:1"),))
    await channel.send(recipient(), queued, proactive=True)
    assert fake.sent_to(CHAT)[-1].text == "Bạn có câu hỏi mới\n\n1. Trả lời"


@pytest.mark.parametrize("writes_to_strangers", [True, False])
@pytest.mark.parametrize("stranger_error", [404, 403])
async def test_writing_to_someone_who_never_wrote_under_each_platform_answer(
    zalobot: tuple[Runtime, httpx.AsyncClient],
    fake: FakeZaloBot,
    writes_to_strangers: bool,
    stranger_error: int,
):
    runtime, _ = zalobot
    fake.writes_to_strangers, fake.stranger_error = writes_to_strangers, stranger_error
    fake.known.add(CHAT)
    channel = runtime.channels["zalobot"]
    assert isinstance(await channel.send(recipient(), OutgoingMessage("a"), proactive=True), Sent)
    result = await channel.send(recipient("ffff0000"), OutgoingMessage("a"), proactive=True)
    if writes_to_strangers:
        assert isinstance(result, Sent)
        return
    assert isinstance(result, DeliveryFailure)
    # 404 "Not found": this chat cannot be reached (final); 403 is documented as Zalo's
    # internal error, so it is retried with backoff
    expected = DeliveryErrorKind.BLOCKED if stranger_error == 404 else DeliveryErrorKind.TRANSIENT
    assert result.kind == expected


async def test_every_error_code_is_typed(
    zalobot: tuple[Runtime, httpx.AsyncClient], fake: FakeZaloBot
):
    runtime, _ = zalobot
    channel = runtime.channels["zalobot"]
    kinds = {
        400: DeliveryErrorKind.PERMANENT,
        401: DeliveryErrorKind.AUTH,
        403: DeliveryErrorKind.TRANSIENT,
        404: DeliveryErrorKind.BLOCKED,
        408: DeliveryErrorKind.TRANSIENT,
        500: DeliveryErrorKind.TRANSIENT,
    }
    for code, kind in kinds.items():
        fake.fail_next.append((code, f"error {code}"))
        result = await channel.send(recipient(), OutgoingMessage("x"), proactive=False)
        assert isinstance(result, DeliveryFailure) and result.kind == kind, code


async def test_a_429_pauses_the_bot_and_backs_off_and_nothing_is_lost(
    zalobot: tuple[Runtime, httpx.AsyncClient], fake: FakeZaloBot
):
    runtime, _ = zalobot
    channel = runtime.channels["zalobot"]
    fake.fail_next.extend([(429, "Quota exceeded")])
    first = await channel.send(recipient(), OutgoingMessage("a"), proactive=True)
    assert isinstance(first, DeliveryFailure)
    assert first.kind == DeliveryErrorKind.RATE_LIMITED and first.retry_after == 1.0
    calls = len(fake.calls)
    held = await channel.send(recipient(), OutgoingMessage("b"), proactive=True)
    assert isinstance(held, DeliveryFailure) and held.kind == DeliveryErrorKind.RATE_LIMITED
    assert 0 < (held.retry_after or 0) <= 1.0
    assert len(fake.calls) == calls  # paused: the API is not asked
    limiter = channel.limiter  # type: ignore[attr-defined]
    limiter._paused_until = 0.0  # the pause is over (its length is checked above)
    fake.fail_next.append((429, "Quota exceeded"))
    second = await channel.send(recipient(), OutgoingMessage("c"), proactive=True)
    assert isinstance(second, DeliveryFailure) and second.retry_after == 2.0  # doubled
    limiter._paused_until = 0.0
    assert isinstance(await channel.send(recipient(), OutgoingMessage("c"), proactive=True), Sent)
    limiter._paused_until = 0.0
    fake.fail_next.append((429, "Quota exceeded"))
    third = await channel.send(recipient(), OutgoingMessage("d"), proactive=True)
    assert isinstance(third, DeliveryFailure) and third.retry_after == 1.0  # reset by a success


async def test_a_429_storm_from_the_quota_delays_replies_without_losing_one(
    user: ZaloBotUser, fake: FakeZaloBot, clock: FakeClock
):
    fake.quota_per_second = 0  # every call refused with 429 while the storm lasts
    await user.post(fake.update(CHAT, text="xin chào"))
    assert await user.replies() == []
    with Session(user.runtime.engine) as session:
        (row,) = session.exec(select(OutboxMessage)).all()
        assert row.status == OutboxStatus.PENDING and row.error_kind == "rate_limited"
        assert row.attempts == 0
    fake.quota_per_second = None
    user.runtime.channels["zalobot"].limiter._paused_until = 0.0  # type: ignore[attr-defined]
    clock.advance(seconds=2)
    assert len(await user.replies()) == 1


async def test_a_reset_token_flags_the_channel_and_every_send_waits(
    user: ZaloBotUser, fake: FakeZaloBot, clock: FakeClock
):
    fake.reset_token()
    await user.post(fake.update(CHAT, text="xin chào"))
    await user.post(fake.update(CHAT, text="còn ai không"))
    assert await user.replies() == []
    with Session(user.runtime.engine) as session:
        rows = session.exec(select(OutboxMessage)).all()
        assert len(rows) == 2
        assert all(r.status == OutboxStatus.PENDING and r.attempts == 0 for r in rows)
        assert rows[0].error_kind == "auth"  # waiting for the operator, not failing; the
        # second waits behind the first (one person's messages go in order)
        flag = session.get(ChannelCredential, "zalobot")
        assert flag is not None and flag.flagged_at is not None
        assert "token" in (flag.flag_reason or "")
        assert flag.access_token is None  # the token itself is never stored
    assert {code for _, code in fake.refused} == {401}


async def test_the_token_never_appears_in_logs_or_errors(
    database_url: str,
    engine: Engine,
    clock: FakeClock,
    fake: FakeZaloBot,
    caplog: pytest.LogCaptureFixture,
):
    caplog.set_level(logging.DEBUG)
    secret = fake.token.split(":", 1)[1]
    async with httpx.AsyncClient() as client:
        down = ZaloBotApi(fake.token, client=client, api_base="http://127.0.0.1:9")
        with pytest.raises(ApiError) as unreachable:
            await down.send_message(CHAT, "x")
        echoing = ZaloBotApi(fake.token, client=client, api_base=fake.url)
        fake.fail_next.append((400, f"bad token {fake.token} here"))
        with pytest.raises(ApiError) as echoed:
            await echoing.send_message(CHAT, "x")
    assert secret not in str(unreachable.value) and secret not in repr(down)
    assert secret not in str(echoed.value) and f"{fake.bot_id}:***" in str(echoed.value)
    assert mask(f"/bot{fake.token}/sendMessage", fake.token) == f"/bot{fake.bot_id}:***/sendMessage"
    env = zalobot_env(database_url, fake, api_base="http://127.0.0.1:9")
    runtime = build_runtime(load_settings(environ=env), engine=engine, clock=clock)
    result = await runtime.channels["zalobot"].send(
        recipient(), OutgoingMessage("x"), proactive=True
    )
    await runtime.aclose()
    assert isinstance(result, DeliveryFailure) and secret not in result.detail
    assert secret not in caplog.text
    assert secret not in repr(runtime.settings)


def test_settings_check_the_secret_and_the_token(database_url: str):
    base = {"THIDUA_DATABASE_URL": database_url, "THIDUA_ZALOBOT_TOKEN": "1:abc"}
    with pytest.raises(SettingsError, match="THIDUA_ZALOBOT_WEBHOOK_SECRET"):
        load_settings(environ={**base, "THIDUA_ZALOBOT_WEBHOOK_SECRET": "short"})
    with pytest.raises(SettingsError, match="THIDUA_ZALOBOT_SEND_RATE"):
        load_settings(environ={**base, "THIDUA_ZALOBOT_SEND_RATE": "0"})
    settings = load_settings(environ={**base, "THIDUA_ZALOBOT_TOKEN": "no-colon"})
    with pytest.raises(SettingsError, match="bot id"):
        build_runtime(settings)
