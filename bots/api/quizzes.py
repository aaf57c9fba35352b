"""Admin API for quizzes: create (JSON or a question bank file), list, export, results.

Same bearer tokens as the campaign API (bots/api/routes.py): an officer's token acts within the
officer's units, THIDUA_ADMIN_TOKEN on all. A bank file with bad rows gets 422 and every row.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlmodel import Session, col, or_, select

from bots.api.routes import ApiError
from bots.bootstrap import Runtime
from core.campaigns import service as campaigns
from core.campaigns.scope import Actor
from core.errors import DomainError, Forbidden, InvalidInput, NotFound
from core.leaderboards import service as boards
from core.members.models import UnionUnit
from core.points.rules import quiz_scope
from core.quizzes import bank
from core.quizzes import service as quizzes
from core.quizzes.bank import BankRejected, QuestionDraft, validate_question
from core.quizzes.models import Quiz, QuizAttempt
from core.storage.uow import run_unit_in_thread

T = TypeVar("T")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def _status(err: DomainError) -> int:
    if isinstance(err, Forbidden):
        return 403
    if isinstance(err, NotFound):
        return 404
    if isinstance(err, InvalidInput):
        return 422
    return 409


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


def _rejected(exc: BankRejected) -> JSONResponse:
    rows = [{"row": e.row, "code": e.code, "detail": e.detail} for e in exc.errors]
    return JSONResponse({"error": "bank_rejected", "rows": rows}, status_code=422)


async def _actor(request: Request, authorization: Annotated[str | None, Header()] = None) -> Actor:
    """The caller, from the same bearer tokens as the campaign API."""
    runtime: Runtime = request.app.state.runtime
    scheme, _sep, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(401, "missing bearer token", {"WWW-Authenticate": "Bearer"})
    settings = runtime.settings
    admin = settings.admin_token.get_secret_value() if settings.admin_token else None
    if admin and hmac.compare_digest(token.encode(), admin.encode()):
        return Actor.admin()
    now = runtime.clock.now()

    found = await run_unit_in_thread(
        runtime.engine, lambda s: campaigns.actor_for_token(s, token=token, now=now)
    )
    if found is None:
        raise HTTPException(401, "invalid token", {"WWW-Authenticate": "Bearer"})
    request.state.actor = found
    return found


Caller = Annotated[Actor, Depends(_actor)]


def make_router(runtime: Runtime) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["quizzes"])

    async def run(work: Callable[[Session], T]) -> T:
        try:
            return await run_unit_in_thread(runtime.engine, work)
        except BankRejected:
            raise
        except DomainError as err:
            raise ApiError(_status(err), err.code) from err

    def create(
        s: Session, who: Actor, body: QuizSettingsIn, drafts: list[QuestionDraft]
    ) -> QuizOut:
        who.require_unit(s, body.unit_id)
        quiz = quizzes.create_quiz(
            s,
            unit_id=body.unit_id,
            settings=_settings(body),
            questions=drafts,
            now=runtime.clock.now(),
            created_by=who.member_id,
            publish=body.publish,
        )
        return _out(s, quiz)

    @router.post("/quizzes", response_model=QuizOut, status_code=201)
    async def create_quiz(body: QuizIn, who: Caller) -> QuizOut | JSONResponse:
        drafts, errors = [], []
        seen: set[str] = set()
        for row, q in enumerate(body.questions, start=1):
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
                    errors.append(
                        bank.RowError(row, "duplicate_question", "the same question again")
                    )
                seen.add(key)
                drafts.append(draft)
        if errors:
            return _rejected(BankRejected(errors))
        return await run(lambda s: create(s, who, body, drafts))

    @router.post("/quizzes/import", response_model=QuizOut, status_code=201)
    async def import_quiz(
        request: Request,
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
    ) -> QuizOut | JSONResponse:
        """The body is the bank file itself: Content-Type text/csv or the XLSX type."""
        data = await request.body()
        kind = request.headers.get("content-type", "").split(";")[0].strip()
        name = (
            "bank.xlsx"
            if kind == XLSX
            else "bank.csv"
            if kind in {"text/csv", "text/plain"}
            else "bank"
        )
        try:
            drafts = bank.read_bank(data, name)
        except BankRejected as exc:
            return _rejected(exc)
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
        return await run(lambda s: create(s, who, body, drafts))

    @router.get("/quizzes", response_model=list[QuizOut])
    async def list_quizzes(who: Caller) -> list[QuizOut]:
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

        return await run(work)

    def _own_quiz(s: Session, who: Actor, quiz_id: int) -> Quiz:
        quiz = quizzes.get_quiz(s, quiz_id=quiz_id)
        who.require_unit(s, quiz.unit_id)
        return quiz

    @router.get("/quizzes/{quiz_id}/export")
    async def export_quiz(
        quiz_id: int, who: Caller, format: Literal["xlsx", "csv"] = "xlsx"
    ) -> Response:
        """The question bank with its answers: officers of the quiz's unit (and above) only."""
        drafts = await run(
            lambda s: (_own_quiz(s, who, quiz_id), quizzes.drafts_of(s, quiz_id=quiz_id))[1]
        )
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

    @router.get("/quizzes/{quiz_id}/results")
    async def quiz_results(quiz_id: int, who: Caller) -> dict[str, object]:
        """Takers, finishers, the top 10 and the grassroots unions by participation."""

        def work(s: Session) -> dict[str, object]:
            quiz = _own_quiz(s, who, quiz_id)
            scope = quiz_scope(quiz_id)
            within = s.get(UnionUnit, quiz.unit_id)
            attempts = s.exec(
                select(QuizAttempt).where(QuizAttempt.quiz_id == quiz_id, QuizAttempt.number == 1)
            ).all()
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
                    for r in boards.top_members(s, scope=scope, limit=10, within=within)
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
                    for u in boards.unit_board(
                        s, scope=scope, measure="participation", within=within
                    )
                ],
            }

        return await run(work)

    return router
