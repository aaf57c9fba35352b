"""Evaluation by chat (issue #17) through real adapter paths: when November's period opens,
the zone union's two evaluators (one on the web chat, one on the Zalo Bot, typing numbers)
each get one message listing the block's unions awaiting points; they score by tapping and by
typing, bad figures answered (words, above the criterion's points); both score the same union
at once: the later is told the other's points and saves nothing until they type theirs again
with a reason; a union's self-reported October figure is verified and another adjusted with a
reason. The province's officer (above the level above) and an enterprise union's officer are
refused as evaluators, the latter reads the block's ranking with /ranking; a closed campaign
takes no more evaluations (chat and admin API). Rows are checked in the database."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/e2e/test_zalobot.py)

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import Session, select

from core.campaigns import service as campaigns
from core.campaigns.scope import Actor
from core.emulation.buttons import EvalUnit
from core.emulation.models import EmulationCriterion
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, PROVINCE, ZONE, officer
from tests.e2e.eval_support import (
    BLOCK,
    eval_calls,
    evaluation_rows,
    make_zone_officer,
    scored_block,
)
from tests.e2e.test_api_campaigns import bearer, token_for
from tests.e2e.test_zalobot import Build, build, fake  # noqa: F401  (fixtures)
from tests.e2e.test_zalobot_typed import join, number
from tests.fakes.zalo_bot import FakeZaloBot, ZaloBotUser

pytestmark = pytest.mark.anyio
MP = "Công đoàn Công ty TNHH Cơ khí Minh Phát"
HT = "Công đoàn Công ty TNHH Giày da Hưng Thịnh Việt Nam"
NOV, OCT = "2026-11", "2026-10"


async def test_two_evaluators_score_by_chat(build: Build, fake: FakeZaloBot):
    runtime, client = await build()
    data, campaign_id, culture, block_id = scored_block(runtime)
    web = await officer(client, runtime, data, ZONE, english=False)
    zalo = ZaloBotUser(client, runtime, fake, "5e4f302112039a8b7c6d")
    await join(zalo, "Phạm Văn Đức")
    duc = make_zone_officer(runtime, "Phạm Văn Đức")
    await web.replies()

    # 25 November: November opens on the 28th
    assert eval_calls(runtime) == 0
    runtime.clock.advance(days=3)
    assert eval_calls(runtime) == 2
    assert eval_calls(runtime) == 0  # once a period
    called = web.texts(await web.replies())
    assert "Đến kỳ chấm điểm các đơn vị trong cụm, khối thi đua của bạn" in called
    assert f"«{BLOCK}», phong trào" in called and "tháng 11/2026" in called
    assert f"• {MP}: tiêu chí cần chấm điểm: 1" in called
    assert f"• {HT}: tiêu chí cần chấm điểm: 1" in called
    zalo_called = await zalo.replies()
    assert f"1. Chấm «{BLOCK}»" in zalo.texts(zalo_called)

    # the web chat officer taps through Minh Phát, bad input answered on the way
    units = await web.tap(f"Chấm «{BLOCK}»")
    assert "Các đơn vị đang chờ bạn chấm" in web.texts(units)
    asked = await web.tap(f"{MP} (1)")
    assert "(1/1) " + MP + ": Văn hóa, thể thao và hoạt động công đoàn, tháng 11/2026" in web.texts(
        asked
    )
    assert "Gõ số điểm chấm, từ 0 đến 10." in web.texts(asked)
    assert "Bạn gõ số điểm bằng chữ số" in web.texts(await web.say("tốt"))
    assert "Điểm chấm không được cao hơn điểm của tiêu chí" in web.texts(await web.say("15"))
    done = web.texts(await web.say("8,5"))
    assert "Đã lưu: 8,5 điểm." in done and f"Đã chấm xong {MP}" in done
    assert f"• {HT}: tiêu chí cần chấm điểm: 1" in done and f"• {MP}" not in done

    # both open Hưng Thịnh at once; the web officer saves first
    zalo_asked = await zalo.say(number(zalo_called, f"Chấm «{BLOCK}»"))
    zalo_q = await zalo.say(number(zalo_asked, f"{HT} (1)"))
    assert "Gõ số điểm chấm, từ 0 đến 10." in zalo.texts(zalo_q)
    assert "Gõ «bỏ qua» để để lại tiêu chí này" in zalo.texts(zalo_q)
    await web.tap(f"{HT} (1)")
    assert "Đã lưu: 7 điểm." in web.texts(await web.say("7"))
    clash = zalo.texts(await zalo.say("9"))
    assert "Một người chấm khác đã lưu số liệu này trước: 7 điểm, do" in clash
    assert "Số của bạn (9 điểm) chưa được lưu" in clash
    assert "Đang tính: 7 điểm" in clash
    reason = zalo.texts(await zalo.say("9"))
    assert "Bạn sửa 7 điểm thành 9 điểm. Bạn gõ lý do" in reason
    assert "Bạn ghi lý do trong vài chữ" in zalo.texts(await zalo.say("ok"))
    saved = zalo.texts(await zalo.say("Đã tổ chức hội thao cho toàn công ty"))
    assert "Đã lưu: 9 điểm." in saved
    assert f"Mọi đơn vị của «{BLOCK}» đã được chấm trong kỳ này" in saved
    rows = [e for e in evaluation_rows(runtime) if e.period == NOV]
    assert [(e.unit_id, e.value, e.evaluated_by, e.reason) for e in rows] == [
        (MINH_PHAT, Decimal("8.5"), data.officer_of[ZONE], ""),
        (HUNG_THINH, Decimal(7), data.officer_of[ZONE], ""),
        (HUNG_THINH, Decimal(9), duc, "Đã tổ chức hội thao cho toàn công ty"),
    ]
    assert rows[2].previous_id == rows[1].id

    # October: Minh Phát's own figures verified or adjusted, with a reason
    listed = await web.say("/evaluate")
    assert "tháng 10/2026: " + BLOCK in [b["label"] for m in listed for b in m["buttons"]]
    await web.tap("tháng 10/2026: " + BLOCK)
    first = await web.tap(f"{MP} (4)")
    assert "(1/4) " + MP + ": Văn hóa, thể thao và hoạt động công đoàn" in web.texts(
        first
    )  # points first
    output = await web.say("10")
    assert "Đơn vị tự báo cáo: 104 % kế hoạch." in web.texts(output)  # output against plan
    verified = await web.tap("Xác nhận 104 % kế hoạch")
    assert "Đã xác nhận: 104 % kế hoạch." in web.texts(verified)
    asked_reason = await web.say("1,5")  # the defect rate: 1.8 % reported
    assert "Bạn sửa 1,8 % sản phẩm thành 1,5 % sản phẩm" in web.texts(asked_reason)
    await web.say("Số liệu QC tháng 10 của công ty là 1,5 %")
    stopped = await web.tap("Dừng chấm")
    assert "Đã dừng" in web.texts(stopped)
    october = [(e.unit_id, e.value, e.self_value, e.reason) for e in evaluation_rows(runtime)]
    assert october[-3:] == [
        (MINH_PHAT, Decimal(10), None, ""),
        (MINH_PHAT, Decimal(104), Decimal(104), ""),
        (MINH_PHAT, Decimal("1.5"), Decimal("1.8"), "Số liệu QC tháng 10 của công ty là 1,5 %"),
    ]

    # outside the level above: the province's officer and an enterprise union's
    province = await officer(client, runtime, data, PROVINCE, english=False)
    refused = province.texts(await province.say("/evaluate"))
    assert "Chỉ cán bộ của công đoàn cấp trên lập cụm, khối thi đua mới chấm điểm" in refused
    tapped = await province.say(payload=EvalUnit(block_id, campaign_id, 20261130, MINH_PHAT).pack())
    assert "Chỉ cán bộ của công đoàn cấp trên lập cụm, khối này mới được chấm" in province.texts(
        tapped
    )
    grassroots = await officer(client, runtime, data, MINH_PHAT, english=False)
    assert "Chỉ cán bộ của công đoàn cấp trên" in grassroots.texts(
        await grassroots.say("/evaluate")
    )
    ranking = grassroots.texts(await grassroots.say("/ranking"))
    assert f"Bảng xếp hạng «{BLOCK}»" in ranking and "tháng 11/2026" in ranking
    mine = next(line for line in ranking.splitlines() if MP in line)
    assert mine.endswith("←")

    # closed: no more evaluations, by chat nor through the admin API
    with Session(runtime.engine) as session, session.begin():
        campaigns.close(
            session,
            actor=Actor.officer(data.officer_of[ZONE]),
            campaign_id=campaign_id,
            now=runtime.clock.now(),
        )
    assert "Hiện không có gì chờ bạn chấm" in web.texts(await web.say("/evaluate"))
    late = await web.say(payload=EvalUnit(block_id, campaign_id, 20261130, MINH_PHAT).pack())
    assert "Phong trào đã kết thúc: bảng xếp hạng là kết quả cuối cùng" in web.texts(late)
    token = token_for(runtime, data.officer_of[ZONE])
    with Session(runtime.engine) as session:
        output = session.exec(
            select(EmulationCriterion).where(
                EmulationCriterion.campaign_id == campaign_id, EmulationCriterion.position == 1
            )
        ).first()
    assert output is not None
    answer = await client.post(
        f"/api/v1/blocks/{block_id}/evaluations",
        headers=bearer(token),
        json={
            "campaign_id": campaign_id,
            "due_on": "2026-10-31",
            "unit_id": HUNG_THINH,
            "criterion_id": output.id,
            "value": "99",
            "reason": "muộn",
            "version": 0,
        },
    )
    assert (answer.status_code, answer.json()) == (409, {"error": "evaluation_closed"})
    assert culture in {e.criterion_id for e in evaluation_rows(runtime)}
