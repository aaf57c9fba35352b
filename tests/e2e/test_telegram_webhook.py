"""Telegram end to end: a signed webhook in, the reply out at the fake Bot API, rows in the DB."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/fakes/telegram_fixtures.py)

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import Session, func, select

from adapters.telegram.inbound import TelegramInbound
from adapters.telegram.outbound import TelegramChannel
from adapters.telegram.routes import make_route
from bots.bootstrap import Runtime
from core import demo
from core.errors import StoreUnavailable
from core.members.models import Identity
from core.storage.models import ButtonPayload, InboundUpdate
from tests.fakes.telegram_api import BOT_ID, FakeTelegram
from tests.fakes.telegram_fixtures import (  # noqa: F401  (fixtures)
    TelegramChat,
    fake,
    fake_url,
    tg_client,
    tg_runtime,
    tg_settings,
)

pytestmark = pytest.mark.anyio


def inbound_count(runtime: Runtime) -> int:
    with Session(runtime.engine) as session:
        return session.exec(select(func.count()).select_from(InboundUpdate)).one()


@pytest.fixture
def demo_data(tg_runtime: Runtime) -> None:
    with Session(tg_runtime.engine) as session, session.begin():
        demo.load(session, now=tg_runtime.clock.now())


async def test_right_secret_reply_with_keyboard(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
) -> None:
    chat = TelegramChat(fake, tg_client, tg_runtime, fake.user(111, "Lan"))
    replies = await chat.say("/start")
    assert len(replies) == 1
    assert "mã mời" in replies[0].text
    assert replies[0].labels == ["English"]
    ((_label, key),) = replies[0].buttons
    assert len(key.encode()) <= 64 and ":" not in key  # opaque, not the payload itself
    with Session(tg_runtime.engine) as session:
        assert session.get(ButtonPayload, key).payload == "onb_ui:en"  # type: ignore[union-attr]
    # PTB posts a form; the keyboard arrives as a JSON string, as on api.telegram.org
    call = fake.calls_of("sendMessage")[-1]
    assert isinstance(call.params["reply_markup"], str)
    assert json.loads(call.params["reply_markup"])["inline_keyboard"][0][0]["text"] == "English"
    assert int(call.params["chat_id"]) == 111


async def test_wrong_or_missing_secret_is_refused(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
) -> None:
    chat = TelegramChat(fake, tg_client, tg_runtime, fake.user(112))
    update = fake.message_update(chat.person, "/start")
    for secret in (None, "wrong", "", "s3cr3t", "s3cr3t-Webhook_token "):
        response = await chat.post(update, secret=secret)
        assert response.status_code == 401, (secret, response.text)
    assert inbound_count(tg_runtime) == 0
    await tg_runtime.drain()
    assert fake.sent == []


async def test_same_update_five_times_one_reply(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
) -> None:
    chat = TelegramChat(fake, tg_client, tg_runtime, fake.user(113))
    update = fake.message_update(chat.person, "/start")
    answers = [await chat.post(update) for _ in range(3)]
    answers += await asyncio.gather(chat.post(update), chat.post(update))  # one group commit
    assert [a.status_code for a in answers] == [200] * 5
    assert len(await chat.replies()) == 1
    assert inbound_count(tg_runtime) == 1


async def test_button_tap_is_answered_and_mapped_back(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime, demo_data: None
) -> None:
    chat = TelegramChat(fake, tg_client, tg_runtime, fake.user(114))
    consent = await chat.say("/start CDCSTN33")
    assert "Bạn có đồng ý không?" in chat.texts(consent)
    tap = fake.tap(chat.person, "English")
    replies = await chat.send(tap)
    assert "Do you agree?" in chat.texts(replies)
    assert [a["callback_query_id"] for a in fake.answered] == [tap["callback_query"]["id"]]


async def test_unknown_button_key_is_a_stale_button(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
) -> None:
    chat = TelegramChat(fake, tg_client, tg_runtime, fake.user(115))
    await chat.say("/start")
    forged = fake.callback_update(chat.person, chat.last[0], "no-such-key")
    replies = await chat.send(forged)
    assert replies, "the person gets an answer, not silence"
    assert len(fake.answered) == 1


async def test_group_messages_and_bots_are_ignored(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
) -> None:
    person = fake.user(116)
    chat = TelegramChat(fake, tg_client, tg_runtime, person)
    group = fake.group(-100200300)
    in_group = fake.message_update(person, "/start CDCSTN33", chat_id=group)
    from_bot = fake.message_update(person, "hello")
    from_bot["message"]["from"] = {"id": BOT_ID, "is_bot": True, "first_name": "Thi đua"}
    other_bot = fake.message_update(person, "hello")
    other_bot["message"]["from"]["is_bot"] = True
    channel_post = {
        "update_id": 5,
        "channel_post": {
            "message_id": 1,
            "date": 1,
            "chat": {"id": -1001, "type": "channel", "title": "News"},
            "text": "hi",
        },
    }
    for update in (in_group, from_bot, other_bot, channel_post):
        response = await chat.post(update)
        assert response.status_code == 200, response.text
    await tg_runtime.drain()
    # a channel post, and a group message not addressed to the bot, are not even stored
    assert inbound_count(tg_runtime) == 2
    assert fake.sent == []
    with Session(tg_runtime.engine) as session:
        rows = session.exec(select(InboundUpdate)).all()
        assert [(r.status, r.body) for r in rows] == [("done", None)] * 2
        assert not session.exec(select(Identity)).all()  # nobody was recorded


async def test_bad_bodies_get_clear_answers(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
) -> None:
    chat = TelegramChat(fake, tg_client, tg_runtime, fake.user(117))
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cr3t-Webhook_token"}
    not_json = await tg_client.post("/webhooks/telegram", content=b"{nope", headers=headers)
    assert not_json.status_code == 400
    no_id = await tg_client.post("/webhooks/telegram", json={"message": {}}, headers=headers)
    assert no_id.status_code == 400 and "update_id" in no_id.json()["error"]
    huge = fake.message_update(chat.person, "x" * 2_000_000)
    too_big = await chat.post(huge)
    assert too_big.status_code == 413
    assert inbound_count(tg_runtime) == 0
    # Acknowledged (a 4xx would make Telegram deliver it again and again), kept, never retried.
    broken = await chat.post({"update_id": 9, "message": {"message_id": 1}})
    assert broken.status_code == 200
    await tg_runtime.drain()
    with Session(tg_runtime.engine) as session:
        row = session.exec(select(InboundUpdate)).one()
    assert row.status == "failed" and row.error.startswith("unreadable update")  # type: ignore[union-attr]
    assert json.loads(row.body or "") == {"update_id": 9, "message": {"message_id": 1}}
    assert fake.sent == []


async def test_every_update_type_is_acknowledged(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
) -> None:
    person = fake.user(118)
    chat = TelegramChat(fake, tg_client, tg_runtime, person)
    first = fake.message_update(person, "hello")
    edited = {
        "update_id": first["update_id"] + 1000,
        "edited_message": {
            **first["message"],
            "text": "hello again",
            "edit_date": first["message"]["date"] + 5,
        },
    }
    photo_id = fake.add_file(b"\xff\xd8jpeg")
    photo = fake.message_update(
        person,
        None,
        photo=[
            {"file_id": photo_id, "file_unique_id": "u1", "width": 90, "height": 90, "file_size": 6}
        ],
        caption="Sáng kiến của tôi",
    )
    service = fake.message_update(person, None, write_access_allowed={})
    poll = fake.poll_answer_update(person, "5000", [1])
    unknown = {
        "update_id": 424242,
        "message_reaction": {
            "chat": {"id": 118, "type": "private"},
            "message_id": 1,
            "date": 1,
            "old_reaction": [],
            "new_reaction": [],
        },
    }
    statuses = [
        (await chat.post(u)).status_code for u in (first, edited, photo, service, poll, unknown)
    ]
    assert statuses == [200] * 6
    await tg_runtime.drain()
    assert inbound_count(tg_runtime) == 5  # all but the reaction: read when processed
    assert len(fake.sent_to(118)) == 4  # the core answered each of them


class UnavailableStore:
    """An InboundSink whose database is down."""

    async def accept(self, messages: object) -> int:
        raise StoreUnavailable("could not connect to server")

    async def accept_raw(self, updates: object) -> None:
        raise StoreUnavailable("could not connect to server")


async def test_store_down_answers_503_so_telegram_delivers_again(
    fake: FakeTelegram, tg_runtime: Runtime
) -> None:
    channel = tg_runtime.channels["telegram"]
    assert isinstance(channel, TelegramChannel)
    inbound = TelegramInbound(UnavailableStore(), channel.bot)
    app = FastAPI()
    app.router.routes.append(make_route(inbound, secret="s3cr3t-Webhook_token", body_limit=100_000))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        response = await client.post(
            "/webhooks/telegram",
            json=fake.message_update(fake.user(119), "/start"),
            headers={"X-Telegram-Bot-Api-Secret-Token": "s3cr3t-Webhook_token"},
        )
    assert response.status_code == 503
    assert "deliver it again" in response.json()["error"]
