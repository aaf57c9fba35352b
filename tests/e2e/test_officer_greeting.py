"""An officer who links a messenger with their claim code is greeted as an officer: their unit,
the officer commands and the desk's address; the menu carries «Việc của cán bộ» for officers
only. /evaluate is listed for the officers of a union that owns an emulation block, /ranking
for those who can read a block's ranking (its unions', its owner's, the levels above), and
neither for the others."""

from __future__ import annotations

import httpx
import pytest

from bots.bootstrap import Runtime
from bots.settings import Settings
from core.members.buttons import Menu, MenuItem
from tests.browser.support import web_settings
from tests.e2e.block_support import zone_campaign
from tests.e2e.campaign_support import (
    HUNG_THINH,
    MINH_PHAT,
    PROVINCE,
    STATE_AGENCY,
    ZONE,
    load_demo,
    member,
    officer,
)
from tests.e2e.test_api_campaigns import bearer, token_for
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio
OFFICER_TASKS = Menu(MenuItem.OFFICER).pack()
EVALUATE = (
    "/evaluate – xác nhận, sửa số liệu và chấm điểm các công đoàn trong cụm, khối thi đua của bạn"
)
RANKING = "/ranking – bảng xếp hạng cụm, khối thi đua của bạn"


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


async def test_evaluate_and_ranking_are_listed_for_the_officers_who_can_use_them(
    client: httpx.AsyncClient, runtime: Runtime
):
    data, campaign_id = zone_campaign(runtime)  # the demo's block left out
    before = await officer(client, runtime, data, MINH_PHAT, english=False)
    help_text = before.texts(await before.say("/help"))
    assert "/evaluate" not in help_text and "/ranking" not in help_text  # no block yet

    # the zone's block of its two enterprise unions for its production campaign
    made = await client.post(
        "/api/v1/blocks",
        headers=bearer(token_for(runtime, data.officer_of[ZONE])),
        json={
            "owner_unit_id": ZONE,
            "name": "Cụm doanh nghiệp KCN",
            "kind": "industrial_zone",
            "campaign_id": campaign_id,
            "unit_ids": [MINH_PHAT, HUNG_THINH],
        },
    )
    assert made.status_code == 201, made.text
    zone = await officer(client, runtime, data, ZONE, english=False)
    greeted = zone.texts(zone.last)  # the greeting after /link
    assert EVALUATE in greeted and RANKING in greeted
    assert EVALUATE in zone.texts(await zone.say("/help"))
    grassroots = before.texts(await before.say("/help"))  # reads its block's ranking only
    assert RANKING in grassroots and "/evaluate" not in grassroots
    province = await officer(client, runtime, data, PROVINCE, english=False)
    above = province.texts(province.last)  # reads the ranking, is no evaluator
    assert RANKING in above and "/evaluate" not in above
    agency = await officer(client, runtime, data, STATE_AGENCY, english=False)
    outside = agency.texts(await agency.tap(OFFICER_TASKS))  # no block holds the agency
    assert "/evaluate" not in outside and "/ranking" not in outside
    worker = await member(client, runtime, name="Nguyễn Thị Lan")
    assert "/ranking" not in worker.texts(await worker.say("/help"))
    await zone.say("/language")
    await zone.tap("lang:en")
    in_english = zone.texts(await zone.say("/help"))
    assert "/evaluate – verify, adjust and score the unions of your emulation blocks" in in_english
    assert "/ranking – the ranking of your emulation block" in in_english
