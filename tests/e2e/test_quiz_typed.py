"""A quiz answered by typing: the option's letter, its number or its text without diacritics;
a second answer to one question changes nothing; a worker who leaves half-way comes back at
the next unanswered question; on the web chat, on Telegram and on a channel without buttons.
An officer writes a quiz in chat by typing, and comes back to the step she left."""

# ruff: noqa: F811  (the fixtures are imported by name)

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core import demo
from core.members.models import UnionUnit
from core.points.models import PointsEntry
from core.quizzes import service as quizzes
from core.quizzes.models import Quiz, QuizAnswer, QuizAttempt, QuizQuestion
from tests.e2e.campaign_support import MINH_PHAT, load_demo, officer
from tests.e2e.test_quiz_chat import join, quiz_id  # noqa: F401  (the fixture)
from tests.e2e.typed_support import tg_join
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_fixtures import (  # noqa: F401  (fixtures)
    TelegramChat,
    fake,
    fake_url,
    tg_client,
    tg_runtime,
    tg_settings,
)
from tests.points_helpers import quiz_drafts
from tests.webchat import ChatUser, without_buttons

pytestmark = pytest.mark.anyio


def open_quiz(runtime: Runtime) -> int:
    """The demo data and the test quiz of test_quiz_chat, open for a day."""
    now = runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=now)
        province = session.exec(select(UnionUnit).where(UnionUnit.parent_id == None)).one()  # noqa: E711
        quiz = quizzes.create_quiz(
            session,
            unit_id=province.id,  # type: ignore[arg-type]
            settings=quizzes.QuizSettings(
                title="Hiểu luật, giữ quyền",
                opens_at=now - timedelta(minutes=1),
                closes_at=now + timedelta(days=1),
            ),
            questions=quiz_drafts(),
            now=now,
        )
        return quiz.id  # type: ignore[return-value]


def letter_of(text: str, option: str) -> str:
    """The letter an option is shown with in a question's text ("B" for "B. 300 giờ")."""
    for line in text.splitlines():
        letter, _, shown = line.partition(". ")
        if shown == option and len(letter) == 1:
            return letter
    raise AssertionError(f"no option {option!r} in {text!r}")


def number_of(text: str, option: str) -> str:
    return str("ABCDEF".index(letter_of(text, option)) + 1)


def answers(runtime: Runtime) -> list[tuple[int, int, bool]]:
    with Session(runtime.engine) as session:
        rows = session.exec(select(QuizAnswer, QuizQuestion).join(QuizQuestion)).all()
        return sorted((q.position, a.option, a.correct) for a, q in rows)


async def test_typed_letter_number_and_text_and_a_second_answer(
    client: httpx.AsyncClient, runtime: Runtime, quiz_id: int
):
    user = await ChatUser(client, runtime).open()
    await join(user, "Nguyễn Thị Lan")
    listing = await user.say("2")  # the main menu's second entry: Quiz
    assert "Hiểu luật, giữ quyền" in user.texts(listing)
    first = await user.say("1")  # the first quiz offered
    assert "Câu 1/3" in user.texts(first)
    q1 = user.texts(first)
    old_buttons = user.last
    right = await user.say(letter_of(q1, "300 giờ").lower())  # "b"
    assert "Chính xác!" in user.texts(right)
    # the same question answered again, by its old button: a clear answer, nothing changes
    user.last = old_buttons
    again = await user.tap(f"{letter_of(q1, '200 giờ')}. 200 giờ")
    assert "đã trả lời câu hỏi này" in user.texts(again)
    assert "Câu tiếp theo" in [b["label"] for m in again for b in m["buttons"]]
    q2 = await user.say("cau tiep theo")  # «Câu tiếp theo» without diacritics
    assert "Câu 2/3" in user.texts(q2)
    wrong = await user.say("giam doc doanh nghiep")  # an option's text without diacritics
    assert "Chưa đúng rồi" in user.texts(wrong)
    q3 = await user.say("1")  # «Câu tiếp theo», the only choice
    assert "Câu 3/3" in user.texts(q3)
    nonsense = await user.say("không biết")
    assert "Bạn vui lòng trả lời bằng một trong các lựa chọn" in user.texts(nonsense)
    assert "Câu 3/3" in user.texts(nonsense)  # asked again, with its options
    done = await user.say(number_of(user.texts(q3), "Công đoàn cơ sở"))
    assert "đúng 2/3 câu" in user.texts(done)
    board = await user.say("bang xep hang cua cuoc thi nay")
    assert "Hiểu luật, giữ quyền" in user.texts(board) and "1. Nguyễn Thị Lan" in user.texts(board)
    assert [(p, c) for p, _o, c in answers(runtime)] == [(1, True), (2, False), (3, True)]
    with Session(runtime.engine) as session:
        assert len(session.exec(select(PointsEntry)).all()) == 3


async def test_a_worker_who_leaves_mid_quiz_resumes_at_the_next_question(
    client: httpx.AsyncClient, runtime: Runtime, quiz_id: int
):
    user = await ChatUser(client, runtime).open()
    await join(user, "Trần Văn Bình")
    await user.say("2")
    first = await user.say("1")
    await user.say(letter_of(user.texts(first), "300 giờ"))  # answered; «Next» not tapped
    await user.say("/menu")  # leaves for something else
    await user.say("4")  # the boards
    await user.say("/menu")
    await user.say("thi tim hieu")  # back: Quiz
    back = await user.say("hieu luat, giu quyen")  # the quiz, by its title
    assert "Câu 2/3" in user.texts(back), user.texts(back)
    assert "đã trả lời" not in user.texts(back)
    await user.say(letter_of(user.texts(back), "Đoàn viên công đoàn"))
    await user.say("/menu")  # leaves at the feedback of question 2
    await user.say("2")
    q3 = await user.say("1")
    assert "Câu 3/3" in user.texts(q3)
    await user.say("/menu")  # leaves at a question it has not answered: the same one again
    await user.say("2")
    same = await user.say("1")
    assert "Câu 3/3" in user.texts(same)
    done = await user.say(letter_of(user.texts(same), "Người sử dụng lao động"))
    assert "đúng 3/3 câu" in user.texts(done)
    with Session(runtime.engine) as session:
        attempt = session.exec(select(QuizAttempt)).one()
        assert attempt.finished_at is not None and attempt.correct_count == 3
    assert len(answers(runtime)) == 3


async def test_a_quiz_by_typed_numbers_and_letters_without_buttons(
    client: httpx.AsyncClient, runtime: Runtime, quiz_id: int
):
    user = await ChatUser(client, runtime).open()
    await join(user, "Lê Thị Hoa")
    without_buttons(runtime)
    listing = await user.say("/menu")
    assert user.payloads(listing) == [] and "2. Thi tìm hiểu" in user.texts(listing)
    quizzes = await user.say("2")
    assert "1. Hiểu luật, giữ quyền" in user.texts(quizzes)
    q1 = await user.say("1")
    assert user.payloads(q1) == [] and "Bạn gõ số thứ tự của lựa chọn." in user.texts(q1)
    await user.say(number_of(user.texts(q1), "300 giờ"))
    assert "1. Câu tiếp theo" in user.texts(user.last)
    q2 = await user.say("1")
    await user.say(letter_of(user.texts(q2), "Đoàn viên công đoàn"))
    q3 = await user.say("1")
    done = await user.say(letter_of(user.texts(q3), "Công đoàn cơ sở").lower() + ")")
    assert "đúng 3/3 câu" in user.texts(done)
    assert [c for _p, _o, c in answers(runtime)] == [True, True, True]


async def test_a_quiz_by_typing_on_telegram(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
):
    quiz = open_quiz(tg_runtime)
    chat = TelegramChat(fake, tg_client, tg_runtime, fake.user(512, "Hoa", language_code="vi"))
    await tg_join(chat, "Phạm Thị Hoa")
    await chat.say("thi tim hieu")
    q1 = await chat.say("a")  # the first quiz offered
    assert "Câu 1/3" in chat.texts(q1)
    await chat.say("300 gio")
    assert "Chính xác!" in chat.texts(chat.last)
    q2 = await chat.say("cau tiep theo")
    await chat.say(number_of(chat.texts(q2), "Đoàn viên công đoàn"))
    q3 = await chat.say("Câu tiếp theo")
    done = await chat.say(letter_of(chat.texts(q3), "Người sử dụng lao động"))
    assert "đúng 3/3 câu" in chat.texts(done)
    with Session(tg_runtime.engine) as session:
        assert session.get(Quiz, quiz) is not None
        assert len(session.exec(select(QuizAnswer)).all()) == 3


async def test_an_officer_writes_a_quiz_by_typing_and_comes_back_to_her_step(
    client: httpx.AsyncClient, runtime: Runtime
):
    data = load_demo(runtime)
    chief = await officer(client, runtime, data, MINH_PHAT, english=False)
    await chief.say("/menu")
    await chief.say("thi tim hieu")
    asked = await chief.say("tao cuoc thi")
    assert "tên của cuộc thi mới" in chief.texts(asked)
    await chief.say("An toàn lao động")
    await chief.say("Khi nào phải đội mũ bảo hộ?")
    await chief.say("/menu")  # leaves at the options
    await chief.say("thi tim hieu")
    back = await chief.say("tao cuoc thi")
    assert "phương án trả lời" in chief.texts(back)  # the step she was on
    await chief.say("*Luôn luôn trong xưởng\nKhi trời mưa")
    review = await chief.say("-")
    assert "Đã thêm câu hỏi 1" in chief.texts(review)
    wrong = await chief.say("mở ngay")
    assert "Bạn vui lòng trả lời bằng một trong các lựa chọn" in chief.texts(wrong)
    await chief.say("1")  # «Thêm câu hỏi»
    await chief.say("Ai kiểm tra bình chữa cháy?")
    await chief.say("*Tổ an toàn\nKế toán")
    await chief.say("Tổ an toàn kiểm tra hằng tháng.")
    opened = await chief.say("mo trong 3 ngay")
    assert "đang mở" in chief.texts(opened) or "An toàn lao động" in chief.texts(opened)
    with Session(runtime.engine) as session:
        quiz = session.exec(select(Quiz).where(Quiz.title == "An toàn lao động")).one()
        assert quiz.published_at is not None
        assert (quiz.closes_at - quiz.opens_at).days == 3
        questions = session.exec(select(QuizQuestion).where(QuizQuestion.quiz_id == quiz.id))
        assert [q.text for q in questions] == [
            "Khi nào phải đội mũ bảo hộ?",
            "Ai kiểm tra bình chữa cháy?",
        ]
