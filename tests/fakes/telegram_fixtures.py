"""Fixtures for the Telegram tests: the fake Bot API on loopback, the app wired to it, and a
person who writes to the bot through signed webhook calls."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from bots.app import create_app
from bots.bootstrap import Runtime, build_runtime
from bots.platforms import Telegram
from bots.settings import Settings, load_settings
from tests.fakes.telegram_api import TOKEN, FakeTelegram, FakeTimer, FakeUser, SentMessage, running

SECRET = "s3cr3t-Webhook_token"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


@pytest.fixture
def fake(clock: Any) -> FakeTelegram:
    return FakeTelegram(clock=clock)


@pytest.fixture
def fake_url(fake: FakeTelegram) -> Iterator[str]:
    with running(fake) as url:
        yield url


def telegram_env(database_url: str, api_base: str) -> dict[str, str]:
    return {
        "THIDUA_DATABASE_URL": database_url,
        "THIDUA_TELEGRAM_TOKEN": TOKEN,
        "THIDUA_TELEGRAM_WEBHOOK_SECRET": SECRET,
        "THIDUA_TELEGRAM_API_BASE": api_base,
        "THIDUA_TELEGRAM_BOT_USERNAME": "thidua_bot",
        # Real seconds before a Bot API call with no answer is given up and retried. The fake
        # answers in milliseconds, but a loaded test machine can stall its thread for a
        # second: with a 1 s timeout a send that reached the fake was retried and recorded
        # twice (test_our_pacing_stays_inside_the_limits saw 45 sends of 44). Tests of a
        # hung call set a short timeout of their own.
        "THIDUA_TELEGRAM_TIMEOUT": "10",
        "THIDUA_PUBLIC_URL": "https://thidua.example.org",
    }


@pytest.fixture
def tg_settings(database_url: str, fake_url: str) -> Settings:
    return load_settings(environ=telegram_env(database_url, fake_url))


@pytest.fixture
async def tg_runtime(tg_settings: Settings, engine: Engine, clock: Any) -> AsyncIterator[Runtime]:
    runtime = build_runtime(
        tg_settings, engine=engine, clock=clock, messengers=(Telegram(timer=FakeTimer(clock)),)
    )
    yield runtime
    await runtime.aclose()


@pytest.fixture
async def tg_client(tg_runtime: Runtime, tg_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(tg_settings, runtime=tg_runtime, background=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


class TelegramChat:
    """One person in a private chat with the bot: updates go in through the webhook, the
    replies are read at the fake Bot API."""

    def __init__(
        self, fake: FakeTelegram, client: httpx.AsyncClient, runtime: Runtime, person: FakeUser
    ) -> None:
        self.fake, self.client, self.runtime, self.person = fake, client, runtime, person
        self.seen = 0
        self.last: list[SentMessage] = []

    async def post(self, update: dict[str, Any], secret: str | None = SECRET) -> httpx.Response:
        """Deliver as Telegram does: a method named in the response is run at the fake."""
        headers = {HEADER: secret} if secret is not None else {}
        response = await self.client.post("/webhooks/telegram", json=update, headers=headers)
        if response.status_code == 200:
            await self.fake.webhook_answered(response.content)
        return response

    async def send(self, update: dict[str, Any]) -> list[SentMessage]:
        response = await self.post(update)
        assert response.status_code == 200, response.text
        return await self.replies()

    async def say(self, text: str) -> list[SentMessage]:
        return await self.send(self.fake.message_update(self.person, text))

    async def tap(self, label: str) -> list[SentMessage]:
        return await self.send(self.fake.tap(self.person, label))

    async def replies(self) -> list[SentMessage]:
        await self.runtime.drain()
        mine = self.fake.sent_to(self.person.id)
        self.last, self.seen = mine[self.seen :], len(mine)
        return self.last

    @staticmethod
    def texts(messages: list[SentMessage]) -> str:
        return "\n".join(m.text or m.caption or "" for m in messages)

    @staticmethod
    def labels(messages: list[SentMessage]) -> list[str]:
        return [label for m in messages for label in m.labels]
