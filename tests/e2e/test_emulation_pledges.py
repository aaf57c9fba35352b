"""Pledges (đăng ký thi đua) through real adapter paths: a campaign from the individual titles
template is launched; the scheduler's call reaches a Telegram worker (signed webhook in, the
fake Bot API out) and two web chat workers; each registers a title and targets by typing or
tapping, with a bad figure refused and asked again; an edit of a criterion after that makes
a new version that the first pledge keeps out of; the reminder reaches only the one who has
not registered, held through quiet hours; after the deadline nobody registers."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/fakes/telegram_fixtures.py)

from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx
import pytest
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core.campaigns import service as campaigns
from core.campaigns.scope import Actor
from core.emulation import criteria, pledges
from core.emulation.buttons import StartPledge
from core.emulation.models import EmulationCriterion, EmulationPledge, PledgeCall
from core.members.models import Member
from scheduler.emulation import pledge_calls
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, load_demo, member
from tests.e2e.progress_support import launched_campaign
from tests.e2e.test_api_campaigns import bearer, token_for
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_fixtures import (  # noqa: F401  (fixtures)
    TelegramChat,
    fake,
    fake_url,
    tg_client,
    tg_runtime,
    tg_settings,
)

pytestmark = pytest.mark.anyio


def launch_with_criteria(runtime: Runtime, officer: int) -> tuple[int, list[int]]:
    return launched_campaign(
        runtime,
        officer,
        title="Thi đua lao động giỏi 2026",
        dates=(date(2026, 11, 25), date(2026, 12, 31)),
        rows="individual_titles",
        text="Phát động phong trào thi đua lao động giỏi 2026!",
    )


def calls(runtime: Runtime) -> int:
    policy = runtime.processor.config.delivery
    return pledge_calls(runtime.engine, runtime.clock, policy, runtime.catalogs)


def pledge_rows(runtime: Runtime) -> dict[str, tuple[str, dict[int, Decimal]]]:
    with Session(runtime.engine) as session:
        found = {}
        for pledge, person in session.exec(
            select(EmulationPledge, Member).join(
                Member, col(Member.id) == EmulationPledge.member_id
            )
        ):
            targets = pledges.targets_of(session, pledge_id=pledge.id)  # type: ignore[arg-type]
            found[person.full_name or ""] = (pledge.title, targets)
        return found


async def test_pledges_by_telegram_and_the_web_chat(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
) -> None:
    runtime = tg_runtime
    data = load_demo(runtime)
    lan = TelegramChat(fake, tg_client, runtime, fake.user(401, "Lan", language_code="vi"))
    for typed in (
        "/start CDCSTN33",
        "dong y",
        "co, gui cho toi",
        "co, hien ten toi",
        "Nguyễn Thị Lan",
        "có",  # the name shown back is right
        "4",
        "khong",
        "1",
    ):
        await lan.say(typed)
    binh = await member(tg_client, runtime, code="CDCSTN33", name="Trần Văn Bình")
    hoa = await member(tg_client, runtime, code="CDCSTN33", name="Lê Thị Hoa")
    campaign_id, (_tasks, initiatives, hours, _discipline) = launch_with_criteria(
        runtime, data.officer_of[MINH_PHAT]
    )
    await lan.replies()
    await binh.replies()
    await hoa.replies()  # the launch announcement

    assert calls(runtime) == 3  # the three on a messenger; the demo's others have none
    assert calls(runtime) == 0  # invited once
    invited = await lan.replies()
    assert "đang nhận đăng ký thi đua đến hết ngày" in lan.texts(invited)
    assert lan.labels(invited) == ["Đăng ký thi đua"]

    # Telegram, typing: the title by its number, a bad figure, a figure, a kept target
    titles = await lan.tap("Đăng ký thi đua")
    assert lan.labels(titles)[:3] == [
        "Lao động giỏi",
        "Chiến sĩ thi đua cơ sở",
        "Tham gia, không đăng ký danh hiệu",
    ]
    first = await lan.say("2")
    assert "Chỉ tiêu của bạn cho “Sáng kiến được công nhận” (1/2)" in lan.texts(first)
    refused = await lan.say("hai cái")
    assert "Vui lòng nhập một con số" in lan.texts(refused)
    assert "(1/2)" in lan.texts(refused)
    second = await lan.say("2")
    assert "“Số giờ học tập, bồi dưỡng” (2/2)" in lan.texts(second)
    summary = await lan.say("theo chi tieu chung")
    assert "Danh hiệu đăng ký: Chiến sĩ thi đua cơ sở" in lan.texts(summary)
    assert "40 giờ" in lan.texts(summary)
    done = await lan.say("1")
    assert "Bạn đã đăng ký thi đua thành công" in lan.texts(done)
    assert pledge_rows(runtime)["Nguyễn Thị Lan"] == (
        "fighter",
        {initiatives: Decimal(2), hours: Decimal(40)},
    )

    # the web chat, tapping; 1,5 is one and a half, 1.000 a thousand
    assert "đang nhận đăng ký thi đua" in binh.texts(await binh.replies())
    await binh.tap("Đăng ký thi đua")
    await binh.tap("Lao động giỏi")
    await binh.say("1,5")
    await binh.say("1.000")
    confirmed = await binh.tap("Xác nhận đăng ký")
    assert "Bạn đã đăng ký thi đua thành công" in binh.texts(confirmed)
    assert pledge_rows(runtime)["Trần Văn Bình"] == (
        "good_worker",
        {initiatives: Decimal("1.5"), hours: Decimal(1000)},
    )

    # the campaign's hours change: Bình registers again under the new version; Lan's stays
    with Session(runtime.engine) as session, session.begin():
        actor = Actor.officer(data.officer_of[MINH_PHAT])
        row = session.get(EmulationCriterion, hours)
        assert row is not None
        change = criteria.input_of(row)
        new_hours = criteria.edit(
            session,
            actor=actor,
            criterion_id=hours,
            data=type(change)(**{**change.__dict__, "target": Decimal(60)}),
            now=runtime.clock.now(),
        ).id
    await binh.say("/pledge")
    await binh.tap("Thi đua lao động giỏi 2026")
    await binh.tap("Lao động giỏi")
    await binh.tap("Theo chỉ tiêu chung")
    kept = await binh.tap("Theo chỉ tiêu chung")
    assert "60 giờ" in binh.texts(kept)
    await binh.tap("Xác nhận đăng ký")
    rows = pledge_rows(runtime)
    assert rows["Trần Văn Bình"][1] == {initiatives: Decimal(1), new_hours: Decimal(60)}
    assert rows["Nguyễn Thị Lan"][1] == {initiatives: Decimal(2), hours: Decimal(40)}

    # the reminder, two days before the deadline, at 22:00 in Hà Nội: only Hoa, after 07:00
    with Session(runtime.engine) as session:
        call = session.get(PledgeCall, campaign_id)
        assert call is not None and call.deadline == date(2026, 12, 9)
    runtime.clock.advance(days=12, hours=12)  # 2026-12-07 15:00 UTC, 22:00 local
    assert "đang nhận đăng ký" in hoa.texts(await hoa.replies())  # the invitation, read late
    assert calls(runtime) == 1
    assert calls(runtime) == 0
    assert await hoa.replies() == []
    runtime.clock.advance(hours=9)  # 07:00 local the next morning
    reminded = await hoa.replies()
    assert "bạn chưa đăng ký thi đua trong phong trào “Thi đua lao động giỏi 2026”" in hoa.texts(
        reminded
    )
    assert await lan.replies() == [] and await binh.replies() == []
    with Session(runtime.engine) as session:
        seen = pledges.registration(
            session, actor=Actor.officer(data.officer_of[MINH_PHAT]), campaign_id=campaign_id
        )
        assert [m.full_name for _p, m in seen.pledges] == ["Nguyễn Thị Lan", "Trần Văn Bình"]
        assert "Lê Thị Hoa" in [m.full_name for m in seen.missing]
        hoa_id = session.exec(select(Member.id).where(Member.full_name == "Lê Thị Hoa")).one()
    officer = bearer(token_for(runtime, data.officer_of[MINH_PHAT]))
    listed = await tg_client.get(f"/api/v1/campaigns/{campaign_id}/pledges", headers=officer)
    body = listed.json()
    assert listed.status_code == 200 and body["deadline"] == "2026-12-09"
    assert [(p["name"], p["title"]) for p in body["pledges"]] == [
        ("Nguyễn Thị Lan", "fighter"),
        ("Trần Văn Bình", "good_worker"),
    ]
    assert body["pledges"][0]["targets"] == {str(initiatives): "2", str(hours): "40"}
    assert hoa_id in body["not_registered"]
    other = bearer(token_for(runtime, data.officer_of[HUNG_THINH]))
    refused = await tg_client.get(f"/api/v1/campaigns/{campaign_id}/pledges", headers=other)
    assert refused.status_code == 403

    # after the deadline, registering is refused and nothing changes
    runtime.clock.advance(days=2)
    late = await hoa.tap("Đăng ký thi đua")
    assert "Phong trào này đã hết hạn đăng ký thi đua" in hoa.texts(late)
    none = await lan.say("/pledge")
    assert "Hiện không có phong trào nào" in lan.texts(none)
    assert "Lê Thị Hoa" not in pledge_rows(runtime)

    # the campaign closed, its call's button still in the chat: registration closed, not unknown
    with Session(runtime.engine) as session, session.begin():
        campaigns.close(
            session,
            actor=Actor.officer(data.officer_of[MINH_PHAT]),
            campaign_id=campaign_id,
            now=runtime.clock.now(),
        )
    ended = await hoa.say("Đăng ký thi đua", payload=StartPledge(campaign_id).pack())
    assert "Phong trào này đã hết hạn đăng ký thi đua" in hoa.texts(ended)
