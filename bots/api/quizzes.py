"""Admin API for quizzes: create (JSON or a question bank file), list, export, results.

Same bearer tokens as the rest of the admin API (bots/api/deps.py). A bank file with bad rows
gets 422 and every row.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlmodel import Session, col, or_, select

from bots.api.deps import Api, ApiDep, Caller
from bots.api.errors import RowsRejected
from bots.api.schemas import XLSX
from core.campaigns.scope import Actor
from core.errors import Forbidden
from core.leaderboards import service as boards
from core.members.models import UnionUnit
from core.points.rules import quiz_scope
from core.quizzes import bank
from core.quizzes import service as quizzes
from core.quizzes.bank import BankRejected, QuestionDraft, validate_question
from core.quizzes.models import Quiz, QuizAttempt

router = APIRouter(prefix="/api/v1", tags=["quizzes"])


class QuestionIn(BaseModel):
    text: str = Field(max_length=bank.MAX_QUESTION)
    options: list[str] = Field(min_length=2, max_length=6)
    correct: list[int] = Field(min_length=1, description="option numbers, from 1")
    explanation: str = Field(default="", max_length=bank.MAX_EXPLANATION)


class QuizSettingsIn(BaseModel):
    unit_id: int
    campaign_id: int | None = None
    title: str = Field(min_length=1, max_length=200)
    opens_at: datetime
    closes_at: datetime
    question_seconds: int | None = Field(default=30, ge=5, le=3600)
    attempts_allowed: int = Field(default=1, ge=1, le=10)
    base_points: int = Field(default=1000, ge=1, le=10_000)
    speed_bonus: bool = True
    streak_bonus: bool = False
    shuffle_options: bool = True
    publish: bool = True


class QuizIn(QuizSettingsIn):
    questions: list[QuestionIn] = Field(min_length=1, max_length=bank.MAX_ROWS)


class QuizOut(BaseModel):
    id: int
    unit_id: int
    campaign_id: int | None
    title: str
    opens_at: datetime
    closes_at: datetime
    question_seconds: int | None
    attempts_allowed: int
    speed_bonus: bool
    streak_bonus: bool
    published: bool
    questions: int


def _out(session: Session, quiz: Quiz) -> QuizOut:
    return QuizOut(
        id=quiz.id,  # type: ignore[arg-type]
        unit_id=quiz.unit_id,
        campaign_id=quiz.campaign_id,
        title=quiz.title,
        opens_at=quiz.opens_at,
        closes_at=quiz.closes_at,
        question_seconds=quiz.question_seconds,
        attempts_allowed=quiz.attempts_allowed,
        speed_bonus=quiz.speed_bonus,
        streak_bonus=quiz.streak_bonus,
        published=quiz.published_at is not None,
        questions=len(quizzes.questions_of(session, quiz_id=quiz.id)),  # type: ignore[arg-type]
    )


def _settings(body: QuizSettingsIn) -> quizzes.QuizSettings:
    return quizzes.QuizSettings(
        title=body.title,
        opens_at=body.opens_at,
        closes_at=body.closes_at,
        question_seconds=body.question_seconds,
        attempts_allowed=body.attempts_allowed,
        base_points=body.base_points,
        speed_bonus=body.speed_bonus,
        streak_bonus=body.streak_bonus,
        shuffle_options=body.shuffle_options,
        campaign_id=body.campaign_id,
    )


def _drafts(questions: list[QuestionIn]) -> list[QuestionDraft]:
    """The questions as drafts, or every row's problem (422) when any row is wrong."""
    drafts, errors = [], []
    seen: set[str] = set()
    for row, q in enumerate(questions, start=1):
        draft, problems = validate_question(
            row,
            q.text.strip(),
            [o.strip() for o in q.options],
            ";".join(map(str, q.correct)),
            q.explanation.strip(),
        )
        errors += problems
        if draft is not None:
            key = " ".join(draft.text.casefold().split())
            if key in seen:
                errors.append(bank.RowError(row, "duplicate_question", "the same question again"))
            seen.add(key)
            drafts.append(draft)
    if errors:
        raise RowsRejected(BankRejected(errors))
    return drafts


async def _create(
    api: Api, who: Actor, body: QuizSettingsIn, drafts: list[QuestionDraft]
) -> QuizOut:
    now = api.now()

    def work(s: Session) -> QuizOut:
        who.require_unit(s, body.unit_id)
        quiz = quizzes.create_quiz(
            s,
            unit_id=body.unit_id,
            settings=_settings(body),
            questions=drafts,
            now=now,
            created_by=who.member_id,
            publish=body.publish,
        )
        return _out(s, quiz)

    return await api.run(work)


@router.post("/quizzes", response_model=QuizOut, status_code=201)
async def create_quiz(body: QuizIn, api: ApiDep, who: Caller) -> QuizOut:
    return await _create(api, who, body, _drafts(body.questions))


def _bank_name(content_type: str) -> str:
    kind = content_type.split(";")[0].strip()
    if kind == XLSX:
        return "bank.xlsx"
    return "bank.csv" if kind in {"text/csv", "text/plain"} else "bank"


@router.post("/quizzes/import", response_model=QuizOut, status_code=201)
async def import_quiz(
    request: Request,
    api: ApiDep,
    who: Caller,
    unit_id: int,
    title: Annotated[str, Query(min_length=1, max_length=200)],
    opens_at: datetime,
    days: Annotated[float, Query(gt=0, le=366)] = 7,
    question_seconds: Annotated[int | None, Query(ge=5, le=3600)] = 30,
    campaign_id: int | None = None,
    speed_bonus: bool = True,
    streak_bonus: bool = False,
    publish: bool = True,
) -> QuizOut:
    """The body is the bank file itself: Content-Type text/csv or the XLSX type."""
    data = await request.body()
    try:
        drafts = bank.read_bank(data, _bank_name(request.headers.get("content-type", "")))
    except BankRejected as exc:
        raise RowsRejected(exc) from exc
    body = QuizSettingsIn(
        unit_id=unit_id,
        campaign_id=campaign_id,
        title=title,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(days=days),
        question_seconds=question_seconds,
        speed_bonus=speed_bonus,
        streak_bonus=streak_bonus,
        publish=publish,
    )
    return await _create(api, who, body, drafts)


@router.get("/quizzes", response_model=list[QuizOut])
async def list_quizzes(api: ApiDep, who: Caller) -> list[QuizOut]:
    def work(s: Session) -> list[QuizOut]:
        roots = who.units(s)
        if not roots:
            raise Forbidden("not_an_officer")
        units = select(UnionUnit.id).where(
            or_(*(col(UnionUnit.path).startswith(r.path) for r in roots))
        )
        found = s.exec(
            select(Quiz)
            .where(col(Quiz.unit_id).in_(units))
            .order_by(col(Quiz.id).desc())
            .limit(200)
        ).all()
        return [_out(s, q) for q in found]

    return await api.run(work)


def _own_quiz(s: Session, who: Actor, quiz_id: int) -> Quiz:
    quiz = quizzes.get_quiz(s, quiz_id=quiz_id)
    who.require_unit(s, quiz.unit_id)
    return quiz


@router.get("/quizzes/{quiz_id}/export")
async def export_quiz(
    quiz_id: int, api: ApiDep, who: Caller, format: Literal["xlsx", "csv"] = "xlsx"
) -> Response:
    """The question bank with its answers: officers of the quiz's unit (and above) only."""

    def work(s: Session) -> list[QuestionDraft]:
        _own_quiz(s, who, quiz_id)
        return quizzes.drafts_of(s, quiz_id=quiz_id)

    drafts = await api.run(work)
    if format == "csv":
        return Response(
            bank.write_csv(drafts),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="quiz-{quiz_id}.csv"'},
        )
    return Response(
        bank.write_xlsx(drafts),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="quiz-{quiz_id}.xlsx"'},
    )


def _results(s: Session, quiz: Quiz) -> dict[str, object]:
    assert quiz.id is not None
    scope = quiz_scope(quiz.id)
    within = s.get(UnionUnit, quiz.unit_id)
    attempts = s.exec(
        select(QuizAttempt).where(QuizAttempt.quiz_id == quiz.id, QuizAttempt.number == 1)
    ).all()
    top = boards.top_members(s, scope=scope, limit=10, within=within)
    units = boards.unit_board(s, scope=scope, measure="participation", within=within)
    return {
        "quiz": _out(s, quiz).model_dump(mode="json"),
        "takers": len(attempts),
        "finished": sum(1 for a in attempts if a.finished_at is not None),
        "top": [
            {
                "rank": r.rank,
                "member_id": r.member_id,
                "name": r.name,
                "unit_id": r.unit_id,
                "points": r.points,
            }
            for r in top
        ],
        "units": [
            {
                "rank": u.rank,
                "unit_id": u.row.unit_id,
                "name": u.row.name,
                "participants": u.row.participants,
                "members": u.row.members,
                "points": u.row.points,
            }
            for u in units
        ],
    }


@router.get("/quizzes/{quiz_id}/results")
async def quiz_results(quiz_id: int, api: ApiDep, who: Caller) -> dict[str, object]:
    """Takers, finishers, the top 10 and the grassroots unions by participation."""
    return await api.run(lambda s: _results(s, _own_quiz(s, who, quiz_id)))
