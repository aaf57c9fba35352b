"""`thidua zalobot ...` and `thidua invite` against the fake Bot Platform, and polling through
getUpdates (408 = nothing new; refused while a webhook is set)."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/e2e/test_zalobot.py)

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, func, select

from adapters.zalobot.client import ZaloBotApi
from adapters.zalobot.polling import Poller, WebhookActive
from bots.bootstrap import Runtime
from bots.cli import main
from core import demo
from core.storage.engine import make_engine
from core.storage.models import InboundUpdate
from tests.e2e.test_zalobot import (  # noqa: F401  (fixtures)
    CHAT,
    build,
    fake,
    zalobot,
    zalobot_env,
)
from tests.fakes.zalo_bot import FakeZaloBot

SHARE = "https://zalo.me/s/botcreator/bot-thidua"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, database_url: str, fake: FakeZaloBot) -> None:
    for key, value in zalobot_env(database_url, fake).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("THIDUA_PUBLIC_URL", "https://thidua.example.org")
    monkeypatch.setenv("THIDUA_ZALOBOT_SHARE_LINK", SHARE)


def test_set_info_delete_webhook(
    env: None, fake: FakeZaloBot, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["zalobot", "set-webhook"]) == 0
    assert fake.webhook_url == "https://thidua.example.org/webhooks/zalobot"
    assert fake.webhook_secret_set == fake.webhook_secret
    assert main(["zalobot", "webhook-info"]) == 0
    out = capsys.readouterr().out
    assert "URL: https://thidua.example.org/webhooks/zalobot" in out
    assert f"id {fake.bot_id}" in out
    assert fake.token.split(":")[1] not in out and fake.webhook_secret not in out
    assert main(["zalobot", "delete-webhook"]) == 0
    assert fake.webhook_url == ""


def test_set_webhook_refuses_without_secret_or_https(
    env: None,
    fake: FakeZaloBot,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["zalobot", "set-webhook", "--url", "http://plain.example.org/hook"]) == 2
    assert "HTTPS" in capsys.readouterr().err
    monkeypatch.delenv("THIDUA_ZALOBOT_WEBHOOK_SECRET")
    assert main(["zalobot", "set-webhook"]) == 2
    assert "THIDUA_ZALOBOT_WEBHOOK_SECRET" in capsys.readouterr().err
    monkeypatch.setenv("THIDUA_ZALOBOT_TOKEN", fake.bot_id + ":wrong")
    assert main(["zalobot", "webhook-info"]) == 1
    err = capsys.readouterr().err
    assert "401" in err and "wrong" not in err
    assert fake.webhook_url == ""


def test_poll_refuses_clearly_while_a_webhook_is_set(
    env: None, fake: FakeZaloBot, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["zalobot", "set-webhook"]) == 0
    assert main(["zalobot", "poll"]) == 3
    assert "delete-webhook" in capsys.readouterr().err
    assert fake.methods("getUpdates") == []  # refused before asking for anything


@pytest.mark.anyio
@pytest.mark.parametrize("envelope", ["wrapped", "flat"])
async def test_polling_stores_each_update_once_and_408_is_nothing_new(
    fake: FakeZaloBot, zalobot: tuple[Runtime, httpx.AsyncClient], envelope: str
) -> None:
    runtime, _ = zalobot
    fake.envelope = envelope
    async with httpx.AsyncClient() as client:
        api = ZaloBotApi(fake.token, client=client, api_base=fake.url)
        poller = Poller(api, runtime.inbox, now=runtime.clock.now)
        await poller.check()
        assert await poller.poll_once(0) == 0  # 408: nothing new
        fake.queue_update(fake.update(CHAT, text="xin chào"))
        assert await poller.poll_once(0) == 1
        await runtime.drain()
        (reply,) = fake.sent_to(CHAT)
        assert "mã mời" in reply.text
        assert await poller.poll_once(0) == 0
        fake.webhook_url = "https://thidua.example.org/webhooks/zalobot"
        with pytest.raises(WebhookActive):
            await poller.check()
    with Session(runtime.engine) as session:
        assert session.exec(select(func.count()).select_from(InboundUpdate)).one() == 1


def test_invite_prints_the_share_link_with_the_code_to_send(
    env: None, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session, session.begin():
        demo.load(session, now=datetime.now(UTC))
    engine.dispose()
    qr = tmp_path / "poster.png"
    unit = "Công đoàn Công ty TNHH Cơ khí Minh Phát"
    code = main(["invite", unit, "--qr", str(qr), "--qr-for", "zalobot"])
    out = capsys.readouterr().out
    assert code == 0, out
    invite = out.split("Invite code for ", 1)[1].split(": ", 1)[1].split()[0]
    assert f"zalobot: {SHARE} (then send the code {invite})" in out
    assert "QR code (zalobot)" in out and qr.read_bytes().startswith(b"\x89PNG")
