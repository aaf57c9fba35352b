"""The real server with its background workers: a message in, the reply by long poll."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from bots.app import create_app
from bots.bootstrap import build_runtime
from bots.settings import Settings
from bots.terminal_chat import run as run_terminal
from core import demo, outbox
from core.members.models import Identity
from core.messages import OutgoingMessage
from tests.fakes.server import serve_in_thread

pytestmark = pytest.mark.anyio


async def test_message_in_reply_out_with_background_workers(settings: Settings, engine):
    runtime = build_runtime(settings, engine=engine)
    with Session(engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())
    app = create_app(settings, runtime=runtime, background=True)
    with serve_in_thread(app, lifespan="on") as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            session_id = (await http.post("/chat/api/session")).json()["session"]
            page = await http.get("/chat")
            assert page.status_code == 200 and "thidua" in page.text
            sent = await http.post(
                "/chat/api/messages", json={"session": session_id, "text": "/start CDCSTN33"}
            )
            assert sent.status_code == 202
            polled = await http.get(
                "/chat/api/messages", params={"session": session_id, "after": 0, "wait": 20}
            )
            messages = polled.json()["messages"]
            assert messages and "Bạn có đồng ý không?" in messages[0]["text"]
            assert (await http.get("/healthz")).json() == {"status": "ok"}


async def test_terminal_chat(runtime, engine):
    with Session(engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())
    lines = iter(["CDCSFD44", "1", "1", "2", "Lê Văn Nam", "1", "4", "2", "1", "/quit"])
    out = io.StringIO()
    await run_terminal(runtime, "local-test", lambda: next(lines), out)
    text = out.getvalue()
    assert "[1] Tôi đồng ý" in text
    assert "Chào mừng Lê Văn Nam!" in text


class Screen(io.StringIO):
    """The terminal: says when a text has been printed (for the reader thread to go on)."""

    def __init__(self, wanted: str) -> None:
        super().__init__()
        self.wanted, self.seen = wanted, threading.Event()

    def write(self, text: str) -> int:
        written = super().write(text)
        if self.wanted in self.getvalue():
            self.seen.set()
        return written


async def test_terminal_chat_shows_later_messages_and_wraps_words(runtime, engine):
    with Session(engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())
    later = "Thông báo đến sau khi bạn đã trả lời xong, trong lúc bạn đang gõ tin nhắn tiếp theo."
    screen = Screen("trong lúc bạn đang gõ")
    lines = iter(["CDCSFD44", "1", "Lê Văn Nam", "4", "2", "1"])

    def read_line() -> str:
        line = next(lines, None)
        if line is not None:
            return line
        with Session(engine) as session, session.begin():  # something arrives later
            identity = session.exec(select(Identity).where(Identity.platform == "terminal")).one()
            outbox.enqueue(
                session,
                identity=identity,
                messages=[OutgoingMessage(text=later)],
                dedupe_prefix="later",
                now=runtime.clock.now(),
            )
        assert screen.seen.wait(timeout=60), screen.getvalue()[-500:]
        return "/quit"

    await run_terminal(runtime, "local-test", read_line, screen, poll_seconds=0.2, width=40)
    text = screen.getvalue()
    assert "thidua> Thông báo đến sau khi bạn đã trả" in text
    block = text[text.index("thidua> Thông báo đến sau") :].split("\n\n")[0]
    assert len(block.splitlines()) > 2 and all(len(line) <= 40 for line in block.splitlines())
    words = set(later.replace(",", "").replace(".", "").split())
    printed = set(text.replace(",", "").replace(".", "").split())
    assert words <= printed  # no word cut in half


def thidua(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bots", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_cli_upgrade_demo_and_bad_settings(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")}
    env["THIDUA_DATABASE_URL"] = f"sqlite:///{tmp_path}/cli.db"
    upgraded = thidua("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    loaded = thidua("demo", "load", "--if-empty", env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert "30 members" in loaded.stdout and "CDCSTN33" in loaded.stdout
    assert "2 running emulation campaigns with 10 criteria, 5 pledges and" in loaded.stdout
    # three months over in the zone's campaign: two unions scored each month, two figures of the
    # latest evaluated
    assert "has 1 emulation block with 8 evaluations" in loaded.stdout
    assert "officer desk:  off" in loaded.stdout and "quiet hours 21:00-07:00" in loaded.stdout
    desk = {**env, "THIDUA_WEB_UI": "true", "THIDUA_WEB_SECRET": "s" * 40}
    again = thidua("demo", "load", "--if-empty", env=desk)
    assert "already has data" in again.stdout
    # every run shows the way in again: the invite codes, fresh claim codes, the desk's link
    assert "CDCSTN33" in again.stdout and "http://127.0.0.1:8000/web/signin" in again.stdout
    claims = [line for line in loaded.stdout.splitlines() if ", Công đoàn" in line]
    claims_again = [line for line in again.stdout.splitlines() if ", Công đoàn" in line]
    doors = [line for line in claims if "/chat#as=" in line]
    assert len(doors) == 3 and doors == [line for line in claims_again if "/chat#as=" in line]
    # served on another port, the addresses printed point there (THIDUA_PUBLIC_URL unset)
    elsewhere = thidua("demo", "load", "--if-empty", env={**desk, "THIDUA_PORT": "8731"})
    assert "http://127.0.0.1:8731/web/signin" in elsewhere.stdout
    assert "http://127.0.0.1:8731/chat#as=" in elsewhere.stdout and ":8000" not in elsewhere.stdout
    claims = [line for line in claims if line not in doors]
    claims_again = [line for line in claims_again if line not in doors]
    assert len(claims_again) == len(claims) == 4 and claims_again != claims
    invite = thidua("invite", "3", "--qr", str(tmp_path / "qr.png"), env=env)
    assert invite.returncode == 0, invite.stderr
    assert (tmp_path / "qr.png").read_bytes().startswith(b"\x89PNG")
    bad = thidua("db", "upgrade", env={**env, "THIDUA_TIMEZONE": "Nowhere/Else"})
    assert bad.returncode == 2
    assert "THIDUA_TIMEZONE" in bad.stderr


async def test_chat_page_texts_come_from_the_catalogs(client: httpx.AsyncClient):
    page = (await client.get("/chat")).text
    assert '<html lang="vi">' in page
    assert 'placeholder="Nhập tin nhắn… (gõ /start để bắt đầu)"' in page
    assert '"Mất kết nối, đang thử lại…"' in page
    assert "{{" not in page
