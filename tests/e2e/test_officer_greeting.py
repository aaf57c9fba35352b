"""An officer who links a messenger with their claim code is greeted as an officer: their unit,
the officer commands and the desk's address; the menu carries «Việc của cán bộ» for officers
only."""

from __future__ import annotations

import httpx
import pytest

from bots.bootstrap import Runtime
from bots.settings import Settings
from core.members.buttons import Menu, MenuItem
from tests.browser.support import web_settings
from tests.e2e.campaign_support import MINH_PHAT, load_demo, member
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio
OFFICER_TASKS = Menu(MenuItem.OFFICER).pack()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return web_settings(database_url)


async def test_an_officer_is_greeted_as_an_officer_after_link(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    officer = await ChatUser(client, runtime).open()
    greeted = await officer.say(f"/link {data.claim[MINH_PHAT]}")
    text = officer.texts(greeted)
    assert "đã được liên kết với hồ sơ" in text
    assert "Bạn là cán bộ của Công đoàn Công ty TNHH Cơ khí Minh Phát" in text
    for command in ("/newcampaign", "/initiatives", "/commendations", "/reward_table", "/signin"):
        assert command in text, command
    assert "http://127.0.0.1:8000/web/signin" in text  # where the desk is
    assert OFFICER_TASKS in officer.payloads(greeted)

    again = officer.texts(await officer.tap(OFFICER_TASKS))
    assert "Bạn là cán bộ của Công đoàn Công ty TNHH Cơ khí Minh Phát" in again

    worker = await member(client, runtime, name="Nguyễn Thị Lan")
    menu = await worker.say("/menu")
    assert OFFICER_TASKS not in worker.payloads(menu)
    refused = worker.texts(await worker.say("", payload=OFFICER_TASKS))  # an old or forged tap
    assert "dành cho cán bộ công đoàn" in refused
    assert "/signin" not in refused
