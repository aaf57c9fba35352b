"""Issue #18's done-when for emulation: a pledge and its progress reports entirely by typed
numbers over the Zalo Bot adapter (no buttons: every choice a numbered list). Webhooks into
our app, replies read at the fake Bot Platform, rows in the database: the pledge, a report
with bad figures typed and answered ("1 triệu" confirmed no, a negative, a number where yes/no
is asked, "có" where a number is), an evidence photo fetched from its Zalo URL, and a
correction by typed words that keeps the history."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/e2e/test_zalobot.py)

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from scheduler.emulation import pledge_calls
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, load_demo
from tests.e2e.progress_support import calls, current, report_rows, running_campaign
from tests.e2e.test_api_campaigns import bearer, token_for
from tests.e2e.test_emulation_pledges import pledge_rows
from tests.e2e.test_zalobot import Build, build, fake  # noqa: F401  (fixtures)
from tests.e2e.test_zalobot_typed import PHOTO, join, number
from tests.fakes.zalo_bot import FakeZaloBot, ZaloBotUser

pytestmark = pytest.mark.anyio
NOV = "2026-11"


async def test_a_pledge_and_its_reports_by_typed_numbers(
    build: Build, fake: FakeZaloBot, tmp_path: Path
):
    runtime, client = await build(env={"THIDUA_ATTACHMENTS_DIR": str(tmp_path)})
    data = load_demo(runtime)
    user = ZaloBotUser(client, runtime, fake, "9a8b7c6d5e4f30211203")
    await join(user, "Đỗ Văn Nam")
    campaign_id, (hours, rules, initiatives) = running_campaign(runtime, data.officer_of[MINH_PHAT])
    await user.replies()  # the launch

    # the pledge, typed
    policy = runtime.processor.config.delivery
    assert pledge_calls(runtime.engine, runtime.clock, policy, runtime.catalogs) == 1
    invited = await user.replies()
    titles = await user.say(number(invited, "Đăng ký thi đua"))
    first = await user.say(number(titles, "Lao động giỏi"))
    assert "Chỉ tiêu của bạn cho “Giờ học tập” (1/2)" in user.texts(first)
    # a typed number is the target here: no numbered choices, the words to keep or stop
    assert "Gõ «theo chỉ tiêu chung» để giữ chỉ tiêu của phong trào" in user.texts(first)
    assert "1. " not in user.texts(first)
    second = await user.say("12")
    assert "(2/2)" in user.texts(second)
    summary = await user.say("theo chi tieu chung")
    done = await user.say(number(summary, "Xác nhận đăng ký"))
    assert "Bạn đã đăng ký thi đua thành công" in user.texts(done)
    assert pledge_rows(runtime)["Đỗ Văn Nam"] == (
        "good_worker",
        {hours: Decimal(12), initiatives: Decimal(1)},
    )

    # the report at the end of November, typed
    runtime.clock.advance(days=3)
    assert calls(runtime) == 1
    called = await user.replies()
    assert "1. Báo cáo ngay" in user.texts(called)
    asked = await user.say(number(called, "Báo cáo ngay"))
    assert "(1/3) Giờ học tập, tháng 11/2026" in user.texts(asked)
    assert "Chỉ tiêu: 12 giờ" in user.texts(asked)
    assert "Gõ «bỏ qua» để để lại tiêu chí này" in user.texts(asked)
    unusual = await user.say("1 triệu")
    assert "Bạn vừa gõ 1.000.000 giờ, gấp hơn mười lần chỉ tiêu (12 giờ)" in user.texts(unusual)
    again = await user.say(number(unusual, "Không, tôi gõ lại"))
    assert "(1/3) Giờ học tập" in user.texts(again)
    assert "không được nhỏ hơn 0" in user.texts(await user.say("-2"))
    yes_no = await user.say("12,5")
    assert "Đã ghi nhận: 12,5 giờ" in user.texts(yes_no)
    assert "(2/3) Chấp hành nội quy" in user.texts(yes_no)
    assert "trả lời Có hoặc Không" in user.texts(await user.say("15"))
    count = await user.say(number(yes_no, "Có"))
    assert "(3/3) Sáng kiến" in user.texts(count)
    assert "cần một con số" in user.texts(await user.say("có"))
    photo = await user.say("2")
    assert "cần minh chứng" in user.texts(photo)
    not_a_photo = fake.host_photo(b"%PDF-1.4 the plan of the jig", "sang-kien.jpg")
    shown = await user.photo(not_a_photo)
    assert "Đã nhận ảnh minh chứng." in user.texts(shown)
    assert "• Sáng kiến (tháng 11/2026): 2 sáng kiến / chỉ tiêu 1 sáng kiến (200%)" in (
        user.texts(shown)
    )
    # the bytes fetched from Zalo are no image: refused, and the member is told
    assert "Ảnh minh chứng cho “Sáng kiến” không được lưu. Minh chứng phải là một ảnh chụp" in (
        user.texts(shown)
    )
    rows = report_rows(runtime, "Đỗ Văn Nam")
    assert current(rows) == {
        (hours, NOV): Decimal("12.5"),
        (rules, NOV): Decimal(1),
        (initiatives, NOV): Decimal(2),
    }
    evidence = next(r for r in rows if r.criterion_id == initiatives)
    assert (evidence.evidence_platform, evidence.evidence_ref) == ("zalobot", not_a_photo)
    assert (evidence.evidence_status, evidence.evidence_problem) == (
        "refused",
        "evidence_not_a_photo",
    )

    # a correction by typed words and numbers: the old figure stays, superseded
    offered = await user.say("/progress")
    corrected = await user.say(number(offered, "Thi đua quý cuối năm (tháng 11/2026)"))
    assert "Bạn đã báo cáo 12,5 giờ" in user.texts(corrected)
    assert "Gõ «giữ nguyên» để giữ số đã báo cáo" in user.texts(corrected)
    kept = await user.say("14")
    await user.say(number(kept, "Giữ nguyên"))
    asked_again = await user.say("giữ nguyên")  # the figure kept, its photo asked again
    assert "cần minh chứng" in user.texts(asked_again)
    url = fake.host_photo(PHOTO, "sang-kien-2.jpg")
    end = await user.photo(url)
    assert "Cảm ơn bạn, báo cáo đã được ghi nhận." in user.texts(end)
    assert "không được lưu" not in user.texts(end)
    hours_rows = [r for r in report_rows(runtime, "Đỗ Văn Nam") if r.criterion_id == hours]
    assert [r.value for r in hours_rows] == [Decimal("12.5"), Decimal(14)]
    assert hours_rows[0].superseded_by == hours_rows[1].id
    # the new photo comes on a row of its own: the refused one stays in the history
    photo_rows = [r for r in report_rows(runtime, "Đỗ Văn Nam") if r.criterion_id == initiatives]
    assert [(r.value, r.evidence_ref, r.evidence_status) for r in photo_rows] == [
        (Decimal(2), not_a_photo, "refused"),
        (Decimal(2), url, "stored"),
    ]
    photo_row = photo_rows[-1]
    assert photo_rows[0].superseded_by == photo_row.id and photo_row.superseded_at is None

    # the officers see it: the roll names the report whose photo the API gives
    headers = bearer(token_for(runtime, data.officer_of[MINH_PHAT]))
    listed = await client.get(f"/api/v1/campaigns/{campaign_id}/reports", headers=headers)
    (nam,) = [r for r in listed.json()["reported"] if r["name"] == "Đỗ Văn Nam"]
    assert nam["evidence"] == {str(initiatives): photo_row.id}
    image = await client.get(f"/api/v1/reports/{photo_row.id}/evidence", headers=headers)
    assert image.status_code == 200 and image.content == PHOTO
    assert image.headers["content-type"] == "image/jpeg"
    other = bearer(token_for(runtime, data.officer_of[HUNG_THINH]))
    refused = await client.get(f"/api/v1/reports/{photo_row.id}/evidence", headers=other)
    assert refused.status_code == 403
    assert fake.methods("sendPhoto") == []
    assert all(set(p) == {"chat_id", "text"} for p in fake.methods("sendMessage"))
