# ruff: noqa: F811
"""Cross-scope: the officer of one grassroots union cannot see or change another's campaign,
initiative, report or leaderboard by editing ids in URLs and forms (404, nothing changes)."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.campaigns.models import Campaign
from core.initiatives.models import Initiative
from tests.browser.support import (  # noqa: F401
    client,
    csrf_of,
    settings,
    signed_in_officer,
    submitted_initiative,
)
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, load_demo

pytestmark = pytest.mark.anyio


async def test_ids_of_another_union_lead_nowhere(client: httpx.AsyncClient, runtime: Runtime):
    data = load_demo(runtime)
    theirs, _u1 = await signed_in_officer(client, runtime, data, HUNG_THINH)
    page = await theirs.get("/web/campaigns")
    made = await theirs.post(
        "/web/campaigns",
        data={"unit_id": HUNG_THINH, "title": "Của Hưng Thịnh", "csrf": csrf_of(page.text)},
    )
    campaign_id = int(made.headers["location"].rsplit("/", 1)[1])
    initiative_id = submitted_initiative(runtime, unit_id=HUNG_THINH, title="Sáng kiến HT")

    mine, _u2 = await signed_in_officer(client, runtime, data, MINH_PHAT)
    token = csrf_of((await mine.get("/web/campaigns")).text)
    for url in (
        f"/web/campaigns/{campaign_id}",
        f"/web/campaigns/{campaign_id}/preview?text=x",
        f"/web/initiatives/{initiative_id}",
        f"/web/leaderboards?root={HUNG_THINH}",
        f"/web/leaderboards/export?root={HUNG_THINH}&kind=people",
        f"/web/leaderboards?scope=campaign:{campaign_id}",
    ):
        answer = await mine.get(url)
        assert answer.status_code == 404, url
        assert "Của Hưng Thịnh" not in answer.text and "Sáng kiến HT" not in answer.text
    for url, form in (
        (f"/web/campaigns/{campaign_id}", {"title": "Đổi tên"}),
        (f"/web/campaigns/{campaign_id}/launch", {"text": "Phát động", "when": "now"}),
        (f"/web/campaigns/{campaign_id}/close", {}),
        (f"/web/initiatives/{initiative_id}/accept", {}),
        (f"/web/initiatives/{initiative_id}/reject", {"reason": "Không"}),
        (f"/web/initiatives/{initiative_id}/ask", {"question": "?"}),
        (f"/web/initiatives/{initiative_id}/assign", {"assignee": data.officer_of[MINH_PHAT]}),
        ("/web/campaigns", {"unit_id": HUNG_THINH, "title": "Cài vào Hưng Thịnh"}),
    ):
        answer = await mine.post(url, data={**form, "csrf": token})
        assert answer.status_code == 404, url
    listing = await mine.get("/web/initiatives?status=all")
    assert "Sáng kiến HT" not in listing.text
    assert "Của Hưng Thịnh" not in (await mine.get("/web/campaigns")).text
    with Session(runtime.engine) as session:
        campaign = session.get(Campaign, campaign_id)
        item = session.get(Initiative, initiative_id)
        assert campaign is not None and campaign.title == "Của Hưng Thịnh"
        assert campaign.status == "draft"
        assert item is not None and item.status == "received" and item.assignee_id is None
        assert len(session.exec(select(Campaign)).all()) == 1

    # their own officer still can
    assert (await theirs.get(f"/web/initiatives/{initiative_id}")).status_code == 200
