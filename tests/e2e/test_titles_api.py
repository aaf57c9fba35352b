"""Titles and commendation forms through the admin API (issue #17): the zone's production
campaign (its two enterprise unions reported every month already over) is closed; thidua
proposes the collective titles from the block's evaluation, with the final review that
closing runs, and again when asked; a title nobody meets gets its own
line; an enterprise union's officer may not amend; the list is confirmed once and its XLSX
opened and checked."""

from __future__ import annotations

import io

import httpx
import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.emulation.title_models import TitleChange, TitleDefinition, TitleProposal
from tests.e2e.block_support import zone_campaign
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, PROVINCE, ZONE
from tests.e2e.test_api_campaigns import bearer, token_for

pytestmark = pytest.mark.anyio


async def test_collective_titles_proposed_amended_confirmed(
    client: httpx.AsyncClient, runtime: Runtime
):
    data, campaign_id = zone_campaign(runtime)
    zone = bearer(token_for(runtime, data.officer_of[ZONE]))
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
    early = await client.post(f"/api/v1/campaigns/{campaign_id}/titles/propose", headers=zone)
    assert early.status_code == 409 and early.json() == {"error": "campaign_not_closed"}
    closed = await client.post(f"/api/v1/campaigns/{campaign_id}/close", headers=zone)
    assert closed.status_code == 200, closed.text
    with_review = await client.get(f"/api/v1/campaigns/{campaign_id}/titles", headers=zone)
    assert with_review.json()["proposed_at"] is not None  # proposed with the final review
    assert len(with_review.json()["proposals"]) == 4

    proposed = await client.post(f"/api/v1/campaigns/{campaign_id}/titles/propose", headers=zone)
    assert proposed.status_code == 200, proposed.text
    board = proposed.json()
    got = {(p["unit_id"], p["title"]) for p in board["proposals"]}
    assert got == {
        (MINH_PHAT, "Tập thể lao động xuất sắc"),
        (MINH_PHAT, "Bằng khen của Liên đoàn Lao động tỉnh"),
        (HUNG_THINH, "Tập thể lao động tiên tiến"),
        (HUNG_THINH, "Giấy khen của Công đoàn cấp trên trực tiếp cơ sở"),
    }
    first = next(p for p in board["proposals"] if p["unit_id"] == MINH_PHAT)
    assert first["rank"] == 1 and first["score"] == "105.65"
    assert "xếp thứ 1/2 trong Cụm doanh nghiệp cơ khí KCN" in first["summary"]
    assert board["nobody"] == []
    with Session(runtime.engine) as session:  # the standard sets of the zone and the province
        owners = session.exec(select(TitleDefinition.owner_unit_id)).all()
        assert sorted(set(owners)) == [PROVINCE, ZONE]

    # a flag of the zone that nobody reaches: proposed again, its line says so
    flag = await client.post(
        f"/api/v1/units/{ZONE}/titles",
        headers=zone,
        json={
            "name": "Cờ thi đua của Công đoàn các KCN",
            "subject": "collective",
            "form": "title",
            "level": "upper",
            "min_score": "120",
            "max_rank": 1,
        },
    )
    assert flag.status_code == 201, flag.text
    again = await client.post(f"/api/v1/campaigns/{campaign_id}/titles/propose", headers=zone)
    assert again.status_code == 200, again.text
    assert again.json()["nobody"] == [
        "Không ai đạt “Cờ thi đua của Công đoàn các KCN” (Công đoàn cấp trên trực tiếp cơ sở): "
        "đạt ít nhất 120% số điểm; xếp thứ 1 trở lên trong cụm, khối."
    ]
    assert len(again.json()["proposals"]) == 4

    ht_form = next(
        p["id"]
        for p in again.json()["proposals"]
        if p["unit_id"] == HUNG_THINH and p["form"] == "certificate"
    )
    outside = await client.post(
        f"/api/v1/titles/proposals/{ht_form}/remove", headers=minh_phat, json={"reason": "x"}
    )
    assert outside.status_code == 403
    no_reason = await client.post(
        f"/api/v1/titles/proposals/{ht_form}/remove", headers=zone, json={"reason": "   "}
    )
    assert no_reason.status_code == 422 and no_reason.json() == {"error": "title_reason"}
    removed = await client.post(
        f"/api/v1/titles/proposals/{ht_form}/remove",
        headers=zone,
        json={"reason": "Để lần xét sau: tỷ lệ hàng lỗi còn cao"},
    )
    assert removed.status_code == 200 and removed.json()["status"] == "removed"
    titles = {
        t["name"]: t["id"]
        for t in (await client.get(f"/api/v1/units/{ZONE}/titles", headers=zone)).json()
    }
    ht_title = next(
        p["id"]
        for p in again.json()["proposals"]
        if p["unit_id"] == HUNG_THINH and p["form"] == "title"
    )
    changed = await client.post(
        f"/api/v1/titles/proposals/{ht_title}/change",
        headers=zone,
        json={"title_id": titles["Tập thể lao động xuất sắc"], "reason": "Vượt kế hoạch quý IV"},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["title"] == "Tập thể lao động xuất sắc"
    assert [(c["action"], c["before"], c["after"]) for c in changed.json()["changes"]] == [
        ("changed", "Tập thể lao động tiên tiến", "Tập thể lao động xuất sắc")
    ]
    # run again before confirming: the amendments stay, the removed one does not come back
    third = await client.post(f"/api/v1/campaigns/{campaign_id}/titles/propose", headers=zone)
    live = {(p["unit_id"], p["title"], p["status"]) for p in third.json()["proposals"]}
    assert (HUNG_THINH, "Tập thể lao động xuất sắc", "proposed") in live
    assert (HUNG_THINH, "Giấy khen của Công đoàn cấp trên trực tiếp cơ sở", "removed") in live
    assert len(live) == 4

    confirmed = await client.post(f"/api/v1/campaigns/{campaign_id}/titles/confirm", headers=zone)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["confirmed_at"] is not None
    twice = await client.post(f"/api/v1/campaigns/{campaign_id}/titles/confirm", headers=zone)
    assert twice.status_code == 409 and twice.json() == {"error": "titles_confirmed"}
    late = await client.post(
        f"/api/v1/titles/proposals/{ht_title}/remove", headers=zone, json={"reason": "muộn"}
    )
    assert late.status_code == 409 and late.json() == {"error": "titles_confirmed"}
    with Session(runtime.engine) as session:
        assert len(session.exec(select(TitleChange)).all()) == 2
        statuses = sorted(p.status for p in session.exec(select(TitleProposal)))
        assert statuses == ["confirmed", "confirmed", "confirmed", "removed"]

    book = await client.get(f"/api/v1/campaigns/{campaign_id}/titles.xlsx", headers=zone)
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"
    assert values[3] == (
        "STT",
        "Họ và tên / Tên tập thể",
        "Đơn vị",
        "Danh hiệu / Hình thức khen thưởng",
        "Cấp khen",
        "Thành tích tóm tắt",
        "Ghi chú",
    )
    assert values[4:7] == [
        (
            1,
            "Công đoàn Công ty TNHH Cơ khí Minh Phát",
            "Công đoàn các Khu công nghiệp Bình Dương",
            "Bằng khen của Liên đoàn Lao động tỉnh",
            "Liên đoàn Lao động tỉnh, thành phố hoặc tương đương",
            "Đạt 105,6% số điểm; hoàn thành mọi chỉ tiêu; xếp thứ 1/2 trong Cụm doanh nghiệp cơ "
            "khí KCN",
            None,
        ),
        (
            2,
            "Công đoàn Công ty TNHH Cơ khí Minh Phát",
            "Công đoàn các Khu công nghiệp Bình Dương",
            "Tập thể lao động xuất sắc",
            "Công đoàn cấp trên trực tiếp cơ sở",
            "Đạt 105,6% số điểm; hoàn thành mọi chỉ tiêu; xếp thứ 1/2 trong Cụm doanh nghiệp cơ "
            "khí KCN",
            None,
        ),
        (
            3,
            "Công đoàn Công ty TNHH Giày da Hưng Thịnh Việt Nam",
            "Công đoàn các Khu công nghiệp Bình Dương",
            "Tập thể lao động xuất sắc",
            "Công đoàn cấp trên trực tiếp cơ sở",
            "Đạt 100,6% số điểm; xếp thứ 2/2 trong Cụm doanh nghiệp cơ khí KCN",
            "Đổi từ “Tập thể lao động tiên tiến”: Vượt kế hoạch quý IV",
        ),
    ]
    assert values[7][1] == (
        "Không ai đạt “Cờ thi đua của Công đoàn các KCN” (Công đoàn cấp trên trực tiếp cơ sở): "
        "đạt ít nhất 120% số điểm; xếp thứ 1 trở lên trong cụm, khối."
    )
    assert len(values) == 8


async def test_definitions_of_a_level(client: httpx.AsyncClient, runtime: Runtime):
    """A grassroots union takes its level's standard set once, edits a threshold, removes a
    title (kept for what was proposed under it); bad thresholds and another union's officer
    are refused."""
    data, _campaign_id = zone_campaign(runtime)
    minh_phat = bearer(token_for(runtime, data.officer_of[MINH_PHAT]))
    hung_thinh = bearer(token_for(runtime, data.officer_of[HUNG_THINH]))
    url = f"/api/v1/units/{MINH_PHAT}/titles"
    assert (await client.get(url, headers=minh_phat)).json() == []
    taken = await client.post(f"{url}/standard", headers=minh_phat)
    assert taken.status_code == 201, taken.text
    assert [(d["name"], d["subject"], d["form"], d["level"]) for d in taken.json()] == [
        ("Lao động giỏi", "person", "title", "grassroots"),
        ("Chiến sĩ thi đua cơ sở", "person", "title", "grassroots"),
        ("Giấy khen của Ban Chấp hành Công đoàn cơ sở", "person", "certificate", "grassroots"),
    ]
    assert taken.json()[1]["thresholds"] == (
        "đạt ít nhất 100% số điểm; mỗi tiêu chí đạt ít nhất 80%; hoàn thành mọi chỉ tiêu đã "
        "đăng ký; đã đăng ký “Chiến sĩ thi đua cơ sở” hoặc cao hơn"
    )
    again = await client.post(f"{url}/standard", headers=minh_phat)
    assert again.status_code == 409 and again.json() == {"error": "titles_exist"}
    good = taken.json()[0]
    edited = await client.put(
        f"/api/v1/titles/{good['id']}",
        headers=minh_phat,
        json={**{k: good[k] for k in ("name", "subject", "form", "level")}, "min_score": "85"},
    )
    assert edited.status_code == 200 and edited.json()["min_score"] == "85"
    for bad, code in (
        ({"min_score": "250"}, "title_threshold"),
        ({"max_rank": 0}, "title_rank"),
        ({"subject": "collective", "pledge_title": "fighter"}, "title_pledge_collective"),
    ):
        body = {**{k: good[k] for k in ("name", "subject", "form", "level")}, **bad}
        refused = await client.put(f"/api/v1/titles/{good['id']}", headers=minh_phat, json=body)
        assert refused.status_code == 422 and refused.json() == {"error": code}, bad
    outside = await client.delete(f"/api/v1/titles/{good['id']}", headers=hung_thinh)
    assert outside.status_code == 403
    gone = await client.delete(f"/api/v1/titles/{good['id']}", headers=minh_phat)
    assert gone.status_code == 204
    left = (await client.get(url, headers=minh_phat)).json()
    assert [d["name"] for d in left] == [
        "Chiến sĩ thi đua cơ sở",
        "Giấy khen của Ban Chấp hành Công đoàn cơ sở",
    ]
    with Session(runtime.engine) as session:
        kept = session.get(TitleDefinition, good["id"])
        assert kept is not None and kept.retired_at is not None
