"""A campaign's emulation criteria through the admin API: from a template in the union's
language, exact figures in the database, edits in place before the launch and as new versions
after it, removals, scope, and every refusal of a criterion that cannot be kept."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core.emulation.models import EmulationCriterion
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, load_demo, member
from tests.e2e.test_api_campaigns import CAMPAIGN, bearer, token_for

pytestmark = pytest.mark.anyio

ACCIDENTS = {
    "name": "Tai nạn lao động",
    "kind": "number",
    "points": "20",
    "reporter": "grassroots",
    "frequency": "monthly",
    "measure": "vụ",
    "target": "1",
    "lower_is_better": True,
}


def rows(runtime: Runtime, campaign_id: int) -> list[EmulationCriterion]:
    with Session(runtime.engine) as session:
        return list(
            session.exec(
                select(EmulationCriterion)
                .where(EmulationCriterion.campaign_id == campaign_id)
                .order_by(col(EmulationCriterion.id))
            )
        )


async def test_criteria_from_a_template_edited_and_versioned(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    await member(client, runtime, code="CDCSTN33", name="Nguyễn Thị Lan")
    mine = bearer(token_for(runtime, data.officer_of[MINH_PHAT]))
    other = bearer(token_for(runtime, data.officer_of[HUNG_THINH]))
    campaign = await client.post(
        "/api/v1/campaigns",
        json={**CAMPAIGN, "unit_id": MINH_PHAT, "target_groups": []},
        headers=mine,
    )
    campaign_id = campaign.json()["id"]
    base = f"/api/v1/campaigns/{campaign_id}/criteria"

    templates = (await client.get("/api/v1/emulation/templates", headers=mine)).json()
    assert [t["key"] for t in templates] == ["production", "state_agency", "individual_titles"]
    assert templates[0]["criteria"][0]["name"] == "Sản lượng so với kế hoạch sản xuất"

    made = await client.post(f"{base}/from-template", json={"key": "production"}, headers=mine)
    assert made.status_code == 201, made.text
    assert [c["position"] for c in made.json()] == [1, 2, 3, 4, 5]
    stored = rows(runtime, campaign_id)
    assert [r.name for r in stored][:2] == [
        "Sản lượng so với kế hoạch sản xuất",
        "Tỷ lệ sản phẩm lỗi",
    ]
    initiatives = stored[3]
    assert initiatives.target == Decimal("0.02") and initiatives.per_member and initiatives.evidence
    assert stored[1].lower_is_better and stored[1].measure == "% sản phẩm"
    again = await client.post(f"{base}/from-template", json={"key": "production"}, headers=mine)
    assert again.status_code == 409 and again.json() == {"error": "criteria_exist"}
    unknown = await client.post(f"{base}/from-template", json={"key": "nope"}, headers=mine)
    assert unknown.status_code == 404

    # another grassroots union's officer reaches none of it
    assert (await client.get(base, headers=other)).status_code == 403
    assert (await client.post(base, json=ACCIDENTS, headers=other)).status_code == 403
    put_other = await client.put(
        f"/api/v1/criteria/{initiatives.id}", json=ACCIDENTS, headers=other
    )
    assert put_other.status_code == 403
    assert (
        await client.delete(f"/api/v1/criteria/{initiatives.id}", headers=other)
    ).status_code == 403

    # before the launch an edit changes the row itself, a removal deletes it
    accidents_id = stored[2].id
    edited = await client.put(
        f"/api/v1/criteria/{accidents_id}", json={**ACCIDENTS, "target": "0.5"}, headers=mine
    )
    assert edited.status_code == 200 and edited.json()["id"] == accidents_id
    assert edited.json()["target"] == "0.5" and edited.json()["version"] == 1
    assert (
        await client.delete(f"/api/v1/criteria/{stored[4].id}", headers=mine)
    ).status_code == 204
    assert len(rows(runtime, campaign_id)) == 4

    launched = await client.post(f"/api/v1/campaigns/{campaign_id}/launch", json={}, headers=mine)
    assert launched.status_code == 200, launched.text

    # after it, an edit is the next version and the old one stays, retired
    versioned = await client.put(
        f"/api/v1/criteria/{accidents_id}", json={**ACCIDENTS, "points": "25"}, headers=mine
    )
    body = versioned.json()
    assert versioned.status_code == 200 and body["id"] != accidents_id and body["version"] == 2
    assert body["position"] == 3 and body["points"] == "25"
    assert (
        await client.delete(f"/api/v1/criteria/{initiatives.id}", headers=mine)
    ).status_code == 204
    after = {r.id: r for r in rows(runtime, campaign_id)}
    assert after[accidents_id].retired_at is not None and after[accidents_id].points == Decimal(20)
    assert after[body["id"]].replaces_id == accidents_id
    assert after[initiatives.id].retired_at is not None
    listed = (await client.get(base, headers=mine)).json()
    assert [c["name"] for c in listed] == [
        "Sản lượng so với kế hoạch sản xuất",
        "Tỷ lệ sản phẩm lỗi",
        "Tai nạn lao động",
    ]
    gone = await client.put(f"/api/v1/criteria/{accidents_id}", json=ACCIDENTS, headers=mine)
    assert gone.status_code == 404 and gone.json() == {"error": "criterion_unknown"}

    closed = await client.post(f"/api/v1/campaigns/{campaign_id}/close", headers=mine)
    assert closed.status_code == 200
    late = await client.post(base, json=ACCIDENTS, headers=mine)
    assert late.status_code == 409 and late.json() == {"error": "campaign_closed"}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"name": "   "}, "criterion_name_empty"),
        ({"target": None}, "criterion_target"),
        ({"target": "0", "lower_is_better": False}, "criterion_target"),  # at least 0: none
        ({"target": "-1"}, "criterion_target"),
        ({"kind": "yes_no"}, "criterion_not_a_number"),
        (
            {"kind": "score", "target": None, "measure": "", "lower_is_better": False},
            "criterion_score_by_evaluator",
        ),
    ],
)
async def test_a_criterion_that_cannot_be_kept_is_refused(
    client: httpx.AsyncClient, runtime: Runtime, change: dict[str, object], code: str
):
    data = load_demo(runtime)
    mine = bearer(token_for(runtime, data.officer_of[MINH_PHAT]))
    campaign = await client.post(
        "/api/v1/campaigns", json={**CAMPAIGN, "unit_id": MINH_PHAT}, headers=mine
    )
    campaign_id = campaign.json()["id"]
    refused = await client.post(
        f"/api/v1/campaigns/{campaign_id}/criteria", json={**ACCIDENTS, **change}, headers=mine
    )
    assert refused.status_code == 422 and refused.json() == {"error": code}, refused.text
    assert rows(runtime, campaign_id) == []
    kept = await client.post(
        f"/api/v1/campaigns/{campaign_id}/criteria", json=ACCIDENTS, headers=mine
    )
    assert kept.status_code == 201 and len(rows(runtime, campaign_id)) == 1
