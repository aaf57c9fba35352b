"""A campaign's once-only criteria (the individual titles template) over the web chat: the one
period is the whole campaign, open for its last two weeks; the reporter still missing is
reminded the day before the campaign ends (there is no day after it: the campaign closes),
with the call's words, not a late notice; once the campaign has closed, a report is refused."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from bots.bootstrap import Runtime
from scheduler.jobs import campaign_reminders
from tests.e2e.campaign_support import MINH_PHAT, load_demo, member
from tests.e2e.progress_support import calls, current, launched_campaign, report_rows

pytestmark = pytest.mark.anyio


def once_campaign(runtime: Runtime, officer: int) -> tuple[int, list[int]]:
    return launched_campaign(
        runtime,
        officer,
        title="Danh hiệu năm 2026",
        dates=(date(2026, 1, 1), date(2026, 12, 10)),
        rows="individual_titles",
        text="Bình xét danh hiệu năm 2026",
    )


async def test_once_criteria_are_reported_before_the_campaign_ends(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    lan = await member(client, runtime, code="CDCSTN33", name="Nguyễn Thị Lan")
    hoa = await member(client, runtime, code="CDCSTN33", name="Lê Thị Hoa")
    campaign_id, (tasks, initiatives, hours, _discipline) = once_campaign(
        runtime, data.officer_of[MINH_PHAT]
    )
    await lan.replies()
    await hoa.replies()
    runtime.clock.advance(days=1)
    assert calls(runtime) == 0  # 26 November: the last two weeks start on the 27th
    runtime.clock.advance(days=1)
    assert calls(runtime) == 2
    called = await lan.replies()
    assert "• Hoàn thành tốt nhiệm vụ (cả phong trào)" in lan.texts(called)
    assert "Chấp hành kỷ luật lao động" not in lan.texts(called)  # the evaluator's
    await lan.tap("Báo cáo ngay")
    await lan.tap("Có")
    await lan.say("0")
    done = await lan.say("45")
    assert "• Số giờ học tập, bồi dưỡng (cả phong trào): 45 giờ / chỉ tiêu 40 giờ" in (
        lan.texts(done)
    )
    assert current(report_rows(runtime, "Nguyễn Thị Lan")) == {
        (tasks, "all"): 1,
        (initiatives, "all"): 0,
        (hours, "all"): 45,
    }
    await hoa.replies()

    runtime.clock.advance(days=11)  # 8 December
    assert calls(runtime) == 0
    runtime.clock.advance(days=1)  # 9 December, the campaign's last day but one
    assert calls(runtime) == 1
    reminded = hoa.texts(await hoa.replies())
    assert "Đến kỳ báo cáo kết quả thi đua trong phong trào “Danh hiệu năm 2026”" in reminded
    assert "quá hạn" not in reminded
    assert await lan.replies() == []
    await hoa.tap("Báo cáo ngay")
    await hoa.tap("Có")  # kept at once; the next question waits while the campaign ends

    runtime.clock.advance(days=2)  # 11 December: the campaign has ended
    policy = runtime.processor.config.delivery
    campaign_reminders(runtime.engine, runtime.clock, policy, runtime.catalogs)
    await hoa.replies()
    halfway = await hoa.say("2")
    assert "Phong trào này đã kết thúc, không nhận báo cáo nữa." in hoa.texts(halfway)
    late = await hoa.say("", payload=f"emu_rep:{campaign_id}:20261210")
    assert "Phong trào này đã kết thúc, không nhận báo cáo nữa." in hoa.texts(late)
    assert current(report_rows(runtime, "Lê Thị Hoa")) == {(tasks, "all"): 1}
