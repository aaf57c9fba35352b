"""Words typed instead of commands and buttons, as workers on Zalo and Messenger type them:
«menu», «trợ giúp», «hủy» without a slash act as /menu, /help and /cancel wherever no free
text is expected (a step that asks for a title keeps what is typed); a yes/no question takes
«có», «ok», «không» typed as its buttons, consent only from a word that says yes, and asks
again with a hint for anything unclear."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core import demo
from core.initiatives.models import Initiative
from core.members.models import Consent, Member
from tests.e2e.test_webchat_onboarding import join
from tests.webchat import ChatUser, without_buttons

pytestmark = pytest.mark.anyio

NOT_UNDERSTOOD = "Xin lỗi, tôi chưa hiểu ý bạn"
MENU = "Bạn muốn làm gì?"
HELP = "/quiz – các cuộc thi đang mở"
CONSENT = "Bạn có đồng ý không?"
HINT = "hoặc gõ «có» hay «không»"


@pytest.fixture
def demo_data(runtime: Runtime) -> None:
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=runtime.clock.now())


@pytest.fixture
async def lan(client: httpx.AsyncClient, runtime: Runtime, demo_data: None) -> ChatUser:
    user = await ChatUser(client, runtime).open()
    await join(user)
    return user


async def stranger(client: httpx.AsyncClient, runtime: Runtime) -> ChatUser:
    """Someone at the consent question of the private company's union."""
    user = await ChatUser(client, runtime).open()
    await user.say("/start")
    asked = await user.say("CDCSTN33")
    assert CONSENT in user.texts(asked)
    return user


def consent_rows(runtime: Runtime) -> int:
    with Session(runtime.engine) as session:
        return len(session.exec(select(Consent)).all())


def member_named(runtime: Runtime, name: str) -> Member | None:
    with Session(runtime.engine) as session:
        return session.exec(select(Member).where(Member.full_name == name)).first()


@pytest.mark.parametrize("word", ["menu", "Menu", "MENU", "menu chính"])
async def test_menu_typed_without_a_slash_is_the_menu(lan: ChatUser, word: str):
    replies = await lan.say(word)
    assert NOT_UNDERSTOOD not in lan.texts(replies)
    assert MENU in lan.texts(replies)
    assert "menu:help" in lan.payloads(replies)


@pytest.mark.parametrize("word", ["trợ giúp", "tro giup", "Trợ Giúp", "giúp", "help", "HELP"])
async def test_help_typed_without_a_slash_is_the_help(lan: ChatUser, word: str):
    replies = await lan.say(word)
    assert NOT_UNDERSTOOD not in lan.texts(replies)
    assert HELP in lan.texts(replies)
    assert "Bạn cũng có thể gõ «menu», «trợ giúp» hoặc «hủy» mà không cần dấu /." in lan.texts(
        replies
    )


async def test_words_at_a_step_of_choices_and_cancel_keeps_the_data(
    lan: ChatUser, runtime: Runtime
):
    asked = await lan.say("/forget")
    assert "Bạn có muốn xóa dữ liệu của mình không?" in lan.texts(asked)
    helped = await lan.say("hướng dẫn")
    assert HELP in lan.texts(helped)
    await lan.say("/forget")
    left = await lan.say("thoát")
    assert "Đã hủy." in lan.texts(left)
    assert "menu:help" in lan.payloads(left)
    await lan.say("/forget")
    assert "Đã hủy." in lan.texts(await lan.say("Huỷ"))  # the old spelling, ỷ
    assert member_named(runtime, "Nguyễn Thị Lan") is not None
    # nothing waits at the question any more: «có» is not an erasure now
    assert NOT_UNDERSTOOD in lan.texts(await lan.say("có"))
    assert member_named(runtime, "Nguyễn Thị Lan") is not None
    nothing = await lan.say("hủy")
    assert "Hiện bạn không có việc nào đang làm dở để hủy." in lan.texts(nothing)
    assert "menu:help" in lan.payloads(nothing)


async def test_a_step_that_asks_for_text_keeps_the_words(lan: ChatUser, runtime: Runtime):
    await lan.say("/menu")
    asked = await lan.tap("menu:initiative")
    assert "Sáng kiến của bạn tên là gì?" in lan.texts(asked)
    next_step = await lan.say("Trợ giúp")
    assert "Sáng kiến giải quyết vấn đề gì?" in lan.texts(next_step)
    with Session(runtime.engine) as session:
        titles = [i.title for i in session.exec(select(Initiative))]
    assert "Trợ giúp" in titles


async def test_help_at_the_invite_code_question(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
):
    user = await ChatUser(client, runtime).open()
    await user.say("/start")
    helped = await user.say("hướng dẫn")
    assert HELP in user.texts(helped)
    assert "Để hoàn tất việc tham gia, bạn trả lời câu hỏi ở trên." in user.texts(helped)
    assert "mã mời" not in user.texts(helped)
    asked = await user.say("CDCSTN33")  # the code still answers the question
    assert CONSENT in user.texts(asked)


async def test_consent_typed_ok(client: httpx.AsyncClient, runtime: Runtime, demo_data: None):
    user = await stranger(client, runtime)
    agreed = await user.say("ok")
    assert "Bạn có muốn nhận thông báo của công đoàn không" in user.texts(agreed)
    await user.say("có")
    await user.say("không")
    await user.say("Trần Văn Bình")
    await user.say("đúng")
    await user.tap("onb_group:direct_worker")
    leader = await user.say("yes")
    assert "Bạn muốn tôi dùng ngôn ngữ nào?" in user.texts(leader), user.texts(leader)
    member = member_named(runtime, "Trần Văn Bình")
    assert member is not None and member.holds_leadership_post is True
    with Session(runtime.engine) as session:
        given = {
            (c.purpose, c.withdrawn_at is None)
            for c in session.exec(select(Consent).where(Consent.member_id == member.id))
        }
    assert ("data_processing", True) in given
    assert ("announcements", True) in given


@pytest.mark.parametrize("text", ["dạ", "hmm", "để xem", "có lẽ", "ok không?"])
async def test_consent_is_never_read_into_an_unclear_answer(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None, text: str
):
    user = await stranger(client, runtime)
    before = consent_rows(runtime)
    again = await user.say(text)
    assert HINT in user.texts(again)
    assert CONSENT in user.texts(again)
    assert {"onb_ok:1", "onb_ok:0"} <= set(user.payloads(again))
    assert consent_rows(runtime) == before
    declined = await user.say("không đồng ý")
    assert CONSENT not in user.texts(declined)
    assert "/start" in user.texts(declined)
    assert consent_rows(runtime) == before


async def test_menu_while_joining_asks_the_question_again(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
):
    user = await stranger(client, runtime)
    again = await user.say("menu")
    assert CONSENT in user.texts(again)
    assert "/start" not in user.texts(again)
    agreed = await user.say("đồng ý")
    assert "Bạn có muốn nhận thông báo của công đoàn không" in user.texts(agreed)


async def test_typed_yes_without_buttons(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
):
    """Zalo's Bot Platform has no buttons: the consent comes as a numbered list, and a typed
    «có» answers it as the number would."""
    without_buttons(runtime)
    user = await stranger(client, runtime)
    assert "1. Tôi đồng ý" in user.texts(user.last)
    agreed = await user.say("có")
    assert "1. Có, gửi cho tôi" in user.texts(agreed)
    await user.say("không")  # no announcements
    await user.say("k")  # no name beyond the union
    await user.say("Lê Thị Hoa")
    await user.say("đúng")
    await user.say("4")
    await user.say("không")  # no leadership post
    await user.say("1")
    menu = user.texts(await user.say("menu"))
    assert NOT_UNDERSTOOD not in menu
    assert MENU in menu and "1. " in menu
