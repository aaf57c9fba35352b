"""Issue 15, access: /mydata lists everything kept about the person: profile, consents with
their dates, messengers, points by source, quiz attempts, initiatives with their share,
commendations received and proposed."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, select

from bots.bootstrap import Runtime
from core.commendations.models import Commendation, CommendationStatus, CommendedMember
from core.members.models import Member
from core.quizzes.models import Quiz, QuizAttempt
from tests.e2e.test_forget_keeps_records import submit
from tests.e2e.test_initiative_chat import demo_data, join, officer_chat
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio
__all__ = ["demo_data"]


def seed_quiz_and_commendation(runtime: Runtime, member_id: int) -> None:
    now = runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        member = session.get(Member, member_id)
        assert member is not None
        quiz = Quiz(
            unit_id=member.unit_id,
            title="An toàn lao động tháng 11",
            opens_at=now,
            closes_at=now,
            created_at=now,
        )
        session.add(quiz)
        session.flush()
        session.add(
            QuizAttempt(
                quiz_id=quiz.id,  # type: ignore[arg-type]
                member_id=member_id,
                score=2400,
                correct_count=3,
                started_at=now,
            )
        )
        item = Commendation(
            unit_id=member.unit_id,
            reason="Giúp tổ giảm phế phẩm",
            status=CommendationStatus.APPROVED,
            points=10,
            adhoc=True,
            created_at=now,
        )
        session.add(item)
        session.flush()
        session.add(CommendedMember(commendation_id=item.id, member_id=member_id))  # type: ignore[arg-type]


async def test_mydata_lists_everything_kept(
    client: httpx.AsyncClient, runtime: Runtime, demo_data: None
) -> None:
    worker = await ChatUser(client, runtime).open()
    await join(worker, "Nguyễn Thị Lan")
    coworker = await ChatUser(client, runtime).open()
    await join(coworker, "Trần Văn Hùng")
    officer = await officer_chat(client, runtime)
    tracking = await submit(worker, "Gá kẹp nhanh cho máy phay", coauthor="Trần Văn Hùng")
    await officer.replies()
    await officer.tap("Công nhận")
    await officer.tap("Đồng ý, công nhận và trả thưởng")
    with Session(runtime.engine) as session:
        member_id = session.exec(select(Member.id).where(Member.full_name == "Trần Văn Hùng")).one()
    seed_quiz_and_commendation(runtime, member_id)  # type: ignore[arg-type]

    replies = await coworker.say("/mydata")
    text = coworker.texts(replies)
    # one message per part (after the notifications still waiting for them): profile,
    # consents, points, quizzes, initiatives, commendations, notes
    parts = replies[-7:]
    assert parts[0]["text"].startswith("Đây là toàn bộ thông tin"), parts[0]["text"]
    assert parts[1]["text"].startswith("Những gì bạn đã đồng ý:")
    assert "/forget" in parts[-1]["text"]
    assert "Trần Văn Hùng" in text
    assert "(theo nội dung phiên bản 2026-12-03)" in text
    assert "Những gì bạn đã đồng ý:" in text and "đồng ý ngày 25/11/2026" in text
    assert "Sáng kiến được công nhận: 15 điểm (1 lần)" in text
    assert f"{tracking} «Gá kẹp nhanh cho máy phay» (đồng tác giả)" in text
    assert "phần của bạn 1.000.000" in text
    assert "«An toàn lao động tháng 11»" in text and "2.400 điểm, 3 câu đúng" in text
    assert "Được khen thưởng" in text and "Giúp tổ giảm phế phẩm" in text
    assert "/forget" in text

    english = await coworker.say("/language")
    assert english
    await coworker.tap("English")
    text = coworker.texts(await coworker.say("/mydata"))
    assert "Accepted initiatives: 15 points (entries: 1)" in text
    assert "(co-author)" in text and "Commended on" in text
