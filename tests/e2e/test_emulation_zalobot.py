"""Issue #18's done-when for emulation: a pledge and its progress reports entirely by typed
numbers over the Zalo Bot adapter (no buttons: every choice a numbered list). Webhooks into
our app, replies read at the fake Bot Platform, rows in the database: the pledge, a report
with bad figures typed and answered ("1 triệu" confirmed no, a negative, a number where yes/no
is asked, "có" where a number is), an evidence photo fetched from its Zalo URL, and a
correction by typed words that keeps the history."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/e2e/test_zalobot.py)

from __future__ import annotations

from decimal import Decimal

import pytest

from scheduler.emulation import pledge_calls
from tests.e2e.campaign_support import MINH_PHAT, load_demo
from tests.e2e.progress_support import calls, current, report_rows, running_campaign
from tests.e2e.test_emulation_pledges import pledge_rows
from tests.e2e.test_zalobot import Build, build, fake  # noqa: F401  (fixtures)
from tests.e2e.test_zalobot_typed import PHOTO, join, number
from tests.fakes.zalo_bot import FakeZaloBot, ZaloBotUser

pytestmark = pytest.mark.anyio
NOV = "2026-11"


async def test_a_pledge_and_its_reports_by_typed_numbers(build: Build, fake: FakeZaloBot):
    runtime, client = await build()
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
    await user.say("12")
    summary = await user.say("2")
    done = await user.say(number(summary, "Xác nhận đăng ký"))
    assert "Bạn đã đăng ký thi đua thành công" in user.texts(done)
    assert pledge_rows(runtime)["Đỗ Văn Nam"] == (
        "good_worker",
        {hours: Decimal(12), initiatives: Decimal(2)},
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
    url = fake.host_photo(PHOTO, "sang-kien.jpg")
    shown = await user.photo(url)
    assert "Đã nhận ảnh minh chứng." in user.texts(shown)
    assert "• Sáng kiến (tháng 11/2026): 2 sáng kiến / chỉ tiêu 2 sáng kiến (100%)" in (
        user.texts(shown)
    )
    rows = report_rows(runtime, "Đỗ Văn Nam")
    assert current(rows) == {
        (hours, NOV): Decimal("12.5"),
        (rules, NOV): Decimal(1),
        (initiatives, NOV): Decimal(2),
    }
    evidence = next(r for r in rows if r.criterion_id == initiatives)
    assert (evidence.evidence_platform, evidence.evidence_ref) == ("zalobot", url)

    # a correction by typed words and numbers: the old figure stays, superseded
    offered = await user.say("/progress")
    corrected = await user.say(number(offered, "Thi đua quý cuối năm (tháng 11/2026)"))
    assert "Bạn đã báo cáo 12,5 giờ" in user.texts(corrected)
    assert "Gõ «giữ nguyên» để giữ số đã báo cáo" in user.texts(corrected)
    kept = await user.say("14")
    await user.say(number(kept, "Giữ nguyên"))
    end = await user.say("giữ nguyên")
    assert "Cảm ơn bạn, báo cáo đã được ghi nhận." in user.texts(end)
    hours_rows = [r for r in report_rows(runtime, "Đỗ Văn Nam") if r.criterion_id == hours]
    assert [r.value for r in hours_rows] == [Decimal("12.5"), Decimal(14)]
    assert hours_rows[0].superseded_by == hours_rows[1].id
    assert campaign_id and fake.methods("sendPhoto") == []
    assert all(set(p) == {"chat_id", "text"} for p in fake.methods("sendMessage"))
