"""«Không để xảy ra tai nạn lao động»: a criterion where lower is better with a maximum of 0,
made through the admin API. Lan reports 0 accidents by the web chat and sees it met, Bình
reports 2 and sees by how much he is above the maximum; Lan earns the criterion's full points
and Bình none, so she ranks above him with the same hours; closing the campaign runs the
final review, which counts her figure met and his not, and the title results give her 100 %
of the criterion and him 0 %."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlmodel import Session

from bots.bootstrap import Runtime
from core.campaigns.models import Campaign
from core.emulation import review, title_results
from core.emulation.models import EmulationCriterion
from tests.e2e.campaign_support import MINH_PHAT, load_demo, member
from tests.e2e.progress_support import HOURS, calls, running_campaign
from tests.e2e.test_api_campaigns import bearer, token_for

pytestmark = pytest.mark.anyio
NO_ACCIDENT = {
    "name": "Tai nạn lao động",
    "kind": "number",
    "points": "20",
    "reporter": "member",
    "frequency": "monthly",
    "measure": "vụ",
    "target": "0",
    "lower_is_better": True,
}


async def test_at_most_0_accidents_is_met_by_none_and_missed_by_two(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    data = load_demo(runtime)
    officer = data.officer_of[MINH_PHAT]
    mine = bearer(token_for(runtime, officer))
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    binh = await member(client, runtime, name="Trần Văn Bình")
    campaign_id, (hours_id,) = running_campaign(runtime, officer, rows=(HOURS,))
    more = {**NO_ACCIDENT, "lower_is_better": False}  # "at least 0" is no target
    refused = await client.post(
        f"/api/v1/campaigns/{campaign_id}/criteria", json=more, headers=mine
    )
    assert refused.status_code == 422 and refused.json() == {"error": "criterion_target"}
    made = await client.post(
        f"/api/v1/campaigns/{campaign_id}/criteria", json=NO_ACCIDENT, headers=mine
    )
    assert made.status_code == 201, made.text
    accidents_id = made.json()["id"]
    with Session(runtime.engine) as session:
        row = session.get(EmulationCriterion, accidents_id)
        assert row is not None and row.target == 0 and row.lower_is_better

    runtime.clock.advance(days=3)  # 28 November: the month's report opens
    assert calls(runtime) == 2
    await lan.replies()
    await lan.tap("Báo cáo ngay")
    await lan.say("10")
    shown = lan.texts(await lan.say("0"))
    assert "• Tai nạn lao động (tháng 11/2026): 0 vụ / tối đa 0 vụ (đạt)" in shown
    assert "Điểm: 60" in shown  # 40 for the hours at their target, the full 20 for none

    await binh.replies()
    await binh.tap("Báo cáo ngay")
    await binh.say("10")
    shown = binh.texts(await binh.say("2"))
    assert (
        "• Tai nạn lao động (tháng 11/2026): 2 vụ / tối đa 0 vụ "
        "(vượt 2 vụ so với mức tối đa)" in shown
    )
    assert "Điểm: 40" in shown  # above a maximum of 0: none of the 20

    runtime.clock.advance(days=5)  # 3 December: November is over and counts
    closed = await client.post(f"/api/v1/campaigns/{campaign_id}/close", headers=mine)
    assert closed.status_code == 200, closed.text
    with Session(runtime.engine) as session:
        final = review.final_of(session, campaign_id)
        assert final is not None
        figures = review.figures_of(final)
        line = next(c for c in figures.criteria if c.criterion_id == accidents_id)
        assert (line.reported, line.met, line.points) == (2, 1, Decimal(20))
        hours = next(c for c in figures.criteria if c.criterion_id == hours_id)
        assert (hours.reported, hours.met) == (2, 2)
        names = review.names(session, [p.member_id for p in figures.people])
        ranked = [(names[p.member_id][0], p.points) for p in figures.people]
        assert ranked == [("Nguyễn Thị Lan", Decimal(60)), ("Trần Văn Bình", Decimal(40))]

        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        results = title_results.people(session, campaign, final.as_of)
        by_name = {r.member.full_name: r for r in results if r.member is not None}
        lan_result, binh_result = by_name["Nguyễn Thị Lan"], by_name["Trần Văn Bình"]
        assert lan_result.shares[accidents_id] == 100 and binh_result.shares[accidents_id] == 0
        assert lan_result.standing.rank == 1 and binh_result.standing.rank == 2
        assert lan_result.standing.score > binh_result.standing.score
