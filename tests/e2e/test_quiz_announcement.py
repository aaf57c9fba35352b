# ruff: noqa: F811
"""An officer tells the members that a quiz is open, from the quiz's desk page: the text is
read and edited first, the reach shown; it goes out as every announcement does (only to members
who accept announcements, held in quiet hours) with the «Vào thi» button that starts the quiz;
/quiz is the typed way. One announcement per quiz; a quiz that opens later is announced when it
opens."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.broadcasts.models import Broadcast, BroadcastRecipient
from core.clock import utcnow
from core.quizzes import service as quizzes
from core.quizzes.buttons import AnnounceQuiz, Start
from scheduler.jobs import fan_out
from tests.browser.support import client, csrf_of, settings, signed_in_officer  # noqa: F401
from tests.e2e.campaign_support import MINH_PHAT, load_demo, member, officer
from tests.points_helpers import quiz_drafts

pytestmark = pytest.mark.anyio


def published_quiz(runtime: Runtime, title: str, opens_at: datetime) -> int:
    with Session(runtime.engine) as session, session.begin():
        quiz = quizzes.create_quiz(
            session,
            unit_id=MINH_PHAT,
            settings=quizzes.QuizSettings(
                title=title, opens_at=opens_at, closes_at=opens_at + timedelta(days=7)
            ),
            questions=quiz_drafts(),
            now=utcnow(),
        )
        return quiz.id  # type: ignore[return-value]


async def test_an_opened_quiz_is_announced_with_its_button(
    client: httpx.AsyncClient, runtime: Runtime, clock
):
    clock.current = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)  # 20:00 in Hồ Chí Minh City
    data = load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    binh = await member(client, runtime, name="Trần Văn Bình")
    await binh.say("/stop")  # no announcements for him
    quiz_id = published_quiz(runtime, "Hiểu luật, giữ quyền", clock.now() - timedelta(hours=1))
    web, _officer = await signed_in_officer(client, runtime, data, MINH_PHAT)

    page = await web.get(f"/web/quizzes/{quiz_id}")
    shown = html.unescape(page.text)
    assert "Báo cho đoàn viên" in shown
    assert "Cuộc thi «Hiểu luật, giữ quyền» đang mở đến" in shown  # the text offered
    assert "1 người đã từ chối nhận thông báo" in shown  # Bình, told before it is sent

    clock.current = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # 22:00: quiet hours
    text = "Cuộc thi «Hiểu luật, giữ quyền» đã mở: mỗi người 5 phút, có quà cho tổ đông nhất!"
    sent = await web.post(
        f"/web/quizzes/{quiz_id}/announce", data={"text": text, "csrf": csrf_of(page.text)}
    )
    assert sent.status_code == 303 and sent.headers["location"].startswith("/web/broadcasts/")
    assert await lan.replies() == []  # quiet hours: held until 07:00
    again = await web.post(
        f"/web/quizzes/{quiz_id}/announce", data={"text": "Lần hai", "csrf": csrf_of(page.text)}
    )
    assert again.status_code == 303  # the same announcement, not a second one

    clock.current = datetime(2026, 11, 26, 0, 5, tzinfo=UTC)  # 07:05
    told = await lan.replies()
    assert lan.texts(told) == text
    assert [b["label"] for b in told[0]["buttons"]] == ["Vào thi"]
    assert Start(quiz_id).pack() in lan.payloads(told)
    question = await lan.tap("Vào thi")
    assert "Thời giờ làm thêm tối đa" in lan.texts(question)  # the quiz has started
    assert await binh.replies() == []
    with Session(runtime.engine) as session:
        (broadcast,) = session.exec(select(Broadcast)).all()
        assert (broadcast.kind, broadcast.text) == ("quiz", text)
        skipped = session.exec(
            select(BroadcastRecipient.skip_reason).where(
                BroadcastRecipient.broadcast_id == broadcast.id
            )
        ).all()
        assert "no_consent" in skipped

    after = html.unescape((await web.get(f"/web/quizzes/{quiz_id}")).text)
    assert "Xem kết quả gửi" in after and 'name="text"' not in after
    typed = await binh.say("/quiz")  # the typed way: the open quizzes
    assert Start(quiz_id).pack() in binh.payloads(typed)


async def test_a_quiz_that_opens_later_is_announced_when_it_opens(
    client: httpx.AsyncClient, runtime: Runtime, clock
):
    data = load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    opens = clock.now() + timedelta(days=2)
    quiz_id = published_quiz(runtime, "An toàn điện", opens)
    web, _officer = await signed_in_officer(client, runtime, data, MINH_PHAT)
    page = await web.get(f"/web/quizzes/{quiz_id}")
    assert "Cuộc thi mới: «An toàn điện», mở từ" in html.unescape(page.text)
    sent = await web.post(
        f"/web/quizzes/{quiz_id}/announce",
        data={"text": "Thứ Sáu này thi An toàn điện!", "csrf": csrf_of(page.text)},
    )
    assert sent.status_code == 303
    assert await lan.replies() == []
    waiting = html.unescape((await web.get(f"/web/quizzes/{quiz_id}")).text)
    assert "Thông báo sẽ được gửi khi cuộc thi mở" in waiting
    ended = published_quiz(runtime, "Đã kết thúc", clock.now() - timedelta(days=9))
    closed = await web.post(
        f"/web/quizzes/{ended}/announce", data={"text": "Muộn rồi", "csrf": csrf_of(page.text)}
    )
    assert closed.status_code == 422  # refused on the quiz's own page, which offers no form
    assert "Cuộc thi đã kết thúc" in html.unescape(closed.text)
    assert 'name="text"' not in closed.text
    clock.current = opens + timedelta(minutes=1)
    assert fan_out(runtime.engine, clock, runtime.processor.config.delivery) > 0  # its tick
    assert "Thứ Sáu này thi An toàn điện!" in lan.texts(await lan.replies())


async def test_an_officer_announces_a_quiz_from_the_chat(
    client: httpx.AsyncClient, runtime: Runtime, clock
):
    data = load_demo(runtime)
    lan = await member(client, runtime, name="Nguyễn Thị Lan")
    quiz_id = published_quiz(runtime, "Hiểu luật, giữ quyền", clock.now() - timedelta(hours=1))
    forged = await lan.say("", payload=AnnounceQuiz(quiz_id, send=True).pack())
    assert "Vào thi" not in lan.texts(forged)  # a member cannot announce
    boss = await officer(client, runtime, data, MINH_PHAT, english=False)
    asked = await boss.say("", payload=AnnounceQuiz(quiz_id, send=False).pack())
    assert "Cuộc thi «Hiểu luật, giữ quyền» đang mở đến" in boss.texts(asked)
    assert lan.texts(await lan.replies()) == ""  # nothing sent before the confirmation
    done = await boss.tap("Gửi thông báo")
    assert "đang được gửi" in boss.texts(done)
    told = await lan.replies()
    assert "Cuộc thi «Hiểu luật, giữ quyền» đang mở đến" in lan.texts(told)
    assert Start(quiz_id).pack() in lan.payloads(told)
    again = await boss.say("", payload=AnnounceQuiz(quiz_id, send=False).pack())
    assert "đã được báo" in boss.texts(again)
