"""Progress by chat on a criterion where lower is better (workplace accidents, at most 1 a
month): a member with none sees it met, not "0 %"; one with three sees by how much they are
above the maximum. Through the web chat, from the scheduler's call to the progress shown."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from bots.bootstrap import Runtime
from core.emulation.rules import CriterionInput
from core.emulation.scoring import Kind
from core.emulation.templates import Frequency, Reporter
from tests.e2e.campaign_support import MINH_PHAT, load_demo, member
from tests.e2e.progress_support import HOURS, calls, running_campaign

pytestmark = pytest.mark.anyio
ACCIDENTS = CriterionInput(
    name="Tai nạn lao động",
    kind=Kind.NUMBER,
    points=Decimal(20),
    reporter=Reporter.MEMBER,
    frequency=Frequency.MONTHLY,
    measure="vụ",
    target=Decimal(1),
    lower_is_better=True,
)


async def test_no_accident_is_met_and_three_are_two_above_the_maximum(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    data = load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    binh = await member(client, runtime, name="Trần Văn Bình")
    running_campaign(runtime, data.officer_of[MINH_PHAT], rows=(HOURS, ACCIDENTS))
    runtime.clock.advance(days=3)  # 28 November: the month's report opens
    assert calls(runtime) == 2

    await lan.replies()
    await lan.tap("Báo cáo ngay")
    await lan.say("12")
    shown = lan.texts(await lan.say("0"))
    assert "• Giờ học tập (tháng 11/2026): 12 giờ / chỉ tiêu 10 giờ (120%)" in shown
    assert "• Tai nạn lao động (tháng 11/2026): 0 vụ / tối đa 1 vụ (đạt)" in shown
    assert "(0%)" not in shown

    await binh.replies()
    await binh.tap("Báo cáo ngay")
    await binh.say("10")
    shown = binh.texts(await binh.say("3"))
    assert (
        "• Tai nạn lao động (tháng 11/2026): 3 vụ / tối đa 1 vụ "
        "(vượt 2 vụ so với mức tối đa)" in shown
    )
