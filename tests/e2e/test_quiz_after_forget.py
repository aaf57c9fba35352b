"""Issue #15: a quiz counts one attempt per person even after /forget and rejoining, over
Telegram (signed webhooks in, replies at the fake Bot API); ranks count current members only
and the unit keeps the former member's results."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/fakes/telegram_fixtures.py)

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlmodel import Session, col, func, select

from bots.bootstrap import Runtime
from bots.scheduling import retention_policy
from core import demo
from core.members.models import Member, UnionUnit
from core.points.models import PointsEntry
from core.privacy.forget import is_text
from core.quizzes import service as quizzes
from core.quizzes.models import QuizAttempt, QuizFormerTaker
from core.schema import metadata
from scheduler.jobs import purge_personal_data
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

pytestmark = pytest.mark.anyio
RIGHT = ("300 giờ", "Đoàn viên công đoàn", "Công đoàn cơ sở")
TITLES: dict[int, str] = {}
WRONG = ("200 giờ", "Giám đốc doanh nghiệp", "Phòng nhân sự")


def make_quiz(runtime: Runtime, *, attempts: int) -> int:
    now = runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        if session.exec(select(UnionUnit)).first() is None:
            demo.load(session, now=now)
        province = session.exec(select(UnionUnit).where(UnionUnit.parent_id == None)).one()  # noqa: E711
        quiz = quizzes.create_quiz(
            session,
            unit_id=province.id,
            settings=quizzes.QuizSettings(
                title=f"Hiểu luật, giữ quyền ({attempts})",
                opens_at=now - timedelta(minutes=1),
                closes_at=now + timedelta(days=2),
                question_seconds=None,
                speed_bonus=False,
                attempts_allowed=attempts,
            ),
            questions=quiz_drafts(),
            now=now,
        )
        TITLES[quiz.id] = quiz.title  # type: ignore[index]
        return quiz.id  # type: ignore[return-value]


async def start(chat: TelegramChat, quiz_id: int) -> list:  # type: ignore[type-arg]
    await chat.say("/menu")
    await chat.tap("Thi tìm hiểu")
    return await chat.tap(TITLES[quiz_id])


async def join(chat: TelegramChat, name: str) -> None:
    await chat.say("/start CDCSTN33")
    await chat.tap("Tôi đồng ý")
    await chat.tap("Có, gửi cho tôi")
    await chat.tap("Có, hiện tên tôi")
    await chat.say(name)
    await chat.tap("Đúng")  # the name shown back is right
    await chat.tap("Người lao động trực tiếp sản xuất, kinh doanh")
    await chat.tap("Không")
    await chat.tap("Tiếng Việt")


async def take(chat: TelegramChat, quiz_id: int, answers: tuple[str, ...]) -> str:
    """Every question answered with the option whose label ends with the given text."""
    sent = await start(chat, quiz_id)
    for i, option in enumerate(answers):
        found = [lb for lb in chat.labels(sent) if lb.endswith(". " + option)]
        assert found, (chat.texts(sent), chat.labels(sent))
        label = found[0]
        sent = await chat.tap(label)
        if i < len(answers) - 1:
            sent = await chat.tap("Câu tiếp theo")
    return chat.texts(sent)


async def forget(chat: TelegramChat) -> None:
    await chat.say("/forget")
    gone = await chat.tap("Có, xóa dữ liệu của tôi")
    assert "đã được xóa" in chat.texts(gone)


def points_total(runtime: Runtime) -> int:
    with Session(runtime.engine) as session:
        return int(session.exec(select(func.sum(PointsEntry.points))).one() or 0)


async def test_forget_and_rejoin_does_not_retake_the_quiz(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
) -> None:
    once = make_quiz(tg_runtime, attempts=1)
    twice = make_quiz(tg_runtime, attempts=2)
    lan = TelegramChat(fake, tg_client, tg_runtime, fake.user(7_301_598_421, "Lan"))
    hung = TelegramChat(fake, tg_client, tg_runtime, fake.user(7_302_598_422, "Hùng"))
    await join(lan, "Nguyễn Thị Lan")
    await join(hung, "Trần Văn Hùng")
    assert "đúng 3/3 câu" in await take(lan, once, RIGHT)
    assert "đúng 3/3 câu" in await take(lan, twice, RIGHT)
    assert "xếp hạng 2/2" in await take(hung, once, (RIGHT[0], *WRONG[1:]))
    total = points_total(tg_runtime)

    await forget(lan)
    # Hùng is now first among current members; the unit keeps both takers' results
    await hung.say("/menu")
    await hung.tap("Bảng xếp hạng")
    board = hung.texts(await hung.tap("Cá nhân: từ trước tới nay"))
    assert "1. Trần Văn Hùng" in board and "1/1" in board, board
    units = hung.texts(await hung.tap("Công đoàn: tỷ lệ tham gia"))
    assert "(2/" in units, units

    await join(lan, "Nguyễn Thị Lan")
    refused = await start(lan, once)
    assert "đã làm bài thi này rồi" in lan.texts(refused), lan.texts(refused)
    # a quiz that allows a second attempt: the retake is a second attempt, for no points
    retake = await take(lan, twice, RIGHT)
    assert "đúng 3/3 câu" in retake
    assert points_total(tg_runtime) == total
    with Session(tg_runtime.engine) as session:
        rejoined = session.exec(select(Member).where(Member.full_name == "Nguyễn Thị Lan")).one()
        attempts = session.exec(
            select(QuizAttempt.quiz_id, QuizAttempt.number).where(
                QuizAttempt.member_id == rejoined.id
            )
        ).all()
        assert attempts == [(twice, 2)]
        # what is kept names nobody: no platform id in any text column
        rows = session.exec(select(QuizFormerTaker)).all()
        assert {r.quiz_id for r in rows} == {once, twice}
        for table in metadata.sorted_tables:
            for column in table.columns:
                if is_text(column.type) and table.name not in ("identity", "inbound_update"):
                    hits = session.exec(
                        select(func.count())
                        .select_from(table)
                        .where(col(column).like("%7301598421%"))
                    ).one()
                    assert hits == 0, (table.name, column.name)

    # kept until the quiz closes, not longer (the scheduler's purge)
    tg_runtime.clock.advance(days=3)
    purged = purge_personal_data(
        tg_runtime.engine, tg_runtime.clock, retention_policy(tg_runtime.settings)
    )
    assert purged["quiz_takers"] == len(rows)
    with Session(tg_runtime.engine) as session:
        assert session.exec(select(QuizFormerTaker)).all() == []


async def test_forget_in_the_middle_of_a_quiz(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
) -> None:
    once = make_quiz(tg_runtime, attempts=1)
    lan = TelegramChat(fake, tg_client, tg_runtime, fake.user(7_303_598_423, "Lan"))
    await join(lan, "Nguyễn Thị Lan")
    sent = await start(lan, once)
    label = next(lb for lb in lan.labels(sent) if lb.endswith(". " + RIGHT[0]))
    answered = await lan.tap(label)
    assert "Câu tiếp theo" in lan.labels(answered)
    with Session(tg_runtime.engine) as session:
        before = session.exec(
            select(QuizAttempt.id, QuizAttempt.member_id, QuizAttempt.score)
        ).one()
    total = points_total(tg_runtime)

    await forget(lan)  # between two questions
    # the button still in the chat: a person thidua no longer knows is greeted, nothing counts
    stale = lan.texts(await lan.tap("Câu tiếp theo"))
    assert "mã mời" in stale and "Câu 2" not in stale, stale
    with Session(tg_runtime.engine) as session:
        kept = session.exec(select(QuizAttempt.id, QuizAttempt.member_id, QuizAttempt.score)).one()
        assert kept == before  # the union's record of the attempt, as it was
        former = session.get(Member, before[1])
        assert former is not None and former.forgotten_at is not None
    assert points_total(tg_runtime) == total

    await join(lan, "Nguyễn Thị Lan")
    refused = await start(lan, once)
    assert "đã làm bài thi này rồi" in lan.texts(refused), lan.texts(refused)
    assert points_total(tg_runtime) == total
