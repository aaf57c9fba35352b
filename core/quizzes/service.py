"""Quiz services: authoring, taking a quiz, and the results a member may see."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, bindparam, cast, exists, func, literal, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from core.campaigns import service as campaigns
from core.campaigns.models import Campaign
from core.errors import ConcurrencyConflict, DomainError, Forbidden, InvalidInput, NotFound
from core.held import HeldWrites
from core.leaderboards.service import MyRank, RankAsked, rank_at, ranks_at
from core.members import service as members
from core.members.models import Consent, ConsentPurpose, Member, UnionUnit
from core.points import service as points
from core.points.held import HeldAwards, score_after
from core.points.models import MemberScore, PointsSource
from core.points.rules import DEFAULT_TZ, quiz_scope
from core.points.service import Score
from core.quizzes import rules, takers
from core.quizzes.bank import QuestionDraft
from core.quizzes.held import HeldAnswers
from core.quizzes.models import Quiz, QuizAnswer, QuizAttempt, QuizQuestion
from core.quizzes.scoring import ScoringSwitches, answer_points, late, next_streak
from core.storage.upsert import insert_for

MAX_TITLE = 200


@dataclass(frozen=True)
class QuizSettings:
    title: str
    opens_at: datetime
    closes_at: datetime
    question_seconds: int | None = 30
    attempts_allowed: int = 1
    base_points: int = 1000
    speed_bonus: bool = True
    streak_bonus: bool = False
    shuffle_options: bool = True
    campaign_id: int | None = None


@dataclass(frozen=True)
class AnswerResult:
    correct: bool
    late: bool
    points: int
    correct_options: tuple[str, ...]
    explanation: str
    finished: bool
    counted: bool  # False on a second or later attempt: it earns no points
    questions: int  # in the quiz
    attempt_id: int
    quiz_id: int
    title: str  # the quiz's
    question_seconds: int | None  # the quiz's time limit per question
    correct_count: int  # the attempt's, with this answer
    score: int  # the attempt's, with this answer
    standing: Score | None  # the member's score in the quiz's scope, when the answer counted
    # the member's rank in the quiz, when the answer was held for its batch and finished a
    # counted attempt (core/held.py); otherwise the caller reads it from `standing`
    rank: MyRank | None = None


def options_of(question: QuizQuestion) -> list[str]:
    return list(json.loads(question.options))


def check_settings(s: QuizSettings) -> None:
    if not s.title.strip() or len(s.title) > MAX_TITLE:
        raise InvalidInput("bad_title", f"the title must have 1 to {MAX_TITLE} characters")
    if s.closes_at <= s.opens_at:
        raise InvalidInput("closes_before_opening", "the quiz must close after it opens")
    if s.question_seconds is not None and not 5 <= s.question_seconds <= 3600:
        raise InvalidInput("bad_time_limit", "the time limit is 5 to 3600 seconds per question")
    if not 1 <= s.attempts_allowed <= 10:
        raise InvalidInput("bad_attempts", "1 to 10 attempts")
    if not 1 <= s.base_points <= 10_000:
        raise InvalidInput("bad_points", "1 to 10000 points per question")


def create_quiz(
    session: Session,
    *,
    unit_id: int,
    settings: QuizSettings,
    questions: Sequence[QuestionDraft],
    now: datetime,
    created_by: int | None = None,
    publish: bool = True,
) -> Quiz:
    check_settings(settings)
    unit = session.get(UnionUnit, unit_id)
    if unit is None:
        raise NotFound("unit_unknown")
    if settings.campaign_id is not None:
        campaign = session.get(Campaign, settings.campaign_id)
        if campaign is None:
            raise NotFound("campaign_unknown")
        owner = session.get(UnionUnit, campaign.unit_id)
        if owner is None or not members.is_in_subtree(unit, owner):
            raise InvalidInput("campaign_of_another_unit", "the campaign is of another unit")
    quiz = Quiz(
        unit_id=unit_id,
        campaign_id=settings.campaign_id,
        title=settings.title.strip(),
        opens_at=settings.opens_at,
        closes_at=settings.closes_at,
        question_seconds=settings.question_seconds,
        attempts_allowed=settings.attempts_allowed,
        base_points=settings.base_points,
        speed_bonus=settings.speed_bonus,
        streak_bonus=settings.streak_bonus,
        shuffle_options=settings.shuffle_options,
        created_by=created_by,
        created_at=now,
    )
    session.add(quiz)
    session.flush()
    for draft in questions:
        add_question(session, quiz=quiz, draft=draft)
    if publish:
        publish_quiz(session, quiz=quiz, now=now)
    return quiz


def add_question(session: Session, *, quiz: Quiz, draft: QuestionDraft) -> QuizQuestion:
    if quiz.published_at is not None:
        raise DomainError("quiz_published", "a published quiz cannot change")
    position = len(questions_of(session, quiz_id=quiz.id)) + 1  # type: ignore[arg-type]
    question = QuizQuestion(
        quiz_id=quiz.id,  # type: ignore[arg-type]
        position=position,
        text=draft.text,
        options=json.dumps(list(draft.options), ensure_ascii=False),
        correct=rules.format_correct(draft.correct),
        explanation=draft.explanation,
    )
    session.add(question)
    session.flush()
    return question


def publish_quiz(session: Session, *, quiz: Quiz, now: datetime) -> None:
    if not questions_of(session, quiz_id=quiz.id):  # type: ignore[arg-type]
        raise InvalidInput("no_questions", "a quiz needs at least one question")
    quiz.published_at = now
    session.flush()


def questions_of(session: Session, *, quiz_id: int) -> list[QuizQuestion]:
    return list(
        session.exec(
            select(QuizQuestion)
            .where(QuizQuestion.quiz_id == quiz_id)
            .order_by(col(QuizQuestion.position))
        )
    )


def drafts_of(session: Session, *, quiz_id: int) -> list[QuestionDraft]:
    return [
        QuestionDraft(q.text, tuple(options_of(q)), rules.parse_correct(q.correct), q.explanation)
        for q in questions_of(session, quiz_id=quiz_id)
    ]


def question_count(session: Session, *, quiz_id: int) -> int:
    return len(questions_of(session, quiz_id=quiz_id))


def recently_closed(
    session: Session, *, member: Member, now: datetime, days: int, limit: int = 3
) -> list[Quiz]:
    """Quizzes the member took that closed in the last `days`, newest first."""
    taken = select(QuizAttempt.quiz_id).where(QuizAttempt.member_id == member.id)
    return list(
        session.exec(
            select(Quiz)
            .where(
                col(Quiz.id).in_(taken),
                Quiz.closes_at <= now,
                Quiz.closes_at > now - timedelta(days=days),
            )
            .order_by(col(Quiz.closes_at).desc())
            .limit(limit)
        )
    )


def get_quiz(session: Session, *, quiz_id: int) -> Quiz:
    quiz = session.get(Quiz, quiz_id)
    if quiz is None:
        raise NotFound("quiz_unknown")
    return quiz


def may_take(session: Session, *, quiz: Quiz, member: Member) -> bool:
    """A member of the quiz's unit or below; for a campaign's quiz, also of the campaign's
    audience (its units and worker groups) while the campaign runs."""
    unit = session.get(UnionUnit, member.unit_id)
    owner = session.get(UnionUnit, quiz.unit_id)
    if unit is None or owner is None or not members.is_in_subtree(unit, owner):
        return False
    if quiz.campaign_id is None:
        return True
    running = campaigns.running_for_member(session, member=member)
    return any(c.id == quiz.campaign_id for c in running)


def quizzes_for(session: Session, *, member: Member, now: datetime) -> list[Quiz]:
    """Published quizzes open now for the member's unit or a unit above it."""
    unit = session.get(UnionUnit, member.unit_id)
    if unit is None:
        return []
    ancestors = [int(part) for part in unit.path.strip("/").split("/") if part]
    found = list(
        session.exec(
            select(Quiz)
            .where(
                col(Quiz.unit_id).in_(ancestors),
                col(Quiz.published_at).is_not(None),
                Quiz.opens_at <= now,
                Quiz.closes_at > now,
            )
            .order_by(col(Quiz.closes_at), col(Quiz.id))
        )
    )
    running = {c.id for c in campaigns.running_for_member(session, member=member)}
    return [q for q in found if q.campaign_id is None or q.campaign_id in running]


def attempts_of(session: Session, *, quiz_id: int, member_id: int) -> list[QuizAttempt]:
    return list(
        session.exec(
            select(QuizAttempt)
            .where(QuizAttempt.quiz_id == quiz_id, QuizAttempt.member_id == member_id)
            .order_by(col(QuizAttempt.number))
        )
    )


def require_taker(session: Session, *, member: Member) -> None:
    if not members.has_consent(
        session,
        member_id=member.id,  # type: ignore[arg-type]
        purpose=ConsentPurpose.DATA_PROCESSING,
    ):
        raise Forbidden("no_consent")


def start_attempt(
    session: Session, *, member: Member, quiz_id: int, now: datetime, key: bytes
) -> tuple[QuizAttempt, QuizQuestion]:
    """The member's attempt in progress, or a new one; and the question to show: in an attempt
    left half-way, the first question not answered yet (an answered one is never shown again).
    Attempts the same person made before a /forget count too (`key`: the privacy key of the
    hashes that recognise them, core/quizzes/takers.py): a retake earns no points."""
    require_taker(session, member=member)
    quiz = get_quiz(session, quiz_id=quiz_id)
    if not may_take(session, quiz=quiz, member=member):
        raise Forbidden("not_for_you" if quiz.campaign_id else "not_for_your_unit")
    state = rules.availability(
        opens_at=quiz.opens_at,
        closes_at=quiz.closes_at,
        published=quiz.published_at is not None,
        now=now,
    )
    if state != "open":
        raise DomainError(state)
    attempts = attempts_of(session, quiz_id=quiz_id, member_id=member.id)  # type: ignore[arg-type]
    if attempts and attempts[-1].finished_at is None:
        attempt = attempts[-1]
        return attempt, next_question(session, member=member, attempt_id=attempt.id, now=now)  # type: ignore[arg-type]
    used = len(attempts) + takers.former_attempts(
        session,
        key=key,
        quiz_id=quiz_id,
        identities=members.identities_of(session, member_id=member.id),  # type: ignore[arg-type]
    )
    if used >= quiz.attempts_allowed:
        raise DomainError("no_attempts_left")
    attempt = QuizAttempt(
        quiz_id=quiz_id,
        member_id=member.id,  # type: ignore[arg-type]
        number=used + 1,
        position=1,
        asked_at=now,
        started_at=now,
    )
    try:
        with session.begin_nested():
            session.add(attempt)
            session.flush()
    except IntegrityError as exc:  # the same member started on another messenger just now
        raise ConcurrencyConflict(str(exc)) from exc
    return attempt, _question_at(session, attempt)


def _question_at(session: Session, attempt: QuizAttempt) -> QuizQuestion:
    question = session.exec(
        select(QuizQuestion).where(
            QuizQuestion.quiz_id == attempt.quiz_id, QuizQuestion.position == attempt.position
        )
    ).first()
    if question is None:
        raise NotFound("question_unknown")
    return question


def own_attempt(session: Session, *, member: Member, attempt_id: int) -> QuizAttempt:
    attempt = session.get(QuizAttempt, attempt_id)
    if attempt is None:
        raise NotFound("attempt_unknown")
    if attempt.member_id != member.id:
        raise Forbidden("not_your_attempt")
    return attempt


def _answerable(
    session: Session, *, member: Member, attempt_id: int, question_id: int
) -> tuple[QuizAttempt, QuizQuestion, Quiz]:
    """The attempt, question and quiz of an answer, or why it cannot be given now."""
    require_taker(session, member=member)
    attempt = own_attempt(session, member=member, attempt_id=attempt_id)
    question = session.get(QuizQuestion, question_id)
    if question is None or question.quiz_id != attempt.quiz_id:
        raise InvalidInput("wrong_quiz")
    quiz = get_quiz(session, quiz_id=attempt.quiz_id)
    already = session.exec(
        select(QuizAnswer).where(
            QuizAnswer.attempt_id == attempt.id, QuizAnswer.question_id == question.id
        )
    ).first()
    if already is not None:
        raise DomainError("already_answered")
    if attempt.finished_at is not None or question.position != attempt.position:
        raise DomainError("not_current")
    return attempt, question, quiz


def _read_answerable(session: Session, *, member: Member, attempt_id: int, question_id: int) -> Any:
    """The attempt, question and quiz of an answer, the quiz's question count and the size of
    the member's unit, read in one statement; on anything unusual, `_answerable` says why the
    answer cannot be given now, in the order it checks."""
    session.flush()  # the statement below reads through the connection
    row = (
        session.connection()
        .execute(
            _ANSWERABLE,
            {
                "attempt_id": attempt_id,
                "question_id": question_id,
                "member_id": member.id,
                "unit_id": member.unit_id,
            },
        )
        .first()
    )
    if row is None or _unusual(row, member):
        _answerable(session, member=member, attempt_id=attempt_id, question_id=question_id)
        raise ConcurrencyConflict(f"attempt {attempt_id} changed while it was read")
    return row


def _unusual(row: Any, member: Member) -> bool:
    return bool(
        not row.consent
        or row.member_id != member.id
        or row.question_quiz != row.quiz_id
        or row.already
        or row.finished_at is not None
        or row.question_position != row.position
    )


class _Prefetched:
    """A batch's answers as read at its start (`prefetch_answers`, in `HeldWrites.reads`):
    each member's first answer in the batch is served from here, any later one reads again
    (after the batch's held writes are written: `answer`)."""

    NAME = "quiz_answerable"

    def __init__(self, rows: dict[tuple[int, int], Any]) -> None:
        self.rows = rows  # (attempt, question) -> row
        self.used: set[int] = set()  # members served

    def take(self, member: Member, attempt_id: int, question_id: int) -> Any:
        if member.id in self.used:
            return None
        self.used.add(member.id)  # type: ignore[arg-type]
        row = self.rows.pop((attempt_id, question_id), None)
        return None if row is None or _unusual(row, member) else row


class _RanksAhead:
    """The database's ranks of a batch's answers that finish a counted attempt, read at the
    batch's start in one round trip (`prefetch_answers`, in `HeldWrites.reads`) for the
    scores those answers are expected to reach. A finished answer takes its rank from here
    when its score is the one expected and nothing held has been written since (the
    database's scores are then as they were read); otherwise `rank_at` reads it."""

    NAME = "quiz_ranks_ahead"

    def __init__(self, ranks: dict[RankAsked, MyRank], written: int) -> None:
        self.ranks = ranks
        self.written = written  # `HeldWrites.written` when they were read

    def get(self, held: HeldWrites, asked: RankAsked) -> MyRank | None:
        return self.ranks.get(asked) if held.written == self.written else None


def prefetch_answers(
    session: Session, held: HeldWrites, taps: Sequence[tuple[Member, Any, datetime]]
) -> None:
    """Read what the answers of a batch (`Answer` taps, with who tapped and the update's own
    time) need in one statement, for `answer` to take instead of reading each; anything
    unusual in a row is left for `answer` to read again and say why. Where each statement is
    a round trip (PostgreSQL), the ranks of the answers that finish a counted attempt too."""
    if not taps:
        return
    session.flush()  # the statement below reads through the connection
    connection = session.connection()
    found = connection.execute(
        _ANSWERABLE_MANY,
        {
            "attempt_ids": sorted({data.attempt for _m, data, _at in taps}),
            "question_ids": sorted({data.question for _m, data, _at in taps}),
        },
    )
    rows = {(row.attempt_id, row.question_id): row for row in found}
    if connection.dialect.name != "sqlite":  # SQLite: a rank read when needed costs as much
        asked = _ranks_asked(taps, rows)
        held.reads[_RanksAhead.NAME] = _RanksAhead(
            dict(zip(asked, ranks_at(session, asked), strict=True)), held.written
        )
    held.reads[_Prefetched.NAME] = _Prefetched(rows)  # its answers take (pop) their rows


def _ranks_asked(
    taps: Sequence[tuple[Member, Any, datetime]], rows: dict[tuple[int, int], Any]
) -> list[RankAsked]:
    """The rank each member's first answer in the batch would ask for, if it finishes a
    counted attempt: its standing in the quiz as `_judge` gives it to `answer`, when the
    update's own time is not after its processing."""
    asked: dict[RankAsked, None] = {}
    seen: set[int] = set()
    for member, data, at in taps:
        if member.id in seen:
            continue
        seen.add(member.id)  # type: ignore[arg-type]
        row = rows.get((data.attempt, data.question))
        if row is None or _unusual(row, member) or row.number != 1:
            continue
        if row.position < row.questions:  # not the last question
            continue
        try:
            o = _judge(row, option=data.option, now=max(at, row.asked_at or at), answered_at=at)
        except DomainError:
            continue
        scope, standing = quiz_scope(row.quiz_id), o.standing
        asked[RankAsked(scope, member.id, standing.points, standing.reached_at)] = None  # type: ignore[arg-type]
    return list(asked)


def _move_on(
    session: Session, row: Any, earned: int, counted_correct: bool, finished_at: datetime | None
) -> Any:
    """Advance the attempt past its question, unless another answer did it first; returns its
    streak, score, correct count and finish time as they are now."""
    moved = (
        session.connection()
        .execute(
            _MOVE_ON,
            {
                "b_id": row.attempt_id,
                "b_position": row.position,
                "streak": next_streak(streak_before=row.streak, counted_correct=counted_correct),
                "earned": earned,
                "correct": int(counted_correct),
                "finished_at": finished_at,
            },
        )
        .first()
    )
    if moved is None:
        raise ConcurrencyConflict(f"attempt {row.attempt_id} moved on")
    held = session.identity_map.get(session.identity_key(QuizAttempt, row.attempt_id))
    if held is not None:  # loaded earlier in this transaction: keep it true
        for name, value in zip(_MOVED, moved, strict=True):
            set_committed_value(held, name, value)
    return moved


def answer(
    session: Session,
    *,
    member: Member,
    attempt_id: int,
    question_id: int,
    option: int,
    now: datetime,
    tz: str = DEFAULT_TZ,
    answered_at: datetime | None = None,
    held: HeldWrites | None = None,
) -> AnswerResult:
    """Score an answer. `answered_at` is when the platform says the person answered (the
    update's own time): speed and the closing time are judged by it, not by when a backlog
    let us process it. It is bounded by the question's asking and by `now`.

    `held`: the batch's held writes (core/held.py), where the answer's rows and scores wait
    to be written with the rest of the batch's; without it they are written now."""
    if held is not None and _holds(session, held, member.id):  # type: ignore[arg-type]
        held.flush()  # the same person again in this batch: read what they did before
    prefetched = held.reads.get(_Prefetched.NAME) if held is not None else None
    row = None
    if isinstance(prefetched, _Prefetched):
        row = prefetched.take(member, attempt_id, question_id)
    if row is None:
        row = _read_answerable(
            session, member=member, attempt_id=attempt_id, question_id=question_id
        )
    outcome = _judge(row, option=option, now=now, answered_at=answered_at)
    if held is not None:
        return _hold(session, held, member=member, row=row, option=option, outcome=outcome, tz=tz)
    connection = session.connection()
    o = outcome
    stored = connection.execute(
        _answer_insert(connection.dialect.name),
        {
            "attempt_id": attempt_id,
            "question_id": question_id,
            "option": option,
            "correct": o.correct,
            "late": o.late,
            "elapsed_ms": o.elapsed_ms,
            "points": o.points,
            "answered_at": o.when,
        },
    ).first()
    if stored is None:  # a double tap processed at the same moment: retry, see it
        raise ConcurrencyConflict(f"question {question_id} of attempt {attempt_id} answered")
    moved = _move_on(session, row, o.points, o.correct, o.when if o.finished else None)
    standing = _award(session, member, row, o.points, o.when, tz) if row.number == 1 else None
    return _result(row, o, moved.correct_count, moved.score, standing)


def _judge(row: Any, *, option: int, now: datetime, answered_at: datetime | None) -> _Outcome:
    """The answer's points, time and correctness, or why it cannot be given; and the
    member's score in the quiz before and after it (their standing if the attempt counts:
    the score read with the row, moved as the answer's award moves it). `answer` and the
    batch's ranks read ahead (`_ranks_asked`) both judge a tap here, so that the score a
    rank is read ahead for is the score the answer reaches."""
    asked_at = row.asked_at or now
    when = min(max(answered_at or now, asked_at), now)
    if when >= row.closes_at:
        raise DomainError("closed")
    options = json.loads(row.options)
    if not 0 <= option < len(options):
        raise InvalidInput("bad_option")
    correct_set = rules.parse_correct(row.correct)
    elapsed = rules.elapsed_ms(asked_at, when)
    limit = row.question_seconds * 1000 if row.question_seconds else None
    is_late = late(elapsed_ms=elapsed, limit_ms=limit)
    earned = answer_points(
        correct=option in correct_set,
        elapsed_ms=elapsed,
        limit_ms=limit,
        streak_before=row.streak,
        switches=ScoringSwitches(row.base_points, row.speed_bonus, row.streak_bonus),
    )
    before = None if row.quiz_points is None else Score(row.quiz_points, row.quiz_reached_at)
    return _Outcome(
        correct=option in correct_set and not is_late,
        late=is_late,
        elapsed_ms=elapsed,
        points=earned,
        when=when,
        finished=row.position >= row.questions,
        correct_options=tuple(options[i] for i in sorted(correct_set)),
        before=before,
        standing=score_after(before, earned, when),
    )


def _result(
    row: Any,
    o: _Outcome,
    correct_count: int,
    score: int,
    standing: Score | None,
    rank: MyRank | None = None,
) -> AnswerResult:
    return AnswerResult(
        correct=o.correct,
        late=o.late,
        points=o.points,
        correct_options=o.correct_options,
        explanation=row.explanation,
        finished=o.finished,
        counted=row.number == 1,
        questions=row.questions,
        attempt_id=row.attempt_id,
        quiz_id=row.quiz_id,
        title=row.title,
        question_seconds=row.question_seconds,
        correct_count=correct_count,
        score=score,
        standing=standing,
        rank=rank,
    )


@dataclass(frozen=True)
class _Outcome:
    correct: bool  # counted correct: right and in time
    late: bool
    elapsed_ms: int
    points: int
    when: datetime  # when the person answered, as judged
    finished: bool  # the attempt's last question
    correct_options: tuple[str, ...]
    before: Score | None  # the member's score in the quiz before the answer (None: none yet)
    standing: Score  # ... and after it, as its award leaves it (a counted attempt's)


def _holds(session: Session, held: HeldWrites, member_id: int) -> bool:
    answers = held.part("quiz_answers", lambda: HeldAnswers(session))
    return answers.holds(member_id) or held.part("points", HeldAwards).holds(member_id)


def _hold(
    session: Session,
    held: HeldWrites,
    *,
    member: Member,
    row: Any,
    option: int,
    outcome: _Outcome,
    tz: str,
) -> AnswerResult:
    """`answer` with its writes held for the batch: the same rows, the same result."""
    o = outcome
    streak = next_streak(streak_before=row.streak, counted_correct=o.correct)
    finished_at = o.when if o.finished else None
    score, correct_count = row.score + o.points, row.correct_count + int(o.correct)
    held.part("quiz_answers", lambda: HeldAnswers(session)).hold(
        member_id=member.id,  # type: ignore[arg-type]
        answer={
            "attempt_id": row.attempt_id,
            "question_id": row.question_id,
            "option": option,
            "correct": o.correct,
            "late": o.late,
            "elapsed_ms": o.elapsed_ms,
            "points": o.points,
            "answered_at": o.when,
        },
        move={
            "b_id": row.attempt_id,
            "b_position": row.position,
            "streak": streak,
            "earned": o.points,
            "correct": int(o.correct),
            "finished_at": finished_at,
        },
        after=(streak, score, correct_count, finished_at),
    )
    standing = rank = None
    if row.number == 1:
        scope = quiz_scope(row.quiz_id)
        awards = held.part("points", HeldAwards)
        awards.award(
            member_id=member.id,  # type: ignore[arg-type]
            unit_id=member.unit_id,  # type: ignore[arg-type]
            points=o.points,
            source=PointsSource.QUIZ_ANSWER,
            source_id=f"{row.attempt_id}:{row.question_id}",
            now=o.when,
            unit_members=int(row.unit_members),
            campaign_id=row.campaign_id,
            extra_scope=scope,
            tz=tz,
            ranked=member.forgotten_at is None,
            before={scope: o.before},
        )
        standing = o.standing
        if o.finished:
            rank = _held_rank(session, held, awards, scope, member.id, standing)  # type: ignore[arg-type]
    return _result(row, o, correct_count, score, standing, rank)


def _held_rank(
    session: Session,
    held: HeldWrites,
    awards: HeldAwards,
    scope: str,
    member_id: int,
    standing: Score,
) -> MyRank:
    """The member's rank in the quiz with the batch's held awards counted: the database's
    (which has none of them) corrected by them, or, if that cannot be known, the database's
    after they are written."""
    change = awards.rank_change(
        scope, member_id=member_id, points=standing.points, reached_at=standing.reached_at
    )
    if change is None:
        held.flush()
    else:
        ahead = held.reads.get(_RanksAhead.NAME)
        if isinstance(ahead, _RanksAhead):
            read = ahead.get(
                held, RankAsked(scope, member_id, standing.points, standing.reached_at)
            )
            if read is not None:
                return MyRank(read.rank + change[0], read.points, read.out_of + change[1])
    found = rank_at(
        session,
        scope=scope,
        member_id=member_id,
        points=standing.points,
        reached_at=standing.reached_at,
    )
    if change is None:
        return found
    above, joined = change
    return MyRank(found.rank + above, found.points, found.out_of + joined)


def _award(
    session: Session, member: Member, row: Any, earned: int, when: datetime, tz: str
) -> Score | None:
    """The first attempt's answer in the ledger and the scores; the member's quiz score."""
    award = points.award(
        session,
        member_id=member.id,  # type: ignore[arg-type]
        points=earned,
        source=PointsSource.QUIZ_ANSWER,
        source_id=f"{row.attempt_id}:{row.question_id}",
        now=when,
        campaign_id=row.campaign_id,
        extra_scope=quiz_scope(row.quiz_id),
        tz=tz,
        unit_members=row.unit_members,
    )
    return award.scores.get(quiz_scope(row.quiz_id))


def _answerable_statement(*, many: bool = False) -> Any:
    """What `answer` reads, for :attempt_id, :question_id, :member_id and :unit_id; `many`:
    the same for every attempt of :attempt_ids and each question of :question_ids in the
    attempt's quiz, with the consent, unit and score of the attempt's member (a batch's
    answers, read at once: `prefetch_answers`)."""
    attempts, questions, quizzes = _attempts, QuizQuestion.__table__, Quiz.__table__  # type: ignore[attr-defined]
    consents, answers = Consent.__table__, QuizAnswer.__table__  # type: ignore[attr-defined]
    counted = questions.alias("counted")
    people = Member.__table__  # type: ignore[attr-defined]
    owner = people.alias("owner")  # the attempt's member (`many`)
    scores = MemberScore.__table__  # type: ignore[attr-defined]
    member_id = attempts.c.member_id if many else bindparam("member_id")
    unit_id = owner.c.unit_id if many else bindparam("unit_id")
    question = (
        and_(
            questions.c.id.in_(bindparam("question_ids", expanding=True)),
            questions.c.quiz_id == attempts.c.quiz_id,
        )
        if many
        else questions.c.id == bindparam("question_id")
    )
    statement = (
        select(  # type: ignore[call-overload]
            exists()
            .where(
                consents.c.member_id == member_id,
                consents.c.purpose == ConsentPurpose.DATA_PROCESSING.value,
                consents.c.withdrawn_at.is_(None),
            )
            .label("consent"),
            exists()
            .where(answers.c.attempt_id == attempts.c.id, answers.c.question_id == questions.c.id)
            .label("already"),
            select(func.count())
            .where(counted.c.quiz_id == attempts.c.quiz_id)
            .scalar_subquery()
            .label("questions"),
            select(func.count())
            .where(people.c.unit_id == unit_id)
            .scalar_subquery()
            .label("unit_members"),
            attempts.c.id.label("attempt_id"),
            *(attempts.c[c] for c in ("member_id", "quiz_id", "number", "position", "asked_at")),
            *(attempts.c[c] for c in ("streak", "finished_at", "score", "correct_count")),
            scores.c.points.label("quiz_points"),  # the member's score in the quiz so far
            scores.c.reached_at.label("quiz_reached_at"),
            questions.c.id.label("question_id"),
            questions.c.quiz_id.label("question_quiz"),
            questions.c.position.label("question_position"),
            *(questions.c[c] for c in ("options", "correct", "explanation")),
            *(quizzes.c[c] for c in ("closes_at", "question_seconds", "base_points", "title")),
            *(quizzes.c[c] for c in ("speed_bonus", "streak_bonus", "campaign_id")),
        )
        .select_from(attempts)
        .join(quizzes, quizzes.c.id == attempts.c.quiz_id)
        .join(questions, question)
        .outerjoin(
            scores,
            and_(
                scores.c.scope == literal("quiz:", String) + cast(attempts.c.quiz_id, String),
                scores.c.member_id == member_id,
            ),
        )
    )
    if not many:
        return statement.where(attempts.c.id == bindparam("attempt_id"))
    return statement.join(owner, owner.c.id == attempts.c.member_id).where(
        attempts.c.id.in_(bindparam("attempt_ids", expanding=True))
    )


_attempts = QuizAttempt.__table__  # type: ignore[attr-defined]
_MOVED = ("streak", "score", "correct_count", "finished_at")
_MOVE_ON = (
    update(_attempts)
    .where(_attempts.c.id == bindparam("b_id"), _attempts.c.position == bindparam("b_position"))
    .values(
        streak=bindparam("streak"),
        score=_attempts.c.score + bindparam("earned"),
        correct_count=_attempts.c.correct_count + bindparam("correct"),
        finished_at=bindparam("finished_at"),
    )
    .returning(*(_attempts.c[name] for name in _MOVED))
)
_ANSWERABLE = _answerable_statement()
_ANSWERABLE_MANY = _answerable_statement(many=True)
_QUESTION_COUNT = select(func.count()).where(col(QuizQuestion.quiz_id) == bindparam("quiz_id"))
_ANSWER_INSERTS: dict[str, Any] = {}


def _answer_insert(dialect: str) -> Any:
    """At most one answer per attempt and question: the unique key, without a savepoint."""
    if dialect not in _ANSWER_INSERTS:
        answers = QuizAnswer.__table__  # type: ignore[attr-defined]
        _ANSWER_INSERTS[dialect] = (
            insert_for(dialect, answers)
            .on_conflict_do_nothing(index_elements=["attempt_id", "question_id"])
            .returning(answers.c.id)
        )
    return _ANSWER_INSERTS[dialect]


def _question_count(session: Session, quiz_id: int) -> int:
    return int(session.execute(_QUESTION_COUNT, {"quiz_id": quiz_id}).scalar_one())


def next_question(
    session: Session, *, member: Member, attempt_id: int, now: datetime
) -> QuizQuestion:
    """Move to the next question once the current one is answered; a repeated tap shows the
    same question again without restarting its clock."""
    attempt = own_attempt(session, member=member, attempt_id=attempt_id)
    quiz = get_quiz(session, quiz_id=attempt.quiz_id)
    if now >= quiz.closes_at:
        raise DomainError("closed")
    if attempt.finished_at is not None:
        raise DomainError("finished")
    current = _question_at(session, attempt)
    answered = session.exec(
        select(QuizAnswer).where(
            QuizAnswer.attempt_id == attempt.id, QuizAnswer.question_id == current.id
        )
    ).first()
    if answered is None:
        return current
    moved = session.execute(
        update(QuizAttempt)
        .where(col(QuizAttempt.id) == attempt.id, col(QuizAttempt.position) == attempt.position)
        .values(position=attempt.position + 1, asked_at=now)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise ConcurrencyConflict(f"attempt {attempt.id} moved on")
    session.refresh(attempt)
    return _question_at(session, attempt)


def review(session: Session, *, member: Member, quiz_id: int, now: datetime) -> list[QuizQuestion]:
    """The questions with their answers, for anyone who may take the quiz, once it closed."""
    quiz = get_quiz(session, quiz_id=quiz_id)
    if not may_take(session, quiz=quiz, member=member):
        raise Forbidden("not_for_your_unit")
    if now < quiz.closes_at:
        raise DomainError("not_closed")
    return questions_of(session, quiz_id=quiz_id)
