"""Titles at the final review, for people, on the officer desk (issue #17): a campaign from
the individual titles template; Hoa pledges to be a grassroots emulation fighter, then the
hours criterion is changed (her pledge keeps its version); Lan and Hoa report over the web
chat; the campaign ends; the Minh Phát officer runs thidua's proposals from the desk (Hoa is
proposed, Lan meets nothing, and the titles nobody meets say so); Lan uses /forget and can no
longer be added; the officer takes a form off the list and changes a title, each with a
reason; an officer of another union is refused; the list is confirmed once, Hoa is told of
her title on the web chat (not of the form taken off), it is in her /mydata, the council's
XLSX is downloaded and read; Hoa then uses /forget, and her confirmed title stays, as a
former member's."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal

import httpx
import pytest
from openpyxl import load_workbook
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core.campaigns.scope import Actor
from core.commendations.models import Commendation, CommendedMember
from core.emulation import criteria, pledges
from core.emulation.models import EmulationCriterion
from core.emulation.title_models import TitleChange, TitleDefinition, TitleProposal
from core.emulation.titles import Title
from core.members.models import Member
from scheduler.jobs import campaign_reminders
from tests.browser.support import (  # noqa: F401  (fixtures)
    client,
    csrf_of,
    post_form,
    settings,
    signed_in_officer,
)
from tests.e2e.campaign_support import HUNG_THINH, MINH_PHAT, load_demo, member, member_id
from tests.e2e.progress_support import calls
from tests.e2e.test_emulation_once import once_campaign

pytestmark = pytest.mark.anyio


async def reported_and_closed(client: httpx.AsyncClient, runtime: Runtime):  # type: ignore[no-untyped-def]  # noqa: F811
    """The once-only campaign of Minh Phát with Lan's and Hoa's reports, ended and closed."""
    data = load_demo(runtime)
    lan = await member(client, runtime, code="CDCSTN33", name="Nguyễn Thị Lan")
    hoa = await member(client, runtime, code="CDCSTN33", name="Lê Thị Hoa")
    campaign_id, (_tasks, initiatives, hours, _discipline) = once_campaign(
        runtime, data.officer_of[MINH_PHAT]
    )
    with Session(runtime.engine) as session, session.begin():  # Hoa pledged (by chat elsewhere)
        person = session.get(Member, member_id(runtime, "Lê Thị Hoa"))
        pledges.save(
            session,
            member=person,  # type: ignore[arg-type]
            campaign_id=campaign_id,
            title=Title.FIGHTER,
            targets={initiatives: Decimal(2), hours: Decimal(50)},
            now=runtime.clock.now(),
            timezone="Asia/Ho_Chi_Minh",
        )
    with Session(runtime.engine) as session, session.begin():  # criteria changed after pledges
        row = session.get(EmulationCriterion, hours)
        changed = replace(criteria.input_of(row), target=Decimal(45))  # type: ignore[arg-type]
        actor = Actor.officer(data.officer_of[MINH_PHAT])
        criteria.edit(
            session, actor=actor, criterion_id=hours, data=changed, now=runtime.clock.now()
        )
    await lan.replies()
    await hoa.replies()
    runtime.clock.advance(days=2)  # 27 November: the once-only period opens
    assert calls(runtime) == 2
    await lan.replies()
    await hoa.replies()
    for user, initiatives_done, hours_done in ((lan, "0", "45"), (hoa, "2", "52")):
        await user.tap("Báo cáo ngay")
        await user.tap("Có")
        asked = await user.say(initiatives_done)
        if "minh chứng" in user.texts(asked):
            await user.tap("Gửi ảnh sau")
        answer = await user.say(hours_done)
        assert "(cả phong trào)" in user.texts(answer)
    runtime.clock.advance(days=14)  # 11 December: the campaign has ended and closes
    policy = runtime.processor.config.delivery
    campaign_reminders(runtime.engine, runtime.clock, policy, runtime.catalogs)
    return data, campaign_id, lan, hoa


async def test_people_proposed_amended_confirmed_and_exported(
    client: httpx.AsyncClient,  # noqa: F811
    runtime: Runtime,
):
    data, campaign_id, lan, hoa = await reported_and_closed(client, runtime)
    web, _officer_chat = await signed_in_officer(client, runtime, data, MINH_PHAT)
    page_url = f"/web/campaigns/{campaign_id}/titles"
    before = await web.get(page_url)
    assert "thidua chưa đề xuất danh hiệu cho phong trào này." in before.text
    proposed = await post_form(web, page_url, f"{page_url}/propose", {})
    assert proposed.status_code == 303, proposed.text
    page = (await web.get(page_url)).text
    listed = page.split('id="proposals"')[1].split("Bổ sung vào danh sách")[0]
    assert "Lê Thị Hoa" in listed and "Nguyễn Thị Lan" not in listed
    with Session(runtime.engine) as session:
        rows = session.exec(select(TitleProposal).order_by(col(TitleProposal.id))).all()
        assert [(r.name, r.form, r.level, r.status) for r in rows] == [
            ("Chiến sĩ thi đua cơ sở", "title", "grassroots", "proposed"),
            (
                "Giấy khen của Ban Chấp hành Công đoàn cơ sở",
                "certificate",
                "grassroots",
                "proposed",
            ),
        ]
        # her own targets, kept on the version of the hours criterion she pledged under (the
        # campaign's target became 45 since): 2 of 2 initiatives, 52 of 50 hours
        assert rows[0].score == Decimal("100.5")
        titles = {d.name: d.id for d in session.exec(select(TitleDefinition))}
    # the person's Bằng khen of the province: nobody reaches 110 %
    assert (
        "Không ai đạt “Bằng khen của Liên đoàn Lao động tỉnh” (Liên đoàn Lao động tỉnh, thành "
        "phố hoặc tương đương): đạt ít nhất 110% số điểm; hoàn thành mọi chỉ tiêu đã đăng ký; "
        "đã đăng ký “Chiến sĩ thi đua cơ sở” hoặc cao hơn." in page
    )

    # Lan leaves with /forget: she is no candidate any more, and cannot be added
    await lan.say("/forget")
    await lan.tap("privacy:forget_yes")
    with Session(runtime.engine) as session:
        lan_id = session.exec(select(Member.id).where(col(Member.forgotten_at).is_not(None))).one()
    refused = await post_form(
        web,
        page_url,
        f"{page_url}/add",
        {"candidate": f"m:{lan_id}", "title": titles["Lao động giỏi"], "reason": "Tích cực"},
    )
    assert refused.status_code == 404

    # Hoa's certificate is taken off the list, her title lowered, each with a reason
    cert = rows[1].id
    no_reason = await post_form(web, page_url, f"{page_url}/{cert}/remove", {"reason": "  "})
    assert no_reason.status_code == 422
    assert "Bạn ghi lý do thay đổi (từ 1 đến 500 ký tự)." in no_reason.text
    removed = await post_form(
        web, page_url, f"{page_url}/{cert}/remove", {"reason": "Đã nhận Giấy khen quý III"}
    )
    assert removed.status_code == 303
    changed = await post_form(
        web,
        page_url,
        f"{page_url}/{rows[0].id}/change",
        {"title": titles["Lao động giỏi"], "reason": "Chưa đủ thời gian công tác"},
    )
    assert changed.status_code == 303
    page = (await web.get(page_url)).text
    assert "đổi danh hiệu từ “Chiến sĩ thi đua cơ sở” sang “Lao động giỏi”" in page
    assert "Lý do: Chưa đủ thời gian công tác" in page

    # an officer of another union cannot see or amend this campaign's list
    other, _chat = await signed_in_officer(client, runtime, data, HUNG_THINH)
    assert (await other.get(page_url)).status_code == 404
    home = await other.get("/web/")
    outside = await other.post(
        f"{page_url}/{rows[0].id}/remove", data={"reason": "x", "csrf": csrf_of(home.text)}
    )
    assert outside.status_code == 404

    confirmed = await post_form(web, page_url, f"{page_url}/confirm", {})
    assert confirmed.status_code == 303
    home = await web.get("/web/")
    again = await web.post(f"{page_url}/confirm", data={"csrf": csrf_of(home.text)})
    assert again.status_code == 422  # the desk answers every refusal on the page itself
    assert "Danh sách danh hiệu của phong trào này đã được xác nhận" in again.text
    with Session(runtime.engine) as session:
        hoa_id = member_id(runtime, "Lê Thị Hoa")
        (item,) = session.exec(
            select(Commendation)
            .join(CommendedMember, col(CommendedMember.commendation_id) == Commendation.id)
            .where(CommendedMember.member_id == hoa_id)
        ).all()
        assert (item.status, item.form, item.issuing_level) == ("approved", "title", "grassroots")
        assert item.reason == ("Lao động giỏi (Công đoàn cơ sở), phong trào “Danh hiệu năm 2026”")
        assert len(session.exec(select(TitleChange)).all()) == 2
    told = hoa.texts(await hoa.replies())  # told in the confirming transaction
    assert (
        "Chúc mừng bạn! Công đoàn Công ty TNHH Cơ khí Minh Phát đã xác nhận bạn đạt “Lao động "
        "giỏi” (cấp khen: Công đoàn cơ sở) trong phong trào “Danh hiệu năm 2026”. Danh sách đã "
        "xác nhận được chuyển đến Hội đồng thi đua – khen thưởng."
    ) in told
    assert "Giấy khen" not in told  # taken off the list: not told
    mine = hoa.texts(await hoa.say("/mydata"))
    assert "Lao động giỏi (Công đoàn cơ sở), phong trào “Danh hiệu năm 2026”" in mine
    listed = (await web.get("/web/commendations?status=approved")).text
    assert f'id="c{item.id}"' in listed
    assert "Danh hiệu thi đua · cấp khen: Công đoàn cơ sở" in listed.split(f'id="c{item.id}"')[1]

    book = await web.get(f"{page_url}.xlsx")
    assert book.status_code == 200
    values = list(load_workbook(io.BytesIO(book.content)).active.iter_rows(values_only=True))
    assert values[4] == (
        1,
        "Lê Thị Hoa",
        "Công đoàn Công ty TNHH Cơ khí Minh Phát",
        "Lao động giỏi",
        "Công đoàn cơ sở",
        "Đạt 100,5% số điểm; hoàn thành mọi chỉ tiêu đã đăng ký; xếp thứ 1/2 trong Công đoàn "
        "Công ty TNHH Cơ khí Minh Phát",
        "Đổi từ “Chiến sĩ thi đua cơ sở”: Chưa đủ thời gian công tác",
    )
    assert len(values) == 6  # the heading, the table, and the one nobody meets
    assert values[5][1].startswith("Không ai đạt “Bằng khen của Liên đoàn Lao động tỉnh”")

    # Hoa uses /forget after the list is confirmed: her record stays, as a former member's
    await hoa.say("/forget")
    await hoa.tap("privacy:forget_yes")
    page = (await web.get(page_url)).text
    assert "Cựu đoàn viên" in page and "Lê Thị Hoa" not in page
    book = await web.get(f"{page_url}.xlsx")
    row = list(load_workbook(io.BytesIO(book.content)).active.iter_rows(values_only=True))[4]
    assert row[1] == "Cựu đoàn viên" and row[3] == "Lao động giỏi"
    assert row[6].startswith("Cựu đoàn viên: dữ liệu cá nhân đã được xóa theo yêu cầu")
    with Session(runtime.engine) as session:
        assert session.get(Commendation, item.id) is not None
        kept = session.exec(
            select(TitleProposal)
            .where(TitleProposal.member_id == hoa_id)
            .order_by(col(TitleProposal.id))
        ).all()
        assert [(p.name, p.status, p.commendation_id) for p in kept] == [
            ("Lao động giỏi", "confirmed", item.id),
            ("Giấy khen của Ban Chấp hành Công đoàn cơ sở", "removed", None),
        ]
