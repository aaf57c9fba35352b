"""Taking a quiz over the web chat: one question at a time, feedback, score and rank, and every
way an answer can be wrong (late, twice, another quiz, a closed quiz, someone else's button)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core import demo
from core.leaderboards.buttons import Board, Period, Ranking
from core.members.buttons import Menu, MenuItem
from core.members.models import Consent, ConsentPurpose, Member, UnionUnit
from core.points.models import MemberScore, PointsEntry
from core.points.rules import ALL_TIME, quiz_scope
from core.quizzes import service as quizzes
from core.quizzes.buttons import Answer, Review, Start
from core.quizzes.models import QuizAnswer, QuizAttempt
from tests.points_helpers import quiz_drafts
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio


@pytest.fixture
def quiz_id(runtime: Runtime) -> int:
    now = runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        demo.load(session, now=now)
        province = session.exec(select(UnionUnit).where(UnionUnit.parent_id == None)).one()  # noqa: E711
        quiz = quizzes.create_quiz(
            session,
            unit_id=province.id,
            settings=quizzes.QuizSettings(
                title="Hiểu luật, giữ quyền",
                opens_at=now - timedelta(minutes=1),
                closes_at=now + timedelta(days=1),
                question_seconds=20,
                speed_bonus=True,
                streak_bonus=True,
            ),
            questions=quiz_drafts(),
            now=now,
        )
        return quiz.id


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


def answer_button(user: ChatUser, text: str) -> str:
    """The payload of the option button whose option line reads `text`."""
    for message in reversed(user.last):
        for line in message["text"].splitlines():
            letter, _, option = line.partition(". ")
            if option == text:
                for button in message["buttons"]:
                    if button["label"] == f"{letter}. {option}":
                        return button["payload"]
    raise AssertionError(f"no option {text!r} in {user.last}")


async def test_a_member_takes_the_quiz(client: httpx.AsyncClient, runtime: Runtime, quiz_id: int):
    user = await ChatUser(client, runtime).open()
    await join(user, "Nguyễn Thị Lan")
    menu = await user.tap(Menu(MenuItem.QUIZ).pack())
    assert "Hiểu luật, giữ quyền" in user.texts(menu)
    first = await user.tap(Start(quiz_id).pack())
    assert "Câu 1/3 · 20 giây" in user.texts(first)
    assert "trả lời càng nhanh càng được nhiều điểm" in user.texts(first)
    runtime.clock.advance(seconds=10)  # half-way through the limit: 750 points
    feedback = await user.say("B", payload=answer_button(user, "300 giờ"))
    assert "Chính xác! +750 điểm" in user.texts(feedback)
    assert "Điều 107" in user.texts(feedback)
    await user.tap("Câu tiếp theo")
    runtime.clock.advance(seconds=2)  # 1000 - 1000*2000/40000 = 950, +100 streak
    await user.say("A", payload=answer_button(user, "Giám đốc doanh nghiệp"))
    assert "Chưa đúng rồi. Đáp án đúng: Đoàn viên công đoàn" in user.texts(user.last)
    await user.tap("Câu tiếp theo")
    # either correct option counts; the streak was broken by the wrong answer
    done = await user.say("A", payload=answer_button(user, "Người sử dụng lao động"))
    text = user.texts(done)
    assert "Chính xác! +1.000 điểm" in text
    assert "đúng 2/3 câu, được 1.750 điểm" in text
    assert "xếp hạng 1/1" in text
    with Session(runtime.engine) as session:
        ledger = session.exec(select(PointsEntry).order_by(PointsEntry.id)).all()
        assert [e.points for e in ledger] == [750, 0, 1000]
        member = session.exec(select(Member).where(Member.full_name == "Nguyễn Thị Lan")).one()
        assert session.get(MemberScore, (ALL_TIME, member.id)).points == 1750  # type: ignore[union-attr]
        assert session.get(MemberScore, (quiz_scope(quiz_id), member.id)).points == 1750  # type: ignore[union-attr]
    # one attempt per member: starting again shows the result
    again = await user.say(payload=Menu(MenuItem.QUIZ).pack())
    assert "Hiểu luật" in user.texts(again)
    refused = await user.say(payload=Start(quiz_id).pack())
    assert "đã làm bài thi này rồi" in user.texts(refused)
    assert "1.750 điểm, xếp hạng 1/1" in user.texts(refused)
    board = await user.say(payload=Board(Ranking.PEOPLE, Period.ALL_TIME).pack())
    assert "1. Nguyễn Thị Lan (Công đoàn Công ty TNHH Cơ khí Minh Phát) – 1.750 điểm" in user.texts(
        board
    )
    assert "Hạng của bạn: 1/1" in user.texts(board)
    units = await user.say(payload=Board(Ranking.TAKING_PART, Period.ALL_TIME).pack())
    assert (
        "1. Công đoàn Công ty TNHH Cơ khí Minh Phát – 9,1% tham gia (1/11 đoàn viên)"
        in user.texts(units)
    )


async def test_double_taps_redeliveries_and_late_answers(
    client: httpx.AsyncClient, runtime: Runtime, quiz_id: int
):
    user = await ChatUser(client, runtime).open()
    await join(user, "Trần Văn Bình")
    await user.say(payload=Start(quiz_id).pack())
    payload = answer_button(user, "300 giờ")
    # the same update delivered twice (same id) and a double tap (two updates)
    for client_id in ("tap-1", "tap-1", "tap-2"):
        response = await user.post(text="B", payload=payload, id=client_id)
        assert response.status_code == 202
    replies = await user.replies()
    texts = user.texts(replies)
    assert texts.count("Chính xác! +1.000 điểm") == 1
    assert "chỉ câu trả lời đầu tiên được tính" in texts
    await user.tap("Câu tiếp theo")
    runtime.clock.advance(seconds=21)
    late = await user.say("A", payload=answer_button(user, "Đoàn viên công đoàn"))
    assert "Đã hết thời gian cho câu hỏi này (20 giây)" in user.texts(late)
    with Session(runtime.engine) as session:
        answers = session.exec(select(QuizAnswer).order_by(QuizAnswer.id)).all()
        assert [(a.points, a.late) for a in answers] == [(1000, False), (0, True)]
        assert [e.points for e in session.exec(select(PointsEntry))] == [1000, 0]


async def test_bad_buttons_get_clear_answers(
    client: httpx.AsyncClient, runtime: Runtime, quiz_id: int
):
    now = runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        other = quizzes.create_quiz(
            session,
            unit_id=quizzes.get_quiz(session, quiz_id=quiz_id).unit_id,
            settings=quizzes.QuizSettings(
                title="Quiz khác", opens_at=now, closes_at=now + timedelta(hours=2)
            ),
            questions=quiz_drafts()[:1],
            now=now,
        )
        other_question = quizzes.questions_of(session, quiz_id=other.id)[0].id  # type: ignore[arg-type]
    lan = await ChatUser(client, runtime).open()
    await join(lan, "Lê Thị Hà")
    binh = await ChatUser(client, runtime).open()
    await join(binh, "Phạm Văn Nam", code="CDCSFD44")
    await lan.say(payload=Start(quiz_id).pack())
    lans_answer = answer_button(lan, "300 giờ")
    with Session(runtime.engine) as session:
        attempt = session.exec(select(QuizAttempt)).one()
    wrong_quiz = await lan.say(payload=Answer(attempt.id, other_question, 0).pack())
    assert "không thuộc câu hỏi bạn đang làm" in lan.texts(wrong_quiz)
    not_yours = await binh.say(payload=lans_answer)
    assert "thuộc bài thi của đoàn viên khác" in binh.texts(not_yours)
    garbage = await binh.say(payload=f"{Answer.prefix()}:x:1")
    assert "Nút này không còn hiệu lực." in binh.texts(garbage)
    too_early = await binh.say(payload=Review(quiz_id).pack())
    assert "Đáp án sẽ được công bố khi cuộc thi kết thúc" in binh.texts(too_early)
    runtime.clock.advance(days=2)
    closed = await lan.say(payload=lans_answer)
    assert "Cuộc thi đã kết thúc nên câu trả lời không còn được tính" in lan.texts(closed)
    review = await lan.say(payload=Review(quiz_id).pack())
    assert "→ 300 giờ" in lan.texts(review)
    with Session(runtime.engine) as session:
        assert session.exec(select(QuizAnswer)).all() == []
        assert session.exec(select(PointsEntry)).all() == []


async def test_a_member_without_consent_is_told_why(
    client: httpx.AsyncClient, runtime: Runtime, quiz_id: int
):
    user = await ChatUser(client, runtime).open()
    await join(user, "Võ Thị Mai")
    with Session(runtime.engine) as session, session.begin():
        member = session.exec(select(Member).where(Member.full_name == "Võ Thị Mai")).one()
        for consent in session.exec(
            select(Consent).where(
                Consent.member_id == member.id,
                Consent.purpose == ConsentPurpose.DATA_PROCESSING,
            )
        ):
            consent.withdrawn_at = runtime.clock.now()
    refused = await user.say(payload=Start(quiz_id).pack())
    assert "cần đồng ý tham gia các phong trào của công đoàn" in user.texts(refused)
    with Session(runtime.engine) as session:
        assert session.exec(select(QuizAttempt)).all() == []
