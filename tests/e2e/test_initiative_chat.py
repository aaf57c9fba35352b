"""Initiatives over the web chat: submission with a draft resumed on a linked session, the
review by an officer (info request, answer, acceptance), the reward and the ledger once."""

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core import demo
from core import initiatives as service
from core.campaigns.scope import Actor
from core.initiatives.buttons import Benefit, Category, Coauthor, Draft, DraftAction
from core.initiatives.models import Initiative, InitiativeAttachment, InitiativeEvent
from core.initiatives.rules import Band, BenefitKind
from core.members.models import Identity, Member, OfficerRole, UnionUnit
from core.messages import Attachment, IncomingMessage
from core.points.models import MemberScore, PointsEntry
from tests.e2e.progress_support import running_campaign
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio
UNIT = "Công đoàn Công ty TNHH Cơ khí Minh Phát"


@pytest.fixture
def demo_data(runtime: Runtime) -> None:
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())
        unit = session.exec(select(UnionUnit).where(UnionUnit.name == UNIT)).one()
        officer_id = session.exec(
            select(OfficerRole.member_id).where(OfficerRole.unit_id == unit.id)
        ).one()
        service.set_reward_table(
            session,
            actor=Actor.officer(officer_id),
            unit_id=unit.id,  # type: ignore[arg-type]
            effective_from=date(2026, 1, 1),
            bands=[
                Band(0, 10_000_000, 500_000, 10),
                Band(10_000_000, 50_000_000, 2_000_000, 31),
                Band(50_000_000, None, 5_000_000, 80),
            ],
            vnd_per_hour=50_000,
            now=runtime.clock.now(),
        )


async def join(user: ChatUser, name: str, code: str = "CDCSTN33") -> None:
    await user.say("/start")
    await user.say(code)
    await user.tap("onb_ok:1")
    await user.tap("onb_pur:announcements:1")
    await user.tap("onb_pur:public_name:1")
    await user.say(name)
    await user.tap("onb_name:1")  # «Đúng»: the name shown back is right
    await user.tap("onb_group:direct_worker")
    await user.tap("onb_lead:0")
    await user.tap("onb_lang:vi")


async def officer_chat(client: httpx.AsyncClient, runtime: Runtime, unit: str = UNIT) -> ChatUser:
    """The demo officer of a unit, on a web chat session (as `/link` of a claim code would)."""
    user = await ChatUser(client, runtime).open()
    with Session(runtime.engine) as session, session.begin():
        unit_id = session.exec(select(UnionUnit.id).where(UnionUnit.name == unit)).one()
        officer_id = session.exec(
            select(OfficerRole.member_id).where(OfficerRole.unit_id == unit_id)
        ).one()
        session.add(
            Identity(platform="webchat", platform_user_id=user.session, member_id=officer_id)
        )
    return user


async def send_photo(runtime: Runtime, user: ChatUser, attachment: Attachment) -> None:
    await runtime.accept(
        [
            IncomingMessage(
                platform="webchat",
                external_id=f"{user.session}:photo:{attachment.ref}",
                sender_id=user.session,
                received_at=runtime.clock.now(),
                attachments=(attachment,),
            )
        ]
    )
    await user.replies()


async def test_submit_review_accept_over_web_chat(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
) -> None:
    worker = await ChatUser(client, runtime).open()
    await join(worker, "Nguyễn Thị Lan")
    coworker = await ChatUser(client, runtime).open()
    await join(coworker, "Trần Văn Hùng")
    outsider = await ChatUser(client, runtime).open()
    await join(outsider, "Lê Thị Thu", code="CDCSFD44")
    officer = await officer_chat(client, runtime)

    first = await worker.tap("menu:initiative")
    assert "tên" in worker.texts(first).lower()
    await worker.say("Gá kẹp nhanh cho máy phay")
    await worker.say("Thay dao mất 20 phút mỗi lần")
    empty = await worker.say("   ")
    assert "Giải pháp không được để trống" in worker.texts(empty)
    await worker.say("Dùng gá kẹp cam thay bu lông")
    await worker.tap(Benefit(BenefitKind.MONEY).pack())
    bad = await worker.say("abc")
    assert "15000000" in worker.texts(bad)
    negative = await worker.say("-5000000")
    assert "15000000" in worker.texts(negative)

    # a pause; the draft lives in the database and is continued later
    await worker.tap(Draft(DraftAction.PAUSE).pack())
    await worker.say("/menu")
    phone = worker
    resumed = await phone.tap("menu:initiative")
    assert "Gá kẹp nhanh" in phone.texts(resumed)
    asked = await phone.tap(Draft(DraftAction.RESUME).pack())
    assert "15 triệu" in phone.texts(asked)
    await phone.say("24 triệu")

    big = Attachment(kind="image", ref="big-photo", name="x.jpg", mime="image/jpeg", size=50 << 20)
    await send_photo(runtime, phone, big)
    assert "MB" in phone.texts(phone.last)
    exe = Attachment(kind="file", ref="tool", name="setup.exe", size=1000)
    await send_photo(runtime, phone, exe)
    assert "chương trình" in phone.texts(phone.last).lower()
    photo = Attachment(kind="image", ref="photo-1", name="ga.jpg", mime="image/jpeg", size=900_000)
    await send_photo(runtime, phone, photo)
    await phone.tap(Draft(DraftAction.FILES_DONE).pack())

    await phone.tap(Draft(DraftAction.ADD_COAUTHOR).pack())
    found = await phone.say("hung")  # no diacritics: still found
    assert "Trần Văn Hùng" in str(found)
    with Session(runtime.engine) as session:
        outsider_id = session.exec(select(Member.id).where(Member.full_name == "Lê Thị Thu")).one()
    refused = await phone.say("", payload=Coauthor(outsider_id).pack())
    assert "công đoàn cơ sở" in phone.texts(refused).lower()
    await phone.tap(Draft(DraftAction.ADD_COAUTHOR).pack())
    await phone.say("hùng")
    await phone.tap("Trần Văn Hùng")
    await phone.tap(Draft(DraftAction.COAUTHORS_DONE).pack())
    await phone.tap(Category("technical").pack())
    confirm = phone.last
    assert "Trần Văn Hùng" in phone.texts(confirm)
    sent = await phone.tap(Draft(DraftAction.SUBMIT).pack())
    code_match = re.search(r"SK-2026-\d{6}", phone.texts(sent))
    assert code_match, phone.texts(sent)
    tracking = code_match.group(0)

    card = await officer.replies()
    assert tracking in officer.texts(card)
    asked = await officer.tap("Yêu cầu bổ sung thông tin")
    await officer.say("Gá kẹp dùng cho máy nào?")
    question = await worker.replies()
    assert "Gá kẹp dùng cho máy nào?" in worker.texts(question)

    answer = await phone.say("/my_initiatives")
    assert tracking in phone.texts(answer)
    await phone.tap(phone.payloads(answer)[0])
    await phone.say("Máy phay CNC số 3 và 4")
    back = await officer.replies()
    assert "Máy phay CNC số 3 và 4" in officer.texts(back)

    confirm = await officer.tap("Công nhận")
    assert "theo bảng mức thưởng đang áp dụng" in officer.texts(confirm)
    accepted = await officer.tap("Đồng ý, công nhận và trả thưởng")
    text = officer.texts(accepted)
    assert "2.000.000" in text and "₫" in text
    again = await officer.say("", payload=officer.payloads(back)[0])
    assert "một lần" in officer.texts(again)

    with Session(runtime.engine) as session:
        item = session.exec(select(Initiative).where(Initiative.code == tracking)).one()
        assert item.status == "accepted"
        assert (item.benefit_vnd, item.reward_vnd, item.reward_points) == (
            24_000_000,
            2_000_000,
            31,
        )
        entries = session.exec(
            select(PointsEntry)
            .where(PointsEntry.source == "initiative")
            .order_by(col(PointsEntry.points))
        ).all()
        assert sorted(e.points for e in entries) == [15, 16]
        scores = session.exec(select(MemberScore).where(MemberScore.scope == "all")).all()
        assert sorted(s.points for s in scores) == [15, 16]
        attachments = session.exec(select(InitiativeAttachment)).all()
        assert [a.ref for a in attachments] == ["photo-1"]
        statuses = [
            e.status
            for e in session.exec(select(InitiativeEvent).order_by(col(InitiativeEvent.id)))
        ]
        assert statuses == ["received", "under_review", "needs_info", "under_review", "accepted"]

    told = worker.texts(await worker.replies())
    assert "1.000.000" in told  # each author's share


async def test_hours_are_read_with_their_unit_and_the_steps_add_up(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
):
    """No campaign is running: the wizard has 8 steps, never "7 of 9" then "9 of 9"."""
    worker = await ChatUser(client, runtime).open()
    await join(worker, "Nguyễn Thị Lan")
    first = await worker.tap("menu:initiative")
    assert "Bước 1/8." in worker.texts(first)
    await worker.say("Sắp xếp lại kho vật tư")
    await worker.say("Tìm vật tư mất nhiều thời gian")
    await worker.say("Đánh mã vị trí kệ")
    asked = await worker.tap(Benefit(BenefitKind.TIME).pack())
    assert "120" in worker.texts(asked) and "triệu" not in worker.texts(asked)
    money = await worker.say("15 triệu")
    assert "600 giờ" in worker.texts(money)  # the example is in hours, not money
    files = await worker.say("600 giờ")
    assert "Bước 5/8." in worker.texts(files)
    coauthors = await worker.tap(Draft(DraftAction.FILES_DONE).pack())
    assert "Bước 6/8." in worker.texts(coauthors)
    kinds = await worker.tap(Draft(DraftAction.COAUTHORS_DONE).pack())
    assert "Bước 7/8." in worker.texts(kinds)
    check = await worker.tap(Category("technical").pack())
    assert "Bước 8/8." in worker.texts(check)
    with Session(runtime.engine) as session:
        draft = session.exec(select(Initiative)).one()
        assert draft.benefit_kind == BenefitKind.TIME and draft.benefit_amount == 600


async def to_the_summary(user: ChatUser, *, coauthor: str = "") -> list[dict[str, object]]:
    """Through the wizard with its shortest answers, `coauthor` added; the replies of the step
    after the category (the campaign's, when one is running, else the summary)."""
    await user.say("/initiative")
    await user.say("Gá kẹp nhanh cho máy phay")
    await user.say("Thay dao mất 20 phút mỗi lần")
    await user.say("Dùng gá kẹp cam thay bu lông")
    await user.tap(Benefit(BenefitKind.MONEY).pack())
    await user.say("24 triệu")
    await user.tap(Draft(DraftAction.FILES_DONE).pack())
    if coauthor:
        await user.tap(Draft(DraftAction.ADD_COAUTHOR).pack())
        await user.say(coauthor.split()[-1])
        await user.tap(coauthor)
    await user.tap(Draft(DraftAction.COAUTHORS_DONE).pack())
    return await user.tap(Category("technical").pack())


async def test_sending_is_answered_once_with_what_happens_next(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
) -> None:
    worker = await ChatUser(client, runtime).open()
    await join(worker, "Nguyễn Thị Lan")
    coworker = await ChatUser(client, runtime).open()
    await join(coworker, "Trần Văn Hùng")
    await to_the_summary(worker, coauthor="Trần Văn Hùng")

    sent = await worker.tap(Draft(DraftAction.SUBMIT).pack())
    with Session(runtime.engine) as session:
        code = session.exec(select(Initiative.code)).one()
    assert len(sent) == 1, worker.texts(sent)  # not a "sent" and a "received" one after another
    told = worker.texts(sent)
    assert f"Sáng kiến «Gá kẹp nhanh cho máy phay» đã được tiếp nhận, mã theo dõi là {code}" in told
    assert "Cán bộ công đoàn sẽ xem xét" in told and "/my_initiatives" in told
    assert await worker.replies() == []
    # the co-author did not tap «Send»: they are told it was received
    heard = coworker.texts(await coworker.replies())
    assert f"Sáng kiến {code} «Gá kẹp nhanh cho máy phay» của bạn đã được tiếp nhận" in heard


async def test_the_summary_names_the_campaign_or_says_there_is_none(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
) -> None:
    worker = await ChatUser(client, runtime).open()
    await join(worker, "Nguyễn Thị Lan")
    summary = worker.texts(await to_the_summary(worker))
    assert "Bước 8/8" in summary
    assert "Phong trào thi đua: không có" in summary
    await worker.tap(Draft(DraftAction.DISCARD).pack())

    with Session(runtime.engine) as session:
        unit_id = session.exec(select(UnionUnit.id).where(UnionUnit.name == UNIT)).one()
        officer_id = session.exec(
            select(OfficerRole.member_id).where(OfficerRole.unit_id == unit_id)
        ).one()
    running_campaign(runtime, officer_id)
    await worker.replies()  # the launch
    asked = await to_the_summary(worker)
    assert "Bước 8/9" in worker.texts(asked)
    await worker.tap(worker.payloads(asked)[0])  # the campaign, its first button
    summary = worker.texts(worker.last)
    assert "Bước 9/9" in summary
    assert "Phong trào thi đua: Thi đua quý cuối năm" in summary
    await worker.tap(Draft(DraftAction.SUBMIT).pack())
    with Session(runtime.engine) as session:
        assert session.exec(select(Initiative.campaign_id)).one() is not None
