# ruff: noqa: F811
"""Issue #15: after /forget, the web desk and the admin API name the person "a former member"
(not an empty name or "?"): the initiative page, the commendations page, the members page and
the API's initiative. Over HTTP with the officer's cookie and bearer token."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.commendations.buttons import AdHoc, Proceed
from core.commendations.models import Commendation
from tests.browser.support import client, settings, signed_in_officer  # noqa: F401
from tests.e2e.campaign_support import MINH_PHAT, load_demo, member, member_id
from tests.e2e.initiative_support import sent_initiative
from tests.e2e.test_api_campaigns import bearer, token_for

pytestmark = pytest.mark.anyio


async def test_the_desk_and_the_api_name_a_former_member(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    data = load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    await member(client, runtime, name="Trần Văn Hùng")
    lan_id, hung_id = member_id(runtime, "Nguyễn Thị Lan"), member_id(runtime, "Trần Văn Hùng")
    initiative_id, _code = sent_initiative(runtime, lan_id, coauthors=(hung_id,))
    web, reviewer = await signed_in_officer(client, runtime, data, MINH_PHAT)
    await reviewer.say("/commend")
    await reviewer.say("lan")
    await reviewer.tap("Nguyễn Thị Lan")
    await reviewer.tap(Proceed().pack())
    await reviewer.say("Hoàn thành vượt 120% kế hoạch quý.")
    await reviewer.tap(AdHoc(adhoc=False).pack())
    await reviewer.tap("Không ghi hình thức")  # an officer's direct commendation: its form
    with Session(runtime.engine) as session:
        assert session.exec(select(Commendation)).one()

    await lan.say("/forget")
    await lan.tap("privacy:forget_yes")

    page = (await web.get(f"/web/initiatives/{initiative_id}")).text
    assert "Cựu đoàn viên" in page and "Trần Văn Hùng" in page
    assert "Nguyễn Thị Lan" not in page
    listing = (await web.get("/web/commendations")).text
    assert "Cựu đoàn viên" in listing and "Nguyễn Thị Lan" not in listing
    asked = listing.split('action="/web/commendations/', 1)[1].split(">", 1)[0]
    assert "Cựu đoàn viên" in asked and "None" not in asked, asked  # the approval's question
    people = (await web.get(f"/web/members?unit={MINH_PHAT}")).text
    assert "Nguyễn Thị Lan" not in people and "Trần Văn Hùng" in people  # current members only

    token = bearer(token_for(runtime, data.officer_of[MINH_PHAT]))
    detail = (await client.get(f"/api/v1/initiatives/{initiative_id}", headers=token)).json()
    names = [a["name"] for a in detail["authors"]]
    assert names == ["A former member", "Trần Văn Hùng"], detail
