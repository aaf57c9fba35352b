"""A person joins a union over the web chat, in Vietnamese and in English."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core import demo
from core.members.models import Consent, Identity, InviteCode, Member, UnionUnit, WorkerGroup
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio


@pytest.fixture
def demo_data(runtime: Runtime) -> None:
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())


async def join(user: ChatUser, code: str = "CDCSTN33", name: str = "Nguyễn Thị Lan") -> None:
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


async def test_join_in_vietnamese(client: httpx.AsyncClient, runtime: Runtime, demo_data: None):
    user = await ChatUser(client, runtime).open()
    first = await user.say("/start")
    assert "mã mời" in user.texts(first)
    consent = await user.say("cdcs-tn33")  # typed from the poster, lower case, with a dash
    assert "Công đoàn Công ty TNHH Cơ khí Minh Phát" in user.texts(consent)
    assert {"onb_ok:1", "onb_ok:0"} <= set(user.payloads(consent))
    with Session(runtime.engine) as session:
        assert (
            session.exec(select(Member).where(Member.full_name == "Nguyễn Thị Lan")).first() is None
        )
    await user.tap("onb_ok:1")
    await user.tap("onb_pur:announcements:1")
    await user.tap("onb_pur:public_name:1")
    shown = await user.say("Nguyễn Thị Lan")
    assert "Họ và tên của bạn: Nguyễn Thị Lan\nĐã đúng chưa?" in user.texts(shown)
    asked_group = await user.tap("Đúng")
    assert "đối tượng" in user.texts(asked_group)
    await user.tap("onb_group:direct_worker")
    await user.tap("onb_lead:0")
    done = await user.tap("onb_lang:vi")
    assert "Chào mừng Nguyễn Thị Lan" in user.texts(done)
    assert "menu:campaigns" in user.payloads(done)
    with Session(runtime.engine) as session:
        member = session.exec(select(Member).where(Member.full_name == "Nguyễn Thị Lan")).one()
        assert member.worker_group == WorkerGroup.DIRECT_WORKER
        assert member.holds_leadership_post is False
        assert member.onboarded_at is not None
        purposes = {
            c.purpose for c in session.exec(select(Consent).where(Consent.member_id == member.id))
        }
        assert purposes == {"data_processing", "announcements", "public_name"}
        assert session.get(InviteCode, "CDCSTN33").uses == 1  # type: ignore[union-attr]


async def test_join_in_english(client: httpx.AsyncClient, runtime: Runtime, demo_data: None):
    user = await ChatUser(client, runtime).open()
    await user.say("/start CDCSFD44")
    switched = await user.tap("onb_ui:en")
    assert "Do you agree?" in user.texts(switched)
    await user.tap("onb_ok:1")
    await user.tap("onb_pur:announcements:1")
    await user.tap("onb_pur:public_name:1")
    await user.say("Tran Van Binh")
    await user.tap("That's right")
    await user.tap("onb_group:direct_worker")
    await user.tap("onb_lead:1")
    done = await user.tap("onb_lang:en")
    assert "Welcome, Tran Van Binh!" in user.texts(done)
    labels = [b["label"] for m in done for b in m["buttons"]]
    assert labels == [
        "Campaigns",
        "Quiz",
        "Submit an initiative",
        "Leaderboard",
        "My profile",
        "Help",
    ]
    profile = await user.tap("menu:profile")
    assert "Worker in production or business" in user.texts(profile)
    not_yet = await user.say("Quiz", payload="menu:quiz")
    assert "no quiz open yet" in user.texts(not_yet)


async def test_decline_keeps_nothing(client: httpx.AsyncClient, runtime: Runtime, demo_data: None):
    user = await ChatUser(client, runtime).open()
    await user.say("/start CDCSNN22")
    answer = await user.tap("onb_ok:0")
    assert "không lưu thông tin gì" in user.texts(answer)
    with Session(runtime.engine) as session:
        identity = session.exec(
            select(Identity).where(Identity.platform_user_id == user.session)
        ).one()
        assert identity.member_id is None
        assert session.get(InviteCode, "CDCSNN22").uses == 0  # type: ignore[union-attr]
        assert session.exec(select(Member).where(Member.locale == "en")).first() is None


async def test_unknown_and_expired_codes(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
):
    with Session(runtime.engine) as session, session.begin():
        session.add(
            InviteCode(
                code="OLDCODE2", unit_id=3, expires_at=runtime.clock.now() - timedelta(days=1)
            )
        )
    user = await ChatUser(client, runtime).open()
    unknown = await user.say("/start ZZZZZZZZ")
    assert "Không tìm thấy mã mời" in user.texts(unknown)
    expired = await user.say("OLDCODE2")
    assert "hết hạn" in user.texts(expired)
    ok = await user.say("CDCSNN22")
    assert "Bạn có đồng ý không?" in user.texts(ok)


async def test_used_up_code(client: httpx.AsyncClient, runtime: Runtime, demo_data: None):
    with Session(runtime.engine) as session, session.begin():
        session.add(InviteCode(code="ONCEONLY", unit_id=3, max_uses=1))
    first = await ChatUser(client, runtime).open()
    await join(first, code="ONCEONLY")
    second = await ChatUser(client, runtime).open()
    answer = await second.say("/start ONCEONLY")
    assert "hết lượt" in second.texts(answer)


async def test_second_start_after_joining(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
):
    user = await ChatUser(client, runtime).open()
    await join(user)
    again = await user.say("/start CDCSFD44")
    assert "Bạn đã tham gia Công đoàn Công ty TNHH Cơ khí Minh Phát" in user.texts(again)
    with Session(runtime.engine) as session:
        assert (
            len(session.exec(select(Member).where(Member.full_name == "Nguyễn Thị Lan")).all()) == 1
        )


async def test_forget_then_start_again(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
):
    user = await ChatUser(client, runtime).open()
    await join(user)
    with Session(runtime.engine) as session:
        member = session.exec(select(Member).where(Member.full_name == "Nguyễn Thị Lan")).one()
        theirs = [c.id for c in session.exec(select(Consent).where(Consent.member_id == member.id))]
    confirm = await user.say("/forget")
    assert "privacy:forget_yes" in user.payloads(confirm)
    gone = await user.tap("privacy:forget_yes")
    assert "đã được xóa" in user.texts(gone)
    with Session(runtime.engine) as session:
        assert (
            session.exec(select(Member).where(Member.full_name == "Nguyễn Thị Lan")).first() is None
        )
        # the consents stay as dated records, withdrawn when the person left
        kept = session.exec(select(Consent).where(col(Consent.id).in_(theirs))).all()
        assert len(kept) == len(theirs) > 0
        assert all(c.withdrawn_at is not None for c in kept)
    nothing = await user.say("/mydata")
    assert "không lưu gì về bạn" in user.texts(nothing)
    await join(user, name="Nguyễn Thị Lan")
    with Session(runtime.engine) as session:
        assert (
            len(session.exec(select(Member).where(Member.full_name == "Nguyễn Thị Lan")).all()) == 1
        )


async def test_mydata_stop_and_resume(client: httpx.AsyncClient, runtime: Runtime, demo_data: None):
    user = await ChatUser(client, runtime).open()
    await join(user)
    data = user.texts(await user.say("/mydata"))
    assert "Nguyễn Thị Lan" in data and "25/11/2026" in data
    stopped = await user.say("/stop")
    assert "không nhận thông báo nữa" in user.texts(stopped)
    with Session(runtime.engine) as session:
        member = session.exec(select(Member).where(Member.full_name == "Nguyễn Thị Lan")).one()
        active = session.exec(
            select(Consent).where(Consent.member_id == member.id, Consent.withdrawn_at == None)  # noqa: E711
        ).all()
        assert {c.purpose for c in active} == {"data_processing", "public_name"}
    resumed = await user.say("/resume")
    assert "nhận lại thông báo" in user.texts(resumed)


async def test_language_command_switches_the_menu(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
):
    user = await ChatUser(client, runtime).open()
    await join(user)
    await user.say("/language")
    english = await user.tap("lang:en")
    assert "From now on I will write in English." in user.texts(english)
    vietnamese = await user.say("Tiếng Việt", payload="lang:vi")
    assert "Từ giờ tôi sẽ nhắn bằng tiếng Việt." in user.texts(vietnamese)


async def test_help_shows_officer_commands_to_officers_only(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
):
    from core.members import service

    user = await ChatUser(client, runtime).open()
    await join(user)
    worker_help = user.texts(await user.say("/help"))
    assert "/link" in worker_help and "Dành cho cán bộ công đoàn" not in worker_help
    with Session(runtime.engine) as session, session.begin():
        member = session.exec(select(Member).where(Member.full_name == "Nguyễn Thị Lan")).one()
        unit = session.get(UnionUnit, member.unit_id)
        service.grant_officer(session, member=member, unit=unit)
    officer_help = user.texts(await user.say("/help"))
    assert "Dành cho cán bộ công đoàn" in officer_help and "/newcampaign" in officer_help


async def test_the_name_step_refuses_a_reply_and_a_name_can_be_corrected(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
):
    user = await ChatUser(client, runtime).open()
    await user.say("/start")
    await user.say("CDCSTN33")
    await user.tap("onb_ok:1")
    await user.tap("Có, gửi cho tôi")
    await user.tap("Có, hiện tên tôi")
    refused = await user.say("Đồng ý")
    assert "chưa phải họ tên" in user.texts(refused)
    with Session(runtime.engine) as session:
        assert session.exec(select(Member).where(Member.full_name == "Đồng ý")).first() is None
    shown = await user.say("Nguyen Thi Lan")
    assert "Họ và tên của bạn: Nguyen Thi Lan" in user.texts(shown)
    named = await user.say("dung")  # «đúng», typed without its marks
    assert "/name" in user.texts(named)
    await user.tap("onb_group:direct_worker")
    await user.tap("onb_lead:0")
    await user.tap("onb_lang:vi")
    asked = await user.say("/name")
    assert "Nguyen Thi Lan" in user.texts(asked)
    again = await user.say("ok")
    assert "họ tên đầy đủ" in user.texts(again)
    shown = await user.say("Nguyễn Thị Lan")
    assert "Tên mới của bạn: Nguyễn Thị Lan\nĐã đúng chưa?" in user.texts(shown)
    with Session(runtime.engine) as session:  # not changed before it is confirmed
        assert session.exec(select(Member).where(Member.full_name == "Nguyen Thi Lan")).one()
    done = await user.tap("Đúng")
    assert "Đã đổi tên của bạn thành Nguyễn Thị Lan." in user.texts(done)
    with Session(runtime.engine) as session:
        assert session.exec(select(Member).where(Member.full_name == "Nguyễn Thị Lan")).one()
