"""Choices answered by typing: the number, the letter or the label without diacritics, on a
channel with buttons and on one without."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session

from bots.bootstrap import Runtime
from core import demo
from core.members.models import Member, WorkerGroup
from tests.webchat import ChatUser, without_buttons

pytestmark = pytest.mark.anyio


@pytest.fixture
def demo_data(runtime: Runtime) -> None:
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())


async def test_onboarding_by_typed_numbers_on_a_channel_without_buttons(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
):
    without_buttons(runtime)
    user = await ChatUser(client, runtime).open()
    await user.say("/start")
    consent = await user.say("CDCSTN33")
    assert user.payloads(consent) == []
    assert "1. Tôi đồng ý" in user.texts(consent)
    assert "Bạn gõ số thứ tự của lựa chọn." in user.texts(consent)
    announcements = await user.say("1")
    assert "1. Có, gửi cho tôi" in user.texts(announcements)
    await user.say("co, gui cho toi")  # a label typed without diacritics
    name = await user.say("2")  # initials only
    assert "họ và tên" in user.texts(name).lower()
    shown = await user.say("Trần Văn Bình")
    assert "1. Đúng\n2. Nhập lại" in user.texts(shown)
    group = await user.say("1")  # «Đúng», by its number
    assert "4. " in user.texts(group)
    leader = await user.say("4")
    assert "2. Không" in user.texts(leader)
    language = await user.say("2")
    done = await user.say("1")
    assert "Chào mừng" in user.texts(done)
    assert "1. " in user.texts(done)  # the main menu, numbered
    with runtime.engine.connect() as conn:
        member = conn.execute(
            Member.__table__.select().where(Member.__table__.c.full_name == "Trần Văn Bình")
        ).one()
    assert member.worker_group == WorkerGroup.DIRECT_WORKER
    assert member.holds_leadership_post is False
    assert member.onboarded_at is not None
    assert "1. Tiếng Việt" in user.texts(language)


async def test_a_choice_step_asks_again_with_its_choices(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
):
    user = await ChatUser(client, runtime).open()
    await user.say("/start")
    await user.say("CDCSTN33")
    await user.tap("Tôi đồng ý")
    await user.tap("Có, gửi cho tôi")
    await user.tap("Có, hiện tên tôi")
    await user.say("Lê Thị Hoa")
    group = await user.say("ok")  # the name shown back is right, typed
    again = await user.say("something else")
    assert "Bạn vui lòng trả lời bằng một trong các lựa chọn" in user.texts(again)
    assert user.payloads(again) == user.payloads(group)
    leader = await user.say("nguoi lao dong")  # a label's words, typed without diacritics
    assert "lãnh đạo" in user.texts(leader)
    lang = await user.say("khong")
    done = await user.say("b")  # the letter of the second choice: English
    assert "Welcome" in user.texts(done), user.texts(lang)


async def test_an_unknown_command_mid_step_asks_the_step_again(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
):
    """A worker who types a command the bot does not know in the middle of joining is not sent
    back to /start: the step is asked again with its choices, and the next number answers it."""
    user = await ChatUser(client, runtime).open()
    await user.say("/start")
    await user.say("CDCSTN33")
    await user.tap("Tôi đồng ý")
    await user.tap("Có, gửi cho tôi")
    await user.tap("Có, hiện tên tôi")
    on_name = await user.say("/thi")
    assert "Tôi chưa hiểu lệnh /thi." in user.texts(on_name)
    assert "/start" not in user.texts(on_name)
    assert "trả lời câu hỏi ở trên" in user.texts(on_name)
    await user.say("Lê Thị Hoa")
    group = await user.tap("Đúng")
    again = await user.say("/frobnicate")
    assert "Tôi chưa hiểu lệnh /frobnicate." in user.texts(again)
    assert user.payloads(again) == user.payloads(group)
    leader = await user.say("4")
    assert "lãnh đạo" in user.texts(leader)
    await user.say("2")
    await user.say("1")
    with runtime.engine.connect() as conn:
        member = conn.execute(
            Member.__table__.select().where(Member.__table__.c.full_name == "Lê Thị Hoa")
        ).one()
    assert member.worker_group == WorkerGroup.DIRECT_WORKER
