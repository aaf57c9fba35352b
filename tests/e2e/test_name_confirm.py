"""The name is shown back to be confirmed, while joining and with /name (issue 19): «Đúng»
keeps it, «Nhập lại» asks again, and every answer can be typed: a yes («đúng», «ok», «có»,
«đồng ý», «yes»), a no («nhập lại», «sửa», «không»), or another name, which is shown back in its
turn. Over the web chat and Telegram (signed webhooks, the fake Bot API); Messenger, Zalo OA
and the Zalo Bot in their own files. On SQLite and PostgreSQL."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/fakes/telegram_fixtures.py)

from __future__ import annotations

import unicodedata

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core import demo
from core.members.models import Identity, Member
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_fixtures import (  # noqa: F401  (fixtures)
    TelegramChat,
    fake,
    fake_url,
    tg_client,
    tg_runtime,
    tg_settings,
)
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio
ASKED = "Họ và tên của bạn là gì?"


def load_demo(runtime: Runtime) -> None:
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())


def name_of(runtime: Runtime, platform_user_id: str) -> str | None:
    with Session(runtime.engine) as session:
        identity = session.exec(
            select(Identity).where(Identity.platform_user_id == platform_user_id)
        ).one()
        member = session.get(Member, identity.member_id)
        assert member is not None
        return member.full_name


async def at_the_name(client: httpx.AsyncClient, runtime: Runtime) -> ChatUser:
    load_demo(runtime)
    user = await ChatUser(client, runtime).open()
    await user.say("/start CDCSTN33")
    await user.tap("onb_ok:1")
    await user.tap("onb_pur:announcements:1")
    asked = await user.tap("onb_pur:public_name:1")
    assert ASKED in user.texts(asked)
    return user


async def test_the_name_is_shown_back_as_kept_and_kept_only_once_confirmed(
    client: httpx.AsyncClient, runtime: Runtime
):
    user = await at_the_name(client, runtime)
    typed = unicodedata.normalize("NFD", "  Nguyễn   Thị\u00a0Lan ")  # a macOS keyboard, spaces
    shown = await user.say(typed)
    assert "Họ và tên của bạn: Nguyễn Thị Lan\nĐã đúng chưa?" in user.texts(shown)
    assert [b["label"] for m in shown for b in m["buttons"]] == ["Đúng", "Nhập lại"]
    assert user.payloads(shown) == ["onb_name:1", "onb_name:0"]
    assert name_of(runtime, user.session) is None  # nothing kept before it is confirmed
    kept = await user.tap("Đúng")
    assert "Cảm ơn Nguyễn Thị Lan. Nếu cần sửa tên, bạn gửi /name." in user.texts(kept)
    assert "đối tượng" in user.texts(kept)  # the next question
    assert name_of(runtime, user.session) == "Nguyễn Thị Lan"  # NFC, one space


@pytest.mark.parametrize("yes", ["đúng", "Đúng rồi!", "dung roi", "ok", "có", "Đồng ý", "yes"])
async def test_the_name_is_confirmed_by_typing(
    client: httpx.AsyncClient, runtime: Runtime, yes: str
):
    user = await at_the_name(client, runtime)
    await user.say("Lê Thị Hoa")
    kept = await user.say(yes)
    assert "Cảm ơn Lê Thị Hoa." in user.texts(kept) and "đối tượng" in user.texts(kept)
    assert name_of(runtime, user.session) == "Lê Thị Hoa"


@pytest.mark.parametrize("no", ["Nhập lại", "nhap lai", "sửa", "Không", "sai rồi"])
async def test_the_name_is_asked_again_by_typing(
    client: httpx.AsyncClient, runtime: Runtime, no: str
):
    user = await at_the_name(client, runtime)
    await user.say("Le Thi Hoa")
    again = await user.say(no)
    assert ASKED in user.texts(again) and user.payloads(again) == []
    assert name_of(runtime, user.session) is None
    shown = await user.say("Lê Thị Hoa")
    assert "Họ và tên của bạn: Lê Thị Hoa" in user.texts(shown)
    await user.tap("onb_name:1")
    assert name_of(runtime, user.session) == "Lê Thị Hoa"


async def test_the_name_is_typed_again_with_the_button_and_a_second_name_replaces_the_first(
    client: httpx.AsyncClient, runtime: Runtime
):
    user = await at_the_name(client, runtime)
    await user.say("Nguyen Van Dung")
    again = await user.tap("Nhập lại")
    assert ASKED in user.texts(again)
    await user.say("Nguyễn Văn")
    # another name typed instead of an answer is shown back in its turn; «Dũng» is a name,
    # not «Đúng» typed (the dispatcher reads a label without its diacritics)
    shown = await user.say("Dũng")
    assert "Họ và tên của bạn: Dũng\n" in user.texts(shown)
    shown = await user.say("Nguyễn Văn Dũng")
    assert "Họ và tên của bạn: Nguyễn Văn Dũng\n" in user.texts(shown)
    assert name_of(runtime, user.session) is None
    kept = await user.tap("Đúng")
    assert "Cảm ơn Nguyễn Văn Dũng." in user.texts(kept)
    assert name_of(runtime, user.session) == "Nguyễn Văn Dũng"


async def test_what_is_neither_an_answer_nor_a_name_shows_the_name_again(
    client: httpx.AsyncClient, runtime: Runtime
):
    user = await at_the_name(client, runtime)
    refused = await user.say("Đúng")  # at the name step, a yes is not a name
    assert "chưa phải họ tên" in user.texts(refused) and ASKED in user.texts(refused)
    await user.say("Trần Văn Bình")
    digits = await user.say("12345")
    assert "Bạn vui lòng viết họ tên bằng chữ." in user.texts(digits)
    assert "Họ và tên của bạn: Trần Văn Bình" in user.texts(digits)
    thanks = await user.say("cảm ơn")
    assert "chưa phải họ tên" in user.texts(thanks)
    assert user.payloads(thanks) == ["onb_name:1", "onb_name:0"]
    resumed = await user.say("/start")  # coming back later: the same question
    assert "Họ và tên của bạn: Trần Văn Bình" in user.texts(resumed)
    stale = await user.say("Không", payload="onb_lead:0")  # a button of another question
    assert "Họ và tên của bạn: Trần Văn Bình" in user.texts(stale)
    await user.say("ok")
    assert name_of(runtime, user.session) == "Trần Văn Bình"


async def test_a_corrected_name_is_shown_back_before_it_replaces_the_old_one(
    client: httpx.AsyncClient, runtime: Runtime
):
    user = await at_the_name(client, runtime)
    await user.say("Nguyen Thi Lan")
    await user.tap("Đúng")
    await user.tap("onb_group:direct_worker")
    await user.tap("onb_lead:0")
    await user.tap("onb_lang:vi")
    asked = await user.say("/name")
    assert "Tên của bạn ở đây là Nguyen Thi Lan." in user.texts(asked)
    shown = await user.say("Nguyễn Thị Lành")
    assert "Tên mới của bạn: Nguyễn Thị Lành\nĐã đúng chưa?" in user.texts(shown)
    assert user.payloads(shown) == ["rename:1", "rename:0"]
    again = await user.tap("Nhập lại")
    assert "Tên của bạn ở đây là Nguyen Thi Lan." in user.texts(again)
    await user.say("Nguyễn Thị Lành")
    shown = await user.say("Nguyễn Thị Lan")  # another name instead of an answer
    assert "Tên mới của bạn: Nguyễn Thị Lan\n" in user.texts(shown)
    assert name_of(runtime, user.session) == "Nguyen Thi Lan"
    done = await user.say("đúng")
    assert "Đã đổi tên của bạn thành Nguyễn Thị Lan." in user.texts(done)
    assert "menu:profile" in user.payloads(done)
    assert name_of(runtime, user.session) == "Nguyễn Thị Lan"

    await user.say("/name")
    await user.say("Trần Thị Lan")
    kept = await user.say("/cancel")  # the old name stays
    assert "Đã hủy" in user.texts(kept)
    assert name_of(runtime, user.session) == "Nguyễn Thị Lan"
    stale = await user.say("Đúng", payload="rename:1")  # the question's button, tapped late
    assert "không còn hiệu lực" in user.texts(stale)
    assert name_of(runtime, user.session) == "Nguyễn Thị Lan"


async def test_the_name_confirmed_over_telegram_by_button_and_by_typing(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
):
    load_demo(tg_runtime)
    chat = TelegramChat(fake, tg_client, tg_runtime, fake.user(501, "Hoa", language_code="vi"))
    await chat.say("/start CDCSTN33")
    await chat.tap("Tôi đồng ý")
    await chat.tap("Có, gửi cho tôi")
    await chat.tap("Có, hiện tên tôi")
    shown = await chat.say("Le Thi Hoa")
    assert "Họ và tên của bạn: Le Thi Hoa\nĐã đúng chưa?" in chat.texts(shown)
    assert chat.labels(shown) == ["Đúng", "Nhập lại"]
    again = await chat.tap("Nhập lại")
    assert ASKED in chat.texts(again)
    await chat.say("Lê Thị Hoa")
    shown = await chat.say("Lê Thị Hoà")  # a second name instead of an answer
    assert "Họ và tên của bạn: Lê Thị Hoà\n" in chat.texts(shown)
    kept = await chat.say("đúng rồi")
    assert "Cảm ơn Lê Thị Hoà." in chat.texts(kept)
    await chat.tap("Người lao động trực tiếp sản xuất, kinh doanh")
    await chat.tap("Không")
    done = await chat.tap("Tiếng Việt")
    assert "Chào mừng Lê Thị Hoà" in chat.texts(done)
    assert name_of(tg_runtime, "501") == "Lê Thị Hoà"

    await chat.say("/name")
    shown = await chat.say("Lê Thị Hoa")
    assert chat.labels(shown) == ["Đúng", "Nhập lại"]
    renamed = await chat.tap("Đúng")
    assert "Đã đổi tên của bạn thành Lê Thị Hoa." in chat.texts(renamed)
    assert name_of(tg_runtime, "501") == "Lê Thị Hoa"
