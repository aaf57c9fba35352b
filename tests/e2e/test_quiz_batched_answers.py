"""Quiz answers processed in batches (issue 14): a batch holds its answers' rows and scores
and writes them once (core/held.py), and gives exactly what answering one at a time gives;
an answer is timed by when it arrived, however long it waited to be processed."""

# ruff: noqa: F811  (the fixtures are imported by name from tests/fakes/telegram_fixtures.py)

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import event
from sqlmodel import Session, col, select

from bots.bootstrap import Runtime
from core import demo
from core.leaderboards import service as leaderboards
from core.members.models import UnionUnit
from core.points.models import MemberScore, PointsEntry, ScoreHistogram, UnitScore
from core.points.rules import histogram_keys, quiz_scope
from core.quizzes import service as quizzes
from core.quizzes.buttons import Start
from core.quizzes.models import QuizAnswer, QuizAttempt
from core.storage.models import InboundStatus, InboundUpdate
from tests.e2e.test_quiz_after_forget import join as join_telegram
from tests.e2e.test_quiz_chat import answer_button, join
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
from tests.webchat import ChatUser

pytestmark = pytest.mark.anyio

NAMES = ("Nguyễn Thị Lan", "Trần Văn Bình", "Lê Thị Hoa", "Phạm Minh Tuấn", "Võ Thị Mai")
RIGHT = ("300 giờ", "Đoàn viên công đoàn", "Công đoàn cơ sở")
WRONG = ("200 giờ", "Giám đốc doanh nghiệp", "Phòng nhân sự")
# per question, per person in the order they answer: seconds after the question was asked,
# and whether the option is right; equal times make ties, 25 s is past the 20 s limit
PLAN = (
    ((2, True), (2, True), (5, False), (8, True), (25, True)),
    ((1, True), (3, True), (3, True), (6, False), (9, True)),
    ((2, True), (2, False), (4, True), (4, True), (7, True)),
)
BACKLOG = 60  # seconds the batched answers wait before they are processed


def make_quiz(runtime: Runtime, title: str) -> int:
    now = runtime.clock.now()
    with Session(runtime.engine) as session, session.begin():
        if session.exec(select(UnionUnit)).first() is None:
            demo.load(session, now=now)
        province = session.exec(select(UnionUnit).where(UnionUnit.parent_id == None)).one()  # noqa: E711
        quiz = quizzes.create_quiz(
            session,
            unit_id=province.id,  # type: ignore[arg-type]
            settings=quizzes.QuizSettings(
                title=title,
                opens_at=now - timedelta(minutes=1),
                closes_at=now + timedelta(days=1),
                question_seconds=20,
                speed_bonus=True,
                streak_bonus=True,
            ),
            questions=quiz_drafts(),
            now=now,
        )
        return quiz.id  # type: ignore[return-value]


def pending_ids(runtime: Runtime) -> list[int]:
    spool = runtime.processor.spool
    if spool is not None:
        spool.move_into(runtime.engine, runtime.clock.now())
    with Session(runtime.engine) as session:
        return list(
            session.exec(
                select(InboundUpdate.id)
                .where(InboundUpdate.status == InboundStatus.PENDING)
                .order_by(col(InboundUpdate.id))
            )
        )


async def take(runtime: Runtime, users: list[ChatUser], quiz_id: int, *, batched: bool):  # type: ignore[no-untyped-def]
    """Everyone takes the quiz as PLAN says. Batched: a question's answers are all stored,
    wait BACKLOG seconds, and are processed as one batch; otherwise each is processed alone
    (`Processor.process`, nothing held) the moment it arrives, and the clock then moves on
    as far. Returns the replies to each
    answer, by question and person."""
    replies: list[list[str]] = []
    for user in users:
        await user.say(payload=Start(quiz_id).pack())
    for number, plan in enumerate(PLAN):
        asked = runtime.clock.now()
        buttons = [
            answer_button(user, (RIGHT if right else WRONG)[number])
            for user, (_s, right) in zip(users, plan, strict=True)
        ]
        for user, (seconds, right), payload in zip(users, plan, buttons, strict=True):
            runtime.clock.current = asked + timedelta(seconds=seconds)  # type: ignore[attr-defined]
            label = "B" if right else "A"
            response = await user.post(text=label, payload=payload)
            assert response.status_code == 202
            if not batched:
                for inbound_id in pending_ids(runtime):
                    runtime.processor.process(inbound_id)
        runtime.clock.advance(seconds=BACKLOG)  # the two runs keep the same timeline
        if batched:
            assert len(pending_ids(runtime)) == len(users)
            assert runtime.processor.process_pending() == len(users)  # one batch
        replies.append([user.texts(await user.replies()) for user in users])
        if number < len(PLAN) - 1:
            runtime.clock.advance(seconds=30)
            for user in users:
                await user.tap("Câu tiếp theo")
    return replies


def scores(runtime: Runtime, quiz_id: int, started: datetime) -> dict[str, object]:
    """The quiz's score tables, times counted from the quiz's start (the two quizzes are
    taken at different times)."""
    scope = quiz_scope(quiz_id)
    with Session(runtime.engine) as session:
        members = {
            s.member_id: (s.points, s.entries, s.reached_at - started, s.unit_id)
            for s in session.exec(select(MemberScore).where(MemberScore.scope == scope))
        }
        histogram = {
            (h.level, h.key): h.members
            for h in session.exec(select(ScoreHistogram).where(ScoreHistogram.scope == scope))
            if h.members
        }
        units = {
            u.unit_id: (u.points, u.participants, u.members, u.reached_at - started)
            for u in session.exec(select(UnitScore).where(UnitScore.scope == scope))
        }
        ledger = sorted(
            (e.member_id, e.points, e.created_at - started)
            for e in session.exec(select(PointsEntry).where(PointsEntry.extra_scope == scope))
        )
        first = min(q.id for q in quizzes.questions_of(session, quiz_id=quiz_id))  # type: ignore[type-var]
        answers = sorted(
            (a.member_id, r.question_id - first, r.option, r.points, r.elapsed_ms, r.late)
            for r, a in session.exec(
                select(QuizAnswer, QuizAttempt).where(
                    QuizAnswer.attempt_id == QuizAttempt.id, QuizAttempt.quiz_id == quiz_id
                )
            )
        )
        attempts = sorted(
            (a.member_id, a.score, a.correct_count, a.streak, a.finished_at - started)  # type: ignore[operator]
            for a in session.exec(select(QuizAttempt).where(QuizAttempt.quiz_id == quiz_id))
        )
    return {
        "members": members,
        "histogram": histogram,
        "units": units,
        "ledger": ledger,
        "answers": answers,
        "attempts": attempts,
    }


async def test_a_batch_of_answers_scores_as_one_at_a_time(
    client: httpx.AsyncClient, runtime: Runtime
):
    batched_quiz = make_quiz(runtime, "Hiểu luật, giữ quyền")
    alone_quiz = make_quiz(runtime, "Hiểu luật, giữ quyền")  # the same quiz, again
    users = [await ChatUser(client, runtime).open() for _ in NAMES]
    for user, name in zip(users, NAMES, strict=True):
        await join(user, name)

    started_batched = runtime.clock.now()
    batched = await take(runtime, users, batched_quiz, batched=True)
    runtime.clock.advance(hours=1)
    started_alone = runtime.clock.now()
    alone = await take(runtime, users, alone_quiz, batched=False)

    # the same feedback, points, totals and ranks, word for word
    assert batched == alone
    finished = batched[-1]
    assert "xếp hạng 1/5" in "\n".join(finished)
    assert all("xếp hạng" in text for text in finished)
    assert "Đã hết thời gian cho câu hỏi này (20 giây)" in batched[0][4]
    # and the same rows: answers, attempts, ledger, scores, histogram, units
    held = scores(runtime, batched_quiz, started_batched)
    plain = scores(runtime, alone_quiz, started_alone)
    assert held == plain
    # the histogram is what the members' scores say
    expected: dict[tuple[int, int], int] = defaultdict(int)
    for points, _entries, _at, _unit in held["members"].values():  # type: ignore[attr-defined]
        for key in histogram_keys(points):
            expected[key] += 1
    assert held["histogram"] == dict(expected)


async def test_a_double_tap_in_one_batch_counts_once(client: httpx.AsyncClient, runtime: Runtime):
    quiz_id = make_quiz(runtime, "Hiểu luật, giữ quyền")
    lan, binh = [await ChatUser(client, runtime).open() for _ in range(2)]
    await join(lan, NAMES[0])
    await join(binh, NAMES[1])
    for user in (lan, binh):
        await user.say(payload=Start(quiz_id).pack())
    runtime.clock.advance(seconds=4)
    for user, option in ((lan, "300 giờ"), (binh, "300 giờ"), (lan, "200 giờ")):
        response = await user.post(text="B", payload=answer_button(user, option))
        assert response.status_code == 202
    assert runtime.processor.process_pending() == 3  # one batch
    texts = lan.texts(await lan.replies())
    assert texts.count("Chính xác! +900 điểm") == 1  # 4 s of 20: 1000 - 1000 * 4 / 40
    assert "chỉ câu trả lời đầu tiên được tính" in texts
    assert "Chính xác! +900 điểm" in binh.texts(await binh.replies())
    with Session(runtime.engine) as session:
        points = session.exec(select(PointsEntry.points).order_by(col(PointsEntry.id))).all()
        assert list(points) == [900, 900]
        chosen = session.exec(select(QuizAnswer.option).order_by(col(QuizAnswer.id))).all()
        assert list(chosen) == [1, 1]  # Lan's second tap changed nothing


async def test_a_telegram_answer_that_waited_scores_as_if_processed_at_once(
    fake: FakeTelegram, tg_client: httpx.AsyncClient, tg_runtime: Runtime
) -> None:
    """Telegram's button tap carries no time of its own: it is timed by when the webhook
    stored it (in the inbound spool on SQLite), not by when processing reached it, so a
    minute's backlog (three times the question's limit) costs nothing."""
    make_quiz(tg_runtime, "Hiểu luật, giữ quyền")
    lan = TelegramChat(fake, tg_client, tg_runtime, fake.user(7_301_598_001, "Lan"))
    await join_telegram(lan, "Nguyễn Thị Lan")
    await lan.say("/menu")
    await lan.tap("Thi tìm hiểu")
    question = await lan.tap("Hiểu luật, giữ quyền")
    right = next(b for b in lan.labels(question) if b.endswith(". 300 giờ"))
    tg_runtime.clock.advance(seconds=5)
    tap = fake.tap(lan.person, right)
    response = await lan.post(tap)  # stored, not processed
    assert response.status_code == 200
    tg_runtime.clock.advance(seconds=BACKLOG)  # processing is a minute behind
    processed = tg_runtime.clock.now()
    feedback = lan.texts(await lan.replies())
    with Session(tg_runtime.engine) as session:
        stored = session.exec(
            select(InboundUpdate).where(InboundUpdate.external_id == str(tap["update_id"]))
        ).one()
        answer, attempt = session.exec(
            select(QuizAnswer, QuizAttempt).where(QuizAnswer.attempt_id == QuizAttempt.id)
        ).one()
    assert stored.status == InboundStatus.DONE
    assert processed - attempt.asked_at > timedelta(seconds=BACKLOG)  # late, if timed so
    # timed by the moment the webhook stored it, as if processed at once
    assert answer.answered_at == stored.received_at < processed
    elapsed = stored.received_at - attempt.asked_at
    assert answer.elapsed_ms == elapsed // timedelta(milliseconds=1) < 20_000
    assert not answer.late
    points = 1000 - 1000 * answer.elapsed_ms // 40_000
    assert answer.points == points > 500
    assert f"Chính xác! +{points} điểm" in feedback


async def test_one_persons_answers_to_two_quizzes_and_a_double_tap_in_one_batch(
    client: httpx.AsyncClient, runtime: Runtime, caplog: pytest.LogCaptureFixture
):
    """A batch reads its answers at once (`quizzes.service.prefetch_answers`): a person's
    first answer in it is served from that read, their later ones read again after what the
    batch holds is written, so the second quiz scores and the double tap is refused, all in
    the batch (not by rolling it back and answering one by one)."""
    caplog.set_level(logging.INFO, logger="core.processing")
    first, second = make_quiz(runtime, "Quiz A"), make_quiz(runtime, "Quiz B")
    lan, binh = [await ChatUser(client, runtime).open() for _ in range(2)]
    await join(lan, NAMES[0])
    await join(binh, NAMES[1])
    buttons: dict[tuple[str, int], dict[str, str]] = {}
    for name, user in (("lan", lan), ("binh", binh)):
        for quiz in (first, second):
            await user.say(payload=Start(quiz).pack())
            buttons[(name, quiz)] = {o: answer_button(user, o) for o in ("300 giờ", "200 giờ")}
    runtime.clock.advance(seconds=4)
    for user, key, option in (
        (lan, ("lan", first), "300 giờ"),
        (binh, ("binh", first), "300 giờ"),
        (lan, ("lan", second), "300 giờ"),
        (lan, ("lan", first), "200 giờ"),  # a second answer to the first quiz's question
    ):
        response = await user.post(text="B", payload=buttons[key][option])
        assert response.status_code == 202
    assert runtime.processor.process_pending() == 4  # one batch
    assert "rolled back" not in caplog.text
    texts = lan.texts(await lan.replies())
    assert texts.count("Chính xác! +900 điểm") == 2  # 4 s of 20: 1000 - 1000 * 4 / 40
    assert "chỉ câu trả lời đầu tiên được tính" in texts
    assert "Chính xác! +900 điểm" in binh.texts(await binh.replies())
    with Session(runtime.engine) as session:
        scored = session.exec(
            select(QuizAttempt.quiz_id, QuizAttempt.member_id, QuizAttempt.score).where(
                QuizAttempt.score > 0
            )
        ).all()
        assert len(scored) == 3
        chosen = session.exec(select(QuizAnswer.option)).all()
        assert list(chosen) == [1, 1, 1]  # the double tap changed nothing
        ledger = session.exec(select(PointsEntry.points)).all()
        assert list(ledger) == [900, 900, 900]


async def test_a_batchs_ranks_are_read_at_its_start_in_one_round_trip_on_postgresql(
    client: httpx.AsyncClient, runtime: Runtime
):
    """The ranks of a batch's answers that finish an attempt are read at the batch's start
    (`quizzes.service.prefetch_answers`): on PostgreSQL all in one `executemany` (psycopg's
    pipeline: one round trip), on SQLite one statement per finished answer, as before. The
    replies are those of answering one at a time (the test above, on both databases)."""
    quiz_id = make_quiz(runtime, "Hiểu luật, giữ quyền")
    users = [await ChatUser(client, runtime).open() for _ in NAMES]
    for user, name in zip(users, NAMES, strict=True):
        await join(user, name)
    rank_sql = leaderboards._RANK._compile(runtime.engine.dialect).sql
    seen: list[bool] = []  # each execution of the rank statement: whether an executemany

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement == rank_sql:
            seen.append(executemany)

    event.listen(runtime.engine, "before_cursor_execute", record)
    try:
        replies = await take(runtime, users, quiz_id, batched=True)
    finally:
        event.remove(runtime.engine, "before_cursor_execute", record)
    assert all("xếp hạng" in text for text in replies[-1])
    if runtime.engine.dialect.name == "postgresql":
        assert seen == [True]  # the last question's batch: five ranks in one round trip
    else:
        assert seen == [False] * len(NAMES)
