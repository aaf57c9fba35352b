"""`thidua telegram ...` against the fake Bot API, and long polling through getUpdates."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/fakes/telegram_fixtures.py)

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, func, select

from adapters.telegram.inbound import TelegramInbound
from adapters.telegram.outbound import TelegramChannel
from adapters.telegram.polling import Poller, WebhookActive
from bots.bootstrap import Runtime
from bots.cli import main
from core.storage.models import InboundUpdate
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_fixtures import (  # noqa: F401  (fixtures)
    SECRET,
    TelegramChat,
    fake,
    fake_url,
    telegram_env,
    tg_client,
    tg_runtime,
    tg_settings,
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, database_url: str, fake_url: str) -> None:
    for key, value in telegram_env(database_url, fake_url).items():
        monkeypatch.setenv(key, value)


def test_set_info_delete_webhook(
    env: None, fake: FakeTelegram, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["telegram", "set-webhook", "--drop-pending-updates"]) == 0
    assert fake.webhook is not None
    assert fake.webhook["url"] == "https://thidua.example.org/webhooks/telegram"
    assert fake.webhook["secret_token"] == SECRET
    assert fake.webhook["allowed_updates"] == [
        "message",
        "edited_message",
        "callback_query",
        "my_chat_member",
        "poll_answer",
    ]
    assert main(["telegram", "webhook-info"]) == 0
    out = capsys.readouterr().out
    assert "URL: https://thidua.example.org/webhooks/telegram" in out
    assert SECRET not in out and "AAFake" not in out  # secrets are never printed
    assert main(["telegram", "delete-webhook"]) == 0
    assert fake.webhook is None


def test_set_webhook_refuses_without_secret_or_https(
    env: None,
    fake: FakeTelegram,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["telegram", "set-webhook", "--url", "http://plain.example.org/hook"]) == 1
    assert "https url must be provided" in capsys.readouterr().err.lower()
    monkeypatch.delenv("THIDUA_TELEGRAM_WEBHOOK_SECRET")
    assert main(["telegram", "set-webhook"]) == 2
    assert "THIDUA_TELEGRAM_WEBHOOK_SECRET" in capsys.readouterr().err
    assert fake.webhook is None


def test_poll_refuses_clearly_while_a_webhook_is_set(
    env: None, fake: FakeTelegram, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["telegram", "set-webhook"]) == 0
    assert main(["telegram", "poll"]) == 3
    err = capsys.readouterr().err
    assert "409" in err and "delete-webhook" in err
    assert fake.calls_of("getUpdates")[-1].status == 409


@pytest.mark.anyio
async def test_long_polling_stores_and_confirms(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
) -> None:
    person = fake.user(401)
    channel = tg_runtime.channels["telegram"]
    assert isinstance(channel, TelegramChannel)
    poller = Poller(TelegramInbound(tg_runtime, channel.bot))
    fake.enqueue(fake.message_update(person, "/start"))
    assert await poller.poll_once(0) == 1
    await tg_runtime.drain()
    [welcome] = fake.sent_to(401)
    fake.enqueue(fake.tap(person, "English"))
    assert await poller.poll_once(0) == 1
    await tg_runtime.drain()
    assert "invite code" in (fake.sent_to(401)[-1].text or "")
    assert len(fake.answered) == 1
    assert await poller.poll_once(0) == 0  # both confirmed by the offset: nothing comes again
    with Session(tg_runtime.engine) as session:
        assert session.exec(select(func.count()).select_from(InboundUpdate)).one() == 2
    assert welcome.labels == ["English"]
    fake.webhook = {
        "url": "https://x",
        "secret_token": None,
        "max_connections": 40,
        "allowed_updates": None,
    }
    with pytest.raises(WebhookActive):
        await poller.poll_once(0)
