"""`thidua demo load` gives the demo's members (not its officers) a web chat each: the
showcase's announcements are delivered to them (the launch, the quiz's announcement with its
«Vào thi» button), the delivery reports show sent rows, and the person trying the demo gets a
link per grassroots union to be one of them; the officers keep their claim codes."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from bots.cli import main
from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast
from core.clock import utcnow
from core.quizzes.buttons import Start

pytestmark = pytest.mark.anyio
DOOR = re.compile(r"/chat#as=([A-Za-z0-9_-]{20,64})  (.+), (.+)")


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    for key in list(__import__("os").environ):
        if key.startswith("THIDUA_") and not key.startswith("THIDUA_TEST_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("THIDUA_DATABASE_URL", database_url)


def load_demo_by_cli(capsys: pytest.CaptureFixture[str]) -> list[tuple[str, str, str]]:
    assert main(["demo", "load"]) == 0
    printed = capsys.readouterr().out
    assert "officer claim codes" in printed  # the officers still claim their accounts
    assert len(re.findall(r"^  [A-Z2-9]{5}-[A-Z2-9]{5}  ", printed, re.M)) == 5
    return DOOR.findall(printed)


async def test_demo_members_receive_the_showcase(
    env: None,
    client: httpx.AsyncClient,
    runtime: Runtime,
    capsys: pytest.CaptureFixture[str],
    clock,
):
    clock.current = utcnow()  # the command loads the demo around the real time
    doors = load_demo_by_cli(capsys)
    assert len(doors) == 3  # one member per grassroots union
    chat, _name, _unit = next(d for d in doors if "Minh Phát" in d[2])
    got = await client.get("/chat/api/messages", params={"session": chat, "after": 0})
    messages = got.json()["messages"]
    texts = "\n".join(m["text"] for m in messages)
    assert "phát động phong trào «Thi đua năng suất, an toàn cuối năm»" in texts
    quiz = next(m for m in messages if "Hiểu luật, giữ quyền" in m["text"])
    assert [b["label"] for b in quiz["buttons"]] == ["Vào thi"]
    assert quiz["buttons"][0]["payload"].startswith(f"{Start.prefix()}:")
    with Session(runtime.engine) as session:
        sent = session.exec(select(Broadcast).order_by(col(Broadcast.id))).all()
        launch = broadcasts.report(session, broadcast=sent[0])
        assert launch.totals[broadcasts.SENT] > 10 and launch.totals[broadcasts.QUEUED] == 0

    # the demo member goes on in the chat: taps «Vào thi» and gets the first question
    body = {"session": chat, "text": "Vào thi", "payload": quiz["buttons"][0]["payload"]}
    assert (await client.post("/chat/api/messages", json=body)).status_code == 202
    await runtime.drain()
    after = messages[-1]["id"]
    asked = await client.get("/chat/api/messages", params={"session": chat, "after": after})
    assert "Câu 1" in "\n".join(m["text"] for m in asked.json()["messages"])

    assert main(["demo", "load", "--if-empty"]) == 0  # a second `make run`: the links again
    assert DOOR.findall(capsys.readouterr().out) == doors
