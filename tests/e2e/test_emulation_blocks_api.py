"""Emulation blocks and their evaluation through the admin API, with officers' tokens: the
industrial-zone union groups its two enterprise unions into a block for its production
campaign; the block's ranking is checked against a plain recomputation from the report rows;
an evaluator of the zone adjusts a figure with a reason and the ranking changes (both figures
and the history kept); the province's officer and an enterprise union's officer are refused as
evaluators; of two zone evaluators who read the same figure, the second to save is told."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core.emulation.block_models import BlockUnit, EmulationBlock, Evaluation
from core.emulation.models import EmulationCriterion
from tests.e2e.block_support import OCTOBER, plain_totals, second_zone_officer, zone_campaign
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, PROVINCE, STATE_AGENCY, ZONE
from tests.e2e.test_api_campaigns import bearer, token_for

pytestmark = pytest.mark.anyio


def output_criterion(runtime: Runtime, campaign_id: int) -> int:
    with Session(runtime.engine) as session:
        return session.exec(
            select(EmulationCriterion.id).where(
                EmulationCriterion.campaign_id == campaign_id, EmulationCriterion.position == 1
            )
        ).one()  # type: ignore[return-value]


async def test_a_block_ranked_adjusted_and_guarded(client: httpx.AsyncClient, runtime: Runtime):
    data, campaign_id = zone_campaign(runtime)
    zone = bearer(token_for(runtime, data.officer_of[ZONE]))
    province = bearer(token_for(runtime, data.officer_of[PROVINCE]))
    minh_phat = bearer(token_for(runtime, data.officer_of[MINH_PHAT]))

    made = await client.post(
        "/api/v1/blocks",
        headers=zone,
        json={
            "owner_unit_id": ZONE,
            "name": "Cụm doanh nghiệp cơ khí KCN",
            "kind": "industrial_zone",
            "campaign_id": campaign_id,
            "unit_ids": [MINH_PHAT, HUNG_THINH],
        },
    )
    assert made.status_code == 201, made.text
    block_id = made.json()["id"]
    assert sorted(made.json()["unit_ids"]) == [MINH_PHAT, HUNG_THINH]
    with Session(runtime.engine) as session:
        block = session.get(EmulationBlock, block_id)
        assert block is not None and block.owner_unit_id == ZONE and block.kind == "industrial_zone"
        units = session.exec(select(BlockUnit).where(BlockUnit.block_id == block_id)).all()
        assert {(u.unit_id, u.scope) for u in units} == {
            (MINH_PHAT, f"c{campaign_id}"),
            (HUNG_THINH, f"c{campaign_id}"),
        }

    # a grassroots union makes no block; a unit is in one block of a campaign at most
    own = await client.post(
        "/api/v1/blocks",
        headers=minh_phat,
        json={"owner_unit_id": MINH_PHAT, "name": "Khối riêng", "kind": "other", "year": 2026},
    )
    assert own.status_code == 422 and own.json()["error"] == "block_owner_not_upper"
    twice = await client.post(
        "/api/v1/blocks",
        headers=province,
        json={
            "owner_unit_id": ZONE,
            "name": "Khối doanh nghiệp tư nhân",
            "kind": "enterprise_type",
            "year": 2026,
            "unit_ids": [MINH_PHAT],
        },
    )
    assert twice.status_code == 409 and twice.json()["error"] == "block_unit_elsewhere"
    with Session(runtime.engine) as session:  # refused whole: no half-made block
        assert len(session.exec(select(EmulationBlock)).all()) == 1

    url = f"/api/v1/blocks/{block_id}/ranking?campaign_id={campaign_id}&due_on=2026-10-31"
    first = (await client.get(url, headers=zone)).json()
    assert first["evaluator"] is True and first["due_on"] == "2026-10-31"
    sizes = {s["unit_id"]: s["members"] for s in first["standings"]}
    expected = plain_totals(runtime, campaign_id, OCTOBER, sizes)
    assert {s["unit_id"]: Decimal(s["total"]) for s in first["standings"]} == expected
    assert [s["unit_id"] for s in first["standings"]] == [MINH_PHAT, HUNG_THINH]
    assert expected[MINH_PHAT] == Decimal("66.20") and expected[HUNG_THINH] == Decimal("61.10")
    # the province's officer sees the ranking too, but is no evaluator of the zone's block
    seen = (await client.get(url, headers=province)).json()
    assert seen["evaluator"] is False
    # an enterprise union's officer reads its block's ranking, read only; a union outside
    # the block (the state agency's, below the province) does not
    theirs = await client.get(url, headers=minh_phat)
    assert theirs.status_code == 200 and theirs.json()["evaluator"] is False
    agency = bearer(token_for(runtime, data.officer_of[STATE_AGENCY]))
    assert (await client.get(url, headers=agency)).status_code == 403

    output = output_criterion(runtime, campaign_id)
    cell = next(c for c in first["standings"][1]["cells"] if c["criterion_id"] == output)
    assert cell["self_value"] == "97" and cell["version"] == 0
    change = {
        "campaign_id": campaign_id,
        "due_on": "2026-10-31",
        "unit_id": HUNG_THINH,
        "criterion_id": output,
        "value": "120",
        "reason": "",
        "version": 0,
    }
    evaluate = f"/api/v1/blocks/{block_id}/evaluations"
    no_reason = await client.post(evaluate, headers=zone, json=change)
    assert no_reason.status_code == 422 and no_reason.json()["error"] == "evaluation_reason"
    change["reason"] = "Đã đối chiếu sổ sản xuất: kế hoạch tháng 10 được điều chỉnh"
    for outsider in (province, minh_phat):
        refused = await client.post(evaluate, headers=outsider, json=change)
        assert refused.status_code == 403, refused.text
    assert (await client.post(evaluate, headers=zone, json=change)).status_code == 201

    after = (await client.get(url, headers=zone)).json()
    assert [s["unit_id"] for s in after["standings"]] == [HUNG_THINH, MINH_PHAT]
    expected = plain_totals(runtime, campaign_id, OCTOBER, sizes)
    assert {s["unit_id"]: Decimal(s["total"]) for s in after["standings"]} == expected
    assert expected[HUNG_THINH] == Decimal("68.00")  # 30 x 120 % + 12 + 20
    cell = next(c for c in after["standings"][0]["cells"] if c["criterion_id"] == output)
    assert (cell["self_value"], cell["value"]) == ("97", "120")
    [kept] = cell["history"]
    assert kept["self_value"] == "97" and kept["evaluated_by"] == data.officer_of[ZONE]
    assert kept["reason"].startswith("Đã đối chiếu")

    # two evaluators read the figure; the first saves, the second is told and nothing of
    # theirs is kept
    other = bearer(token_for(runtime, second_zone_officer(runtime)))
    version = cell["version"]
    mine = {**change, "value": "110", "reason": "Sổ ghi 110 %", "version": version}
    theirs = {**change, "value": "100", "reason": "Theo kế hoạch gốc", "version": version}
    assert (await client.post(evaluate, headers=other, json=mine)).status_code == 201
    late = await client.post(evaluate, headers=zone, json=theirs)
    assert late.status_code == 409 and late.json()["error"] == "evaluation_changed"
    with Session(runtime.engine) as session:
        rows = session.exec(select(Evaluation).order_by(col(Evaluation.id))).all()
        assert [r.value for r in rows] == [Decimal(120), Decimal(110)]
        assert rows[1].previous_id == rows[0].id and rows[1].self_value == Decimal(97)
    # and the database itself refuses two evaluations following the same one
    with Session(runtime.engine) as session, pytest.raises(IntegrityError):
        fields = rows[1].model_dump(exclude={"id"})
        session.add(Evaluation(**{**fields, "value": Decimal(100)}))
        session.commit()


async def test_blocks_are_listed_within_scope(client: httpx.AsyncClient, runtime: Runtime):
    data, campaign_id = zone_campaign(runtime)
    zone = bearer(token_for(runtime, data.officer_of[ZONE]))
    minh_phat = bearer(token_for(runtime, data.officer_of[MINH_PHAT]))
    body = {"owner_unit_id": ZONE, "name": "Khối FDI", "kind": "enterprise_type", "year": 2026}
    made = await client.post("/api/v1/blocks", headers=zone, json=body)
    assert made.status_code == 201
    block_id = made.json()["id"]
    added = await client.post(
        f"/api/v1/blocks/{block_id}/units", headers=zone, json={"unit_id": HUNG_THINH}
    )
    assert added.json()["unit_ids"] == [HUNG_THINH]
    listed = await client.get(f"/api/v1/campaigns/{campaign_id}/blocks", headers=zone)
    assert [b["id"] for b in listed.json()] == [block_id]  # a block for the campaign's year
    again = await client.post(
        f"/api/v1/blocks/{block_id}/units", headers=zone, json={"unit_id": ZONE}
    )
    assert again.status_code == 422 and again.json()["error"] == "block_unit_not_below"
    assert (await client.get(f"/api/v1/blocks/{block_id}", headers=minh_phat)).status_code == 403
    gone = await client.delete(f"/api/v1/blocks/{block_id}/units/{HUNG_THINH}", headers=zone)
    assert gone.status_code == 204
    assert (await client.delete(f"/api/v1/blocks/{block_id}", headers=zone)).status_code == 204
    with Session(runtime.engine) as session:
        assert session.exec(select(EmulationBlock)).all() == []
