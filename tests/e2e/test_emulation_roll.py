"""The officers' side of progress reports, over the web chat, the desk and the admin API: a
grassroots union's officer reports the union's output beside members' own figures; the desk
and the API list who has reported for the period (figures in force) and who has not, and
"remind the rest" queues one reminder per reporter with figures missing, at most once a day;
another union's officer is refused; a closed period cannot be reminded. /mydata shows a
member's pledge and reports; /forget keeps the figures under "a former member"."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlmodel import Session

from bots.bootstrap import Runtime
from core.emulation import pledges
from core.emulation.titles import Title
from core.members.models import Member
from tests.browser.support import (  # noqa: F401  (fixtures)
    ask_code,
    client,
    csrf_of,
    post_form,
    settings,
    signed_in_officer,
)
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, load_demo, member, member_id
from tests.e2e.progress_support import (
    HOURS,
    OUTPUT,
    RULES,
    calls,
    current,
    report_rows,
    running_campaign,
)
from tests.e2e.test_api_campaigns import bearer, token_for
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio


async def sign_in(app: httpx.AsyncClient, officer: ChatUser) -> httpx.AsyncClient:
    """A fresh desk session for an officer, with a code the bot sends them."""
    code = await ask_code(officer)
    web = httpx.AsyncClient(transport=app._transport, base_url="http://testserver")
    page = await web.get("/web/signin")
    answer = await web.post("/web/signin", data={"code": code, "csrf": csrf_of(page.text)})
    assert answer.status_code == 303, answer.text
    return web


UNIT_NAME = "Công đoàn Công ty TNHH Cơ khí Minh Phát"


async def test_who_has_reported_and_remind_the_rest(
    client: httpx.AsyncClient,  # noqa: F811
    runtime: Runtime,
):
    data = load_demo(runtime)
    officer_id = data.officer_of[MINH_PHAT]
    _desk, boss = await signed_in_officer(client, runtime, data, MINH_PHAT)
    binh = await member(client, runtime, code="CDCSTN33", name="Trần Văn Bình")
    hoa = await member(client, runtime, code="CDCSTN33", name="Lê Thị Hoa")
    campaign_id, (hours, rules, output) = running_campaign(
        runtime, officer_id, (HOURS, RULES, OUTPUT)
    )
    with Session(runtime.engine) as session, session.begin():
        pledges.save(
            session,
            member=session.get(Member, member_id(runtime, "Trần Văn Bình")),  # type: ignore[arg-type]
            campaign_id=campaign_id,
            title=Title.FIGHTER,
            targets={hours: Decimal(15)},
            now=runtime.clock.now(),
            timezone="Asia/Ho_Chi_Minh",
        )
    for person in (boss, binh, hoa):
        await person.replies()
    runtime.clock.advance(days=3)  # 28 November, 10:00
    assert calls(runtime) == 3

    # the officer reports the union's output as well as their own figures
    called = boss.texts(await boss.replies())
    assert "• Sản lượng so với kế hoạch (tháng 11/2026)" in called
    await boss.tap("Báo cáo ngay")
    await boss.say("10")
    union = await boss.tap("Có")
    assert "(3/3) Sản lượng so với kế hoạch, tháng 11/2026" in boss.texts(union)
    assert f"Số liệu của {UNIT_NAME}." in boss.texts(union)
    shown = await boss.say("98")
    assert "• Sản lượng so với kế hoạch (tháng 11/2026): 98 % / chỉ tiêu 100 % (98%)" in (
        boss.texts(shown)
    )
    assert current(report_rows(runtime)) == {(output, "2026-11"): Decimal(98)}
    (union_row,) = report_rows(runtime)
    assert union_row.reported_by == officer_id and union_row.unit_id == MINH_PHAT
    assert "Đến kỳ báo cáo" in binh.texts(await binh.replies())
    await binh.tap("Báo cáo ngay")
    await binh.say("16")
    await binh.tap("Có")

    # the API: who has reported, with their figures; who has not
    headers = bearer(token_for(runtime, officer_id))
    listed = await client.get(f"/api/v1/campaigns/{campaign_id}/reports", headers=headers)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["due_on"] == "2026-11-30"
    assert body["periods"] == ["2026-11-30", "2026-12-31", "2027-01-31"]
    reported = {r["name"]: r for r in body["reported"]}
    assert set(reported) >= {"Trần Văn Bình", UNIT_NAME}
    assert reported["Trần Văn Bình"]["figures"] == {str(hours): "16", str(rules): "1"}
    assert reported[UNIT_NAME]["member_id"] is None
    assert reported[UNIT_NAME]["figures"] == {str(output): "98"}
    missing = {r["name"]: r for r in body["missing"]}
    assert missing["Lê Thị Hoa"]["reported"] == 0 and missing["Lê Thị Hoa"]["due"] == 2
    other = bearer(token_for(runtime, data.officer_of[HUNG_THINH]))
    refused = await client.get(f"/api/v1/campaigns/{campaign_id}/reports", headers=other)
    assert refused.status_code == 403

    # the desk: the same roll; "remind the rest" reaches Hoa once (the demo's others have no
    # messenger), the API's a second time that day queues nothing new
    desk = await sign_in(client, boss)  # a desk session lasts hours: days have passed
    page_url = f"/web/campaigns/{campaign_id}/reports"
    page = await desk.get(page_url)
    assert page.status_code == 200
    assert "Trần Văn Bình" in page.text and "Lê Thị Hoa" in page.text
    assert "Nhắc những người chưa báo cáo" in page.text
    assert "Sản lượng so với kế hoạch: 98 %" in page.text
    await hoa.replies()  # the call
    sent = await post_form(
        desk, page_url, f"/web/campaigns/{campaign_id}/reports/remind", {"due": "2026-11-30"}
    )
    assert sent.status_code == 303
    assert sent.headers["location"].endswith("?due=2026-11-30&n=1")
    assert "Đến kỳ báo cáo" in hoa.texts(await hoa.replies())
    assert await binh.replies() == []
    again = await client.post(
        f"/api/v1/campaigns/{campaign_id}/reports/remind",
        json={"due_on": "2026-11-30"},
        headers=headers,
    )
    assert again.status_code == 200 and again.json() == {"reminded": 1}
    assert await hoa.replies() == []  # already told today

    # /mydata lists the pledge and the reports; /forget keeps the figures, without the name
    mine = binh.texts(await binh.say("/mydata"))
    assert "Đăng ký thi đua của bạn:" in mine
    assert "Thi đua quý cuối năm: Chiến sĩ thi đua cơ sở (Giờ học tập 15 giờ)" in mine
    assert "Báo cáo kết quả thi đua của bạn:" in mine
    assert "Thi đua quý cuối năm, tháng 11/2026, Giờ học tập: 16 giờ" in mine
    await binh.say("/forget")
    await binh.tap("privacy:forget_yes")
    assert len(report_rows(runtime, None)) == 1
    listed = await client.get(f"/api/v1/campaigns/{campaign_id}/reports", headers=headers)
    names = [r["name"] for r in listed.json()["reported"]]
    assert "Trần Văn Bình" not in names and "Cựu đoàn viên" in names
    page = await desk.get(page_url)
    assert "Trần Văn Bình" not in page.text and "Cựu đoàn viên" in page.text

    # after the period closes (11 December) nobody can be reminded for it
    runtime.clock.advance(days=13)
    closed = await client.post(
        f"/api/v1/campaigns/{campaign_id}/reports/remind",
        json={"due_on": "2026-11-30"},
        headers=headers,
    )
    assert closed.status_code == 409
