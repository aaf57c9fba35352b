"""The officers' report in chat, and the unit's announcement of accepted initiatives that
respects the authors' choice to stay unnamed."""

from __future__ import annotations

import httpx
import pytest

from bots.bootstrap import Runtime
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, load_demo, member, member_id, officer
from tests.e2e.initiative_support import reward_table, sent_initiative

pytestmark = pytest.mark.anyio


async def test_announcements_and_report(client: httpx.AsyncClient, runtime: Runtime) -> None:
    data = load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    hung = await member(client, runtime, name="Trần Văn Hùng")
    reviewer = await officer(client, runtime, data, MINH_PHAT, english=False)
    elsewhere = await officer(client, runtime, data, HUNG_THINH, english=False)
    reward_table(runtime, MINH_PHAT)
    _named, named_code = sent_initiative(runtime, member_id(runtime, "Nguyễn Thị Lan"))
    _hidden, hidden_code = sent_initiative(
        runtime,
        member_id(runtime, "Trần Văn Hùng"),
        title="Tái sử dụng khay nhựa",
        benefit=60_000_000,
        hide_name=True,
    )
    await lan.replies()
    await hung.replies()
    await reviewer.replies()

    queue = await reviewer.say("/initiatives")
    assert named_code in reviewer.texts(queue) and hidden_code in reviewer.texts(queue)
    for code in (named_code, hidden_code):
        await reviewer.say("/initiatives")
        await reviewer.tap(code)
        await reviewer.tap("Công nhận")
        await reviewer.tap("Đồng ý, công nhận và trả thưởng")

    heard = hung.texts(await hung.replies())
    assert f"Tin vui: sáng kiến {named_code}" in heard and "Nguyễn Thị Lan" in heard
    lan_heard = lan.texts(await lan.replies())
    hidden_news = next(line for line in lan_heard.splitlines() if hidden_code in line)
    assert "một đoàn viên của công đoàn" in hidden_news and "Trần Văn Hùng" not in hidden_news

    report = reviewer.texts(await reviewer.say("/report_initiatives"))
    assert "Sáng kiến đã gửi: 2" in report
    assert "84.000.000" in report  # 24 + 60 million accepted benefit
    assert "7.000.000" in report  # 2 + 5 million rewards
    again = await reviewer.say("/initiatives")
    button = reviewer.texts(await reviewer.tap("Báo cáo tháng này"))
    assert "Sáng kiến đã gửi: 2" in button and again
    assert "Sáng kiến đã gửi: 0" in elsewhere.texts(await elsewhere.say("/report_initiatives"))
    assert "Sáng kiến đã gửi: 0" in reviewer.texts(
        await reviewer.say("/report_initiatives 2026-10")
    )
    bad = await reviewer.say("/report_initiatives tháng 11")
    assert "NNNN-TT" in reviewer.texts(bad)
    refused = await lan.say("/report_initiatives")
    assert "Chỉ cán bộ công đoàn" in lan.texts(refused)
