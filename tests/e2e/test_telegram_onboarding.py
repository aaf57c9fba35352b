"""The foundation's onboarding, over Telegram: a t.me deep link with the invite code, then
every step by inline-keyboard buttons, as a worker would do it on the phone."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/fakes/telegram_fixtures.py)

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from bots.cli.invite import invite_links
from core import demo
from core.members.models import Consent, Identity, InviteCode, Member, WorkerGroup
from core.storage.models import InboundUpdate
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


@pytest.fixture
def demo_data(tg_runtime: Runtime) -> None:
    with Session(tg_runtime.engine) as session, session.begin():
        demo.load(session, now=tg_runtime.clock.now())


async def test_join_by_deep_link(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime, demo_data: None
) -> None:
    link = invite_links(tg_runtime.settings, "CDCSTN33")["telegram"]
    assert link == "https://t.me/thidua_bot?start=CDCSTN33"
    person = fake.user(301, "Lan", last_name="Nguyễn", language_code="vi")
    chat = TelegramChat(fake, tg_client, tg_runtime, person)

    consent = await chat.say("/start CDCSTN33")  # what Telegram sends when the link is opened
    assert "Công đoàn Công ty TNHH Cơ khí Minh Phát" in chat.texts(consent)
    assert chat.labels(consent) == ["Tôi đồng ý", "Không, cảm ơn", "English"]
    with Session(tg_runtime.engine) as session:
        identity = session.exec(select(Identity).where(Identity.platform_user_id == "301")).one()
        assert identity.member_id is None  # nothing kept about the person before consent

    # one purpose per tap (Law 91/2025): taking part, then announcements, then the name
    asked_announcements = await chat.tap("Tôi đồng ý")
    assert chat.labels(asked_announcements) == ["Có, gửi cho tôi", "Không nhận thông báo"]
    with Session(tg_runtime.engine) as session:
        person_id = select(Identity.member_id).where(Identity.platform_user_id == "301")
        given = session.exec(
            select(Consent.purpose).where(col(Consent.member_id).in_(person_id.scalar_subquery()))
        ).all()
        assert given == ["data_processing"]  # the first tap granted taking part only
    asked_public = await chat.tap("Có, gửi cho tôi")
    assert "chữ cái đầu" in chat.texts(asked_public)
    asked_name = await chat.tap("Không, chỉ chữ cái đầu")
    assert "họ và tên" in chat.texts(asked_name).lower()
    shown = await chat.say("Nguyễn Thị Lan")
    assert "Họ và tên của bạn: Nguyễn Thị Lan\nĐã đúng chưa?" in chat.texts(shown)
    assert chat.labels(shown) == ["Đúng", "Nhập lại"]
    asked_group = await chat.tap("Đúng")
    assert "Cảm ơn Nguyễn Thị Lan." in chat.texts(asked_group)
    assert "đối tượng" in chat.texts(asked_group)
    await chat.tap("Người lao động trực tiếp sản xuất, kinh doanh")
    asked_language = await chat.tap("Không")
    assert chat.labels(asked_language) == ["Tiếng Việt", "English"]
    done = await chat.tap("Tiếng Việt")
    assert "Chào mừng Nguyễn Thị Lan" in chat.texts(done)
    assert len(chat.labels(done)) == 6  # the main menu as an inline keyboard

    assert len(fake.answered) == 7  # every tap's spinner was stopped
    for message in fake.sent_to(301):
        assert all(len(data.encode()) <= 64 for _, data in message.buttons)
    with Session(tg_runtime.engine) as session:
        member = session.exec(select(Member).where(Member.full_name == "Nguyễn Thị Lan")).one()
        assert member.worker_group == WorkerGroup.DIRECT_WORKER
        assert member.holds_leadership_post is False
        assert member.onboarded_at is not None
        identity = session.exec(select(Identity).where(Identity.member_id == member.id)).one()
        assert (identity.platform, identity.platform_user_id) == ("telegram", "301")
        given = {
            (c.purpose, c.wording, c.granted_at is not None)
            for c in session.exec(select(Consent).where(Consent.member_id == member.id))
        }
        assert given == {
            ("data_processing", "2026-12-03", True),
            ("announcements", "2026-12-03", True),
        }
        assert session.get(InviteCode, "CDCSTN33").uses == 1  # type: ignore[union-attr]
        bodies = session.exec(select(InboundUpdate.body)).all()
        assert bodies and all(b is None for b in bodies)  # texts are not kept once answered


async def test_deep_link_in_english_app(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime, demo_data: None
) -> None:
    chat = TelegramChat(fake, tg_client, tg_runtime, fake.user(302, "Binh", language_code="en"))
    await chat.say("/start CDCSFD44")
    switched = await chat.tap("English")
    assert "Do you agree?" in chat.texts(switched)
    await chat.tap("I agree")
    await chat.tap("Yes, send them")
    await chat.tap("Yes, show my name")
    shown = await chat.say("Tran Van Binh")
    assert "Your full name: Tran Van Binh\nIs that right?" in chat.texts(shown)
    await chat.tap("That's right")
    await chat.tap("Worker in production or business")
    await chat.tap("Yes")
    done = await chat.tap("English")
    assert "Welcome, Tran Van Binh!" in chat.texts(done)
    assert chat.labels(done)[0] == "Campaigns"
