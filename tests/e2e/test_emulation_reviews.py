"""A campaign's reviews end to end, through the web chat and the officer desk: a campaign from
the individual titles template, two members who pledge and report by chat (one agreed to her
name being shown beyond her union, the other did not); a mid-term review made on the desk and
announced; the campaign closed on the desk, which makes the final review at once, announced by
the scheduler to the members, naming only the one who agreed; its workbook opened (openpyxl)
and its figures checked against a plain recomputation from the rows; a second final review
shows the first; another union's officer gets a 404 on the desk and a 403 in the API; the API
lists the reviews and refuses a mid-term review of a closed campaign."""

from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal

import httpx
import pytest
from openpyxl import load_workbook
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core.emulation.models import EmulationCriterion, EmulationPledge, EmulationReport
from core.emulation.review_models import EmulationReview
from scheduler.emulation import pledge_calls, review_announcements
from tests.browser.support import (  # noqa: F401  (fixtures)
    client,
    post_form,
    settings,
    signed_in_officer,
)
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, load_demo, member, member_id
from tests.e2e.progress_support import calls
from tests.e2e.test_api_campaigns import bearer, token_for
from tests.e2e.test_emulation_once import once_campaign

pytestmark = pytest.mark.anyio
LAN, HOA = "Nguyễn Thị Lan", "Lê Thị Hoa"


def plain_points(runtime: Runtime, campaign_id: int) -> dict[int, Decimal]:
    """member id -> points on the members' criteria, from the report rows in force and the
    pledged targets, written out apart from core/emulation/scoring.py."""
    with Session(runtime.engine) as session:
        rows = {c.id: c for c in session.exec(select(EmulationCriterion))}
        pledged = {}
        for pledge in session.exec(select(EmulationPledge)):
            from core.emulation.pledges import targets_of

            for criterion_id, value in targets_of(session, pledge_id=pledge.id).items():  # type: ignore[arg-type]
                pledged[(pledge.member_id, criterion_id)] = value
        points: dict[int, Decimal] = {}
        for r in session.exec(
            select(EmulationReport).where(
                EmulationReport.campaign_id == campaign_id,
                col(EmulationReport.member_id).is_not(None),
                col(EmulationReport.superseded_at).is_(None),
            )
        ):
            c = rows[r.criterion_id]
            if c.kind == "yes_no":
                got = c.points if r.value >= 1 else Decimal(0)
            else:
                target = pledged.get((r.member_id, c.id)) or c.target
                got = c.points * min(r.value / target, Decimal("1.2"))  # type: ignore[operator]
            got = got.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            points[r.member_id] = points.get(r.member_id, Decimal(0)) + got  # type: ignore[index]
        return points


async def test_mid_term_and_final_reviews(client: httpx.AsyncClient, runtime: Runtime):  # noqa: F811
    data = load_demo(runtime)
    lan = await member(client, runtime, code="CDCSTN33", name=LAN, public_name=True)
    hoa = await member(client, runtime, code="CDCSTN33", name=HOA, public_name=False)
    campaign_id, _criteria = once_campaign(runtime, data.officer_of[MINH_PHAT])
    policy = runtime.processor.config.delivery
    assert pledge_calls(runtime.engine, runtime.clock, policy, runtime.catalogs) == 2
    await lan.replies()
    await hoa.replies()
    await lan.tap("Đăng ký thi đua")
    await lan.tap("Lao động giỏi")
    await lan.say("1")
    await lan.say("40")
    assert "thành công" in lan.texts(await lan.tap("Xác nhận đăng ký"))
    await hoa.tap("Đăng ký thi đua")
    await hoa.tap("Chiến sĩ thi đua cơ sở")
    await hoa.tap("Theo chỉ tiêu chung")
    await hoa.tap("Theo chỉ tiêu chung")
    assert "thành công" in hoa.texts(await hoa.tap("Xác nhận đăng ký"))

    runtime.clock.advance(days=2)  # 27 November: the campaign's last two weeks
    assert calls(runtime) == 2
    await lan.replies()
    await hoa.replies()
    await lan.tap("Báo cáo ngay")
    await lan.tap("Có")
    await lan.say("1")
    await lan.say("bỏ qua")  # the photo later
    await lan.say("45")
    await hoa.tap("Báo cáo ngay")
    await hoa.tap("Có")
    await hoa.say("0")
    await hoa.say("10")

    # a mid-term review on the desk, announced: no period is over yet, so no points
    desk, _officer_chat = await signed_in_officer(client, runtime, data, MINH_PHAT)
    reviews_url = f"/web/campaigns/{campaign_id}/reviews"
    made = await post_form(desk, reviews_url, reviews_url, {"announce": "on"})
    assert made.status_code == 303, made.text
    mid_page = await desk.get(made.headers["location"])
    assert mid_page.status_code == 200
    assert "Sơ kết" in mid_page.text
    assert "Chưa hết kỳ báo cáo nào của phong trào" in mid_page.text
    told = lan.texts(await lan.replies())
    assert "Sơ kết phong trào “Danh hiệu năm 2026”" in told
    assert "2/" in told and "đăng ký thi đua, 2 người đã báo cáo kết quả" in told
    await hoa.replies()

    # closing on the desk makes the final review at once; the scheduler announces it
    campaign_url = f"/web/campaigns/{campaign_id}"
    closed = await post_form(desk, campaign_url, f"{campaign_url}/close", {})
    assert closed.status_code == 303, closed.text
    assert review_announcements(runtime.engine, runtime.clock, policy, runtime.catalogs) == 1
    with Session(runtime.engine) as session:
        final = session.exec(select(EmulationReview).where(EmulationReview.kind == "final")).one()
        assert final.created_by == data.officer_of[MINH_PHAT]
    announced = lan.texts(await lan.replies())
    assert "Tổng kết phong trào “Danh hiệu năm 2026”" in announced
    assert f"Đoàn viên tiêu biểu: {LAN} và 1 người khác" in announced
    assert HOA not in announced
    assert HOA not in hoa.texts(await hoa.replies())

    # the final review's page and workbook; a second final review is the first
    page = await desk.get(f"{reviews_url}/{final.id}")
    assert "Tổng kết" in page.text and LAN in page.text and HOA in page.text  # officers see names
    again = await post_form(desk, reviews_url, reviews_url, {})
    assert again.headers["location"].startswith(f"{reviews_url}/{final.id}")
    sheet = await desk.get(f"{reviews_url}/{final.id}/xlsx")
    assert sheet.status_code == 200
    book = load_workbook(io.BytesIO(sheet.content), read_only=True)
    assert book.sheetnames == [
        "Tổng hợp",
        "Tham gia",
        "Kết quả theo công đoàn",
        "Tiêu chí",
        "Cụm, khối",
        "Cá nhân",
        "Sáng kiến, khen thưởng",
        "Thông báo",
    ]
    people = {row[1]: row for row in book["Cá nhân"].iter_rows(min_row=2, values_only=True)}
    expected = plain_points(runtime, campaign_id)
    lan_id, hoa_id = member_id(runtime, LAN), member_id(runtime, HOA)
    assert Decimal(str(people[LAN][3])) == expected[lan_id] == Decimal("81.25")
    assert Decimal(str(people[HOA][3])) == expected[hoa_id]
    assert people[LAN][5] == "có" and people[HOA][5] == "không"
    joined = {row[0]: row for row in book["Tham gia"].iter_rows(min_row=2, values_only=True)}
    minh_phat = joined["Công đoàn Công ty TNHH Cơ khí Minh Phát"]
    assert minh_phat[2:] == (2, 2, 1)  # pledged, reported, pledges met (Lan's alone)
    summary = dict(book["Tổng hợp"].iter_rows(values_only=True))
    assert summary["Đã đăng ký thi đua"] == 2 and summary["Đạt chỉ tiêu đăng ký"] == 1

    # scope: another union's officer
    other, _chat = await signed_in_officer(client, runtime, data, HUNG_THINH)
    assert (await other.get(f"{reviews_url}/{final.id}")).status_code == 404
    assert (await other.get(f"{reviews_url}/{final.id}/xlsx")).status_code == 404
    outsider = bearer(token_for(runtime, data.officer_of[HUNG_THINH]))
    assert (await client.get(f"/api/v1/reviews/{final.id}", headers=outsider)).status_code == 403
    mine = bearer(token_for(runtime, data.officer_of[MINH_PHAT]))
    listed = (await client.get(f"/api/v1/campaigns/{campaign_id}/reviews", headers=mine)).json()
    assert [r["kind"] for r in listed] == ["final", "mid"]
    refused = await client.post(f"/api/v1/campaigns/{campaign_id}/reviews", headers=mine, json={})
    assert refused.status_code == 409 and refused.json() == {"error": "review_campaign_closed"}
    shown = (await client.get(f"/api/v1/reviews/{final.id}", headers=mine)).json()
    people_api = {p["name"]: p["public"] for p in shown["people"]}
    assert people_api == {LAN: True, HOA: False}
    assert shown["figures"]["people"][0]["points"] == "81.25"
