"""A campaign launched to members on Zalo Bot, Zalo OA, Messenger and Telegram, and posted in
a Telegram group linked to one of the companies, each platform a fake on loopback: the
planner's numbers, group line included, equal what the fakes received, and the delivery
report says the same."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast
from core.campaigns.buttons import CampaignText, ConfirmSend
from tests.browser.support import SECRET, ask_code, csrf_of
from tests.e2e.broadcast_support import (
    START,
    Spec,
    group_numbers,
    link_group,
    messenger_world,
    numbers,
    populate,
)
from tests.e2e.campaign_support import (
    HUNG_THINH,
    MINH_PHAT,
    ZONE,
    create_campaign,
    load_demo,
    officer,
)
from tests.fakes.telegram_fixtures import TelegramChat

pytestmark = pytest.mark.anyio

GROUP = -4_005_001


@pytest.fixture
async def world(database_url: str, engine: Engine, clock: Any) -> AsyncIterator[dict[str, Any]]:
    desk = {"THIDUA_WEB_UI": "true", "THIDUA_WEB_SECRET": SECRET}
    async with messenger_world(database_url, engine, clock, zalo_bot=True, env=desk) as world:
        yield world


async def signed_in(client: httpx.AsyncClient, officer: Any) -> httpx.AsyncClient:
    """The officer's desk, signed in with the code the bot sends them."""
    code = await ask_code(officer)
    web = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    page = await web.get("/web/signin")
    answer = await web.post("/web/signin", data={"code": code, "csrf": csrf_of(page.text)})
    assert answer.status_code == 303, answer.text
    return web


async def test_a_launch_reaches_five_channels_as_planned(world: dict[str, Any]):
    runtime, tg = world["runtime"], world["tg"]
    data = load_demo(runtime)
    days, hours = timedelta(days=1), timedelta(hours=1)
    people = populate(
        world,
        [
            Spec("tg", MINH_PHAT, "telegram", 2 * days, 30),
            Spec("fb", HUNG_THINH, "facebook", 3 * hours, 20),
            Spec("zl", HUNG_THINH, "zalo", 20 * hours, 20),
            Spec("zb", MINH_PHAT, "zalobot", 10 * days, 25),
        ],
    )
    # the company's officer, on Telegram, links the workshop's group to the company
    foreman = TelegramChat(tg, world["client"], runtime, tg.user(6001, "Hùng"))
    await foreman.say(f"/link {data.claim[MINH_PHAT]}")
    await link_group(world, foreman, GROUP, "Xưởng cơ khí Minh Phát")

    boss = await officer(world["client"], runtime, data, ZONE)
    campaign_id = await create_campaign(boss, groups=())
    # the desk's plan of the draft says what tells the two ways to Zalo apart
    web = await signed_in(world["client"], boss)
    page = await web.get(f"/web/campaigns/{campaign_id}")
    note = re.search(r'<p class="muted" id="plan-zalo-choice">([^<]*)</p>', page.text)
    assert note and note.group(1).startswith("Zalo OA hay Zalo Bot? OA hiện tên đã xác thực"), (
        page.text
    )
    await boss.say(f"/launch {campaign_id}")
    preview = boss.texts(await boss.tap(CampaignText().pack()))
    planned = {
        "Telegram": numbers(preview, "Telegram"),
        "Messenger": numbers(preview, "Messenger"),
        "Zalo": numbers(preview, "Zalo"),
        "Zalo Bot": numbers(preview, "Zalo Bot"),
    }
    assert planned == {
        "Telegram": {"now": 31},  # the 30, and the company's officer
        "Messenger": {"now": 20},
        "Zalo": {"now": 20},
        "Zalo Bot": {"now": 25},
    }
    assert group_numbers(preview) == {"Telegram": 1}
    # with members on both ways to Zalo, the planner says what tells them apart
    assert "Zalo OA or Zalo Bot? An OA shows the union's verified name and has buttons" in preview

    await boss.tap(ConfirmSend().pack())
    await runtime.drain()

    got = {
        "Telegram": [
            str(m.chat_id) for m in tg.sent if m.chat_id > 0 and (m.text or "").startswith(START)
        ],
        "Messenger": [m.recipient for m in world["fb"].sent if m.text.startswith(START)],
        "Zalo": [d.user_id for d in world["zl"].delivered if d.text.startswith(START)],
        "Zalo Bot": [d.chat_id for d in world["zb"].delivered if d.text.startswith(START)],
    }
    assert {k: len(v) for k, v in got.items()} == {k: v["now"] for k, v in planned.items()}
    assert sorted(got["Telegram"]) == sorted([*people["tg"], "6001"])
    assert sorted(got["Messenger"]) == sorted(people["fb"])
    assert sorted(got["Zalo"]) == sorted(people["zl"])
    assert sorted(got["Zalo Bot"]) == sorted(people["zb"])
    in_groups = [m for m in tg.sent if m.chat_id < 0 and (m.text or "").startswith(START)]
    assert [m.chat_id for m in in_groups] == [GROUP]  # the planner's one group, once
    assert not tg.early and not tg.floods

    with Session(runtime.engine) as session:
        report = broadcasts.report(session, broadcast=session.exec(select(Broadcast)).one())
    # and the zone's officer, who launched it from the web chat
    sent = {p: row["sent"] for p, row in report.by_platform.items() if row["sent"]}
    assert sent == {"telegram": 31, "facebook": 20, "zalo": 20, "zalobot": 25, "webchat": 1}
    assert report.groups == {
        "telegram": {"queued": 0, "sent": 1, "waiting": 0, "failed": 0, "skipped": 0}
    }
    text = boss.texts(await boss.say("/report"))
    assert "• Group chats on Telegram: sent 1, queued 0, waiting 0, failed 0, skipped 0" in text
