"""On a channel without buttons (Zalo's Bot Platform; here the web chat declared without
them), a message sent outside a reply is answered by typing its choice's number or label, like
a reply's: the quiz announcement's «Vào thi» by "1" or "vao thi". A reply written since then
takes its numbers back (the menu's "1" is the menu's), and while a conversation is under way
its own question keeps them."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.members.models import Member
from core.quizzes.buttons import AnnounceQuiz
from core.quizzes.models import QuizAttempt
from tests.e2e.campaign_support import MINH_PHAT, load_demo, member, officer
from tests.e2e.test_quiz_announcement import published_quiz
from tests.webchat import ChatUser, without_buttons

pytestmark = pytest.mark.anyio

ANNOUNCED = "Cuộc thi «Hiểu luật, giữ quyền» đang mở đến"
FIRST_QUESTION = "Câu 1/3"


def attempts(runtime: Runtime) -> set[str]:
    """The names of those who started the quiz."""
    with Session(runtime.engine) as session:
        rows = session.exec(select(Member.full_name).join(QuizAttempt)).all()
        return {name or "" for name in rows}


async def announced(client: httpx.AsyncClient, runtime: Runtime, *names: str) -> list[ChatUser]:
    """Members who joined, then (the web chat now without buttons) received the announcement
    of the open quiz, sent by their union's officer from the chat."""
    data = load_demo(runtime)
    quiz_id = published_quiz(
        runtime, "Hiểu luật, giữ quyền", runtime.clock.now() - timedelta(hours=1)
    )
    people = [await member(client, runtime, name=name) for name in names]
    boss = await officer(client, runtime, data, MINH_PHAT, english=False)
    await boss.say("", payload=AnnounceQuiz(quiz_id, send=False).pack())
    await boss.tap("Gửi thông báo")
    without_buttons(runtime)
    for person in people:
        assert ANNOUNCED in person.texts(await person.replies())
    return people


async def test_the_announcements_button_is_answered_by_its_number_or_its_label(
    client: httpx.AsyncClient, runtime: Runtime
):
    lan, hoa = await announced(client, runtime, "Nguyễn Thị Lan", "Lê Thị Hoa")
    started = await lan.say("1")  # «Vào thi», not the main menu's first entry
    assert FIRST_QUESTION in lan.texts(started)
    by_label = await hoa.say("vao thi")  # the label, without diacritics
    assert FIRST_QUESTION in hoa.texts(by_label)
    assert attempts(runtime) == {"Nguyễn Thị Lan", "Lê Thị Hoa"}
    # in the quiz now: a typed "1" answers its question, not the announcement again
    answered = await lan.say("1")
    assert FIRST_QUESTION not in lan.texts(answered)
    assert "Câu tiếp theo" in lan.texts(answered)


async def test_a_reply_since_the_announcement_takes_the_numbers_back(
    client: httpx.AsyncClient, runtime: Runtime
):
    (binh,) = await announced(client, runtime, "Trần Văn Bình")
    menu = await binh.say("/menu")
    assert "1. " in binh.texts(menu)
    first = await binh.say("1")  # the menu's first entry
    assert FIRST_QUESTION not in binh.texts(first)
    assert attempts(runtime) == set()
    quizzes = await binh.say("/quiz")  # the typed way still lists it
    assert "Hiểu luật, giữ quyền" in binh.texts(quizzes)


async def test_a_reply_held_in_the_same_batch_takes_the_numbers_back(
    client: httpx.AsyncClient, runtime: Runtime
):
    """/start and "1" processed in one batch: the /start reply is held for the batch
    (core/held.py), not yet in the outbox, and still counts as the person's newest reply."""
    (binh,) = await announced(client, runtime, "Trần Văn Bình")
    for text in ("/start", "1"):
        response = await binh.post(text=text)
        assert response.status_code == 202
    assert runtime.processor.process_pending() == 2  # one batch
    replies = binh.texts(await binh.replies())
    assert FIRST_QUESTION not in replies  # the menu's "1", not the announcement's
    assert attempts(runtime) == set()
