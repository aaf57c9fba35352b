"""Quizzes: import a question bank (CSV or XLSX) with every bad row shown by its number, preview
the questions before publishing, the results once members answer, and the downloads."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func
from sqlmodel import Session, col, select
from starlette.datastructures import UploadFile

from bots.web import forms
from bots.web.context import PREFIX, Me, Visit, WebApp, WebProblem, in_scope_units, officer_visit
from bots.web.downloads import XLSX, table_file
from core.campaigns import service as campaigns
from core.campaigns.models import Campaign
from core.leaderboards import service as boards
from core.leaderboards.rules import RankedUnit
from core.members.models import UnionUnit
from core.points.rules import quiz_scope
from core.quizzes import bank, rules
from core.quizzes import service as quizzes
from core.quizzes.bank import BankRejected, QuestionDraft, RowError
from core.quizzes.models import Quiz, QuizAttempt, QuizQuestion

LIST_LIMIT = 200


@dataclass(frozen=True)
class QuizRow:
    quiz: Quiz
    unit: str
    questions: int
    state: str


@dataclass(frozen=True)
class ShownQuestion:
    position: int
    text: str
    options: list[tuple[str, bool]]  # (option, is correct)
    explanation: str


@dataclass(frozen=True)
class Results:
    takers: int
    finished: int
    top: list[boards.BoardRow]
    units: list[RankedUnit]


@dataclass(frozen=True)
class QuizPage:
    quiz: Quiz
    unit: UnionUnit
    campaign: Campaign | None
    state: str
    questions: list[ShownQuestion]
    results: Results | None
    unit_names: dict[int, str]


def state_of(quiz: Quiz, now) -> str:  # type: ignore[no-untyped-def]
    return rules.availability(
        opens_at=quiz.opens_at,
        closes_at=quiz.closes_at,
        published=quiz.published_at is not None,
        now=now,
    )


def own_quiz(s: Session, me: Me, quiz_id: int) -> Quiz:
    """The quiz, if its unit is in the officer's subtree (Forbidden otherwise: a 404 page)."""
    quiz = quizzes.get_quiz(s, quiz_id=quiz_id)
    me.actor.require_unit(s, quiz.unit_id)
    return quiz


def in_scope_quizzes(s: Session, me: Me, limit: int = LIST_LIMIT) -> list[Quiz]:
    """The quizzes of the units in the officer's subtree, newest first."""
    return list(
        s.exec(
            select(Quiz)
            .join(UnionUnit, col(UnionUnit.id) == Quiz.unit_id)
            .where(me.actor.unit_filter(s))
            .order_by(col(Quiz.id).desc())
            .limit(limit)
        )
    )


def results_of(s: Session, quiz: Quiz) -> Results:
    """Takers and finishers (first attempts: the ones that count), the top ten and the
    grassroots unions by participation, from the quiz's own leaderboard scope."""
    scope = quiz_scope(quiz.id)  # type: ignore[arg-type]
    within = s.get(UnionUnit, quiz.unit_id)
    first = select(QuizAttempt).where(QuizAttempt.quiz_id == quiz.id, QuizAttempt.number == 1)
    attempts = s.exec(first).all()
    return Results(
        takers=len(attempts),
        finished=sum(1 for a in attempts if a.finished_at is not None),
        top=boards.top_members(s, scope=scope, limit=10, within=within),
        units=boards.unit_board(s, scope=scope, measure="participation", within=within),
    )


def register(router: APIRouter, web: WebApp) -> None:
    tz = web.settings.timezone

    def listing(s: Session, me: Me, now) -> tuple[list[QuizRow], list[UnionUnit], list[Campaign]]:  # type: ignore[no-untyped-def]
        units = in_scope_units(s, me)
        names = {u.id: u.name for u in units}
        found = in_scope_quizzes(s, me)
        counts = dict(
            s.exec(  # type: ignore[call-overload]
                select(QuizQuestion.quiz_id, func.count())
                .where(col(QuizQuestion.quiz_id).in_([q.id for q in found]))
                .group_by(col(QuizQuestion.quiz_id))
            ).all()
        )
        rows = [
            QuizRow(q, names.get(q.unit_id, ""), counts.get(q.id, 0), state_of(q, now))
            for q in found
        ]
        return rows, units, campaigns.in_scope(s, actor=me.actor, limit=200)

    async def list_page(
        visit: Visit,
        *,
        status: int = 200,
        error: str | None = None,
        row_errors: list[RowError] | None = None,
        filled: dict[str, str] | None = None,
    ) -> Response:
        me = visit.me
        assert me is not None
        now = visit.now
        rows, units, mine = await visit.db(lambda s: listing(s, me, now))
        local = now.astimezone(ZoneInfo(tz)).replace(second=0, microsecond=0, tzinfo=None)
        return visit.render(
            "quizzes.html",
            status=status,
            rows=rows,
            units=units,
            campaigns=mine,
            error=error,
            row_errors=row_errors or [],
            row_problem=lambda e: row_problem_text(visit, e),
            filled=filled
            or {"opens_at": local.isoformat(timespec="minutes"), "days": "7", "seconds": "30"},
            state_label=lambda v: state_text(visit, v),
        )

    @router.get("/quizzes")
    async def quizzes_page(request: Request) -> Response:
        return await list_page(await officer_visit(web, request))

    @router.post("/quizzes/import")
    async def import_bank(request: Request) -> Response:
        visit = await officer_visit(web, request)
        form = await visit.form()
        actor, now = visit.actor, visit.now
        filled = {
            k: forms.text(form, k, limit=200)
            for k in ("unit_id", "campaign_id", "title", "opens_at", "days", "seconds")
        }
        unit_id = forms.integer(form, "unit_id")
        campaign_raw = forms.text(form, "campaign_id").strip()
        campaign_id = int(campaign_raw) if campaign_raw.isdigit() else None

        def in_scope(s: Session) -> None:  # before the file is even read: 404 outside
            actor.require_unit(s, unit_id)
            if campaign_id is not None:
                campaigns.get(s, actor=actor, campaign_id=campaign_id)

        await visit.db(in_scope)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await list_page(
                visit, status=422, error=visit.problem("file_missing"), filled=filled
            )
        data = await upload.read(bank.MAX_FILE_BYTES + 1)
        try:
            drafts: list[QuestionDraft] = await asyncio.to_thread(
                bank.read_bank, data, upload.filename
            )
            opens = forms.local_moment(form, "opens_at", tz)
            if opens is None:
                raise WebProblem(422, "bad_date")
            days = forms.integer(form, "days")
            if not 1 <= days <= 366:
                raise WebProblem(422, "bad_days")
            seconds_raw = forms.text(form, "seconds").strip()
            seconds = int(seconds_raw) if seconds_raw.isdigit() else None
            settings = quizzes.QuizSettings(
                title=forms.text(form, "title", limit=300),
                opens_at=opens,
                closes_at=opens + timedelta(days=days),
                question_seconds=seconds,
                speed_bonus=form.get("speed_bonus") == "on",
                streak_bonus=form.get("streak_bonus") == "on",
                campaign_id=campaign_id,
            )

            def create(s: Session) -> int:
                actor.require_unit(s, unit_id)
                quiz = quizzes.create_quiz(
                    s,
                    unit_id=unit_id,
                    settings=settings,
                    questions=drafts,
                    now=now,
                    created_by=actor.member_id,
                    publish=False,
                )
                return quiz.id  # type: ignore[return-value]

            quiz_id = await visit.db(create)
        except BankRejected as rejected:
            return await list_page(
                visit,
                status=422,
                error=visit.t.gettext(
                    "Nothing was imported: {n} rows of the file need fixing.",
                    n=visit.t.number(len({e.row for e in rejected.errors})),
                ),
                row_errors=rejected.errors,
                filled=filled,
            )
        except WebProblem as problem:
            if problem.status == 404:
                raise
            return await list_page(
                visit, status=problem.status, error=visit.problem(problem.err), filled=filled
            )
        return visit.redirect(f"{PREFIX}/quizzes/{quiz_id}?done=imported")

    def page_data(s: Session, me: Me, quiz_id: int, now) -> QuizPage:  # type: ignore[no-untyped-def]
        quiz = own_quiz(s, me, quiz_id)
        unit = s.get(UnionUnit, quiz.unit_id)
        assert unit is not None
        shown = []
        for q in quizzes.questions_of(s, quiz_id=quiz_id):
            right = rules.parse_correct(q.correct)
            shown.append(
                ShownQuestion(
                    q.position,
                    q.text,
                    [(o, i in right) for i, o in enumerate(quizzes.options_of(q))],
                    q.explanation,
                )
            )
        results = results_of(s, quiz) if quiz.published_at is not None else None
        names = {u.id: u.name for u in in_scope_units(s, me)}
        campaign = s.get(Campaign, quiz.campaign_id) if quiz.campaign_id else None
        return QuizPage(quiz, unit, campaign, state_of(quiz, now), shown, results, names)  # type: ignore[arg-type]

    async def show(visit: Visit, quiz_id: int, *, status: int = 200, error: str | None = None):  # type: ignore[no-untyped-def]
        me = visit.me
        assert me is not None
        now = visit.now
        data = await visit.db(lambda s: page_data(s, me, quiz_id, now))
        return visit.render(
            "quiz.html",
            status=status,
            page=data,
            error=error,
            done=visit.request.query_params.get("done"),
            state=state_text(visit, data.state),
        )

    @router.get("/quizzes/{quiz_id}")
    async def quiz_page(request: Request, quiz_id: int) -> Response:
        return await show(await officer_visit(web, request), quiz_id)

    @router.post("/quizzes/{quiz_id}/publish")
    async def publish(request: Request, quiz_id: int) -> Response:
        visit = await officer_visit(web, request)
        await visit.form()
        me, now = visit.me, visit.now
        assert me is not None

        def work(s: Session) -> None:
            quiz = own_quiz(s, me, quiz_id)
            if quiz.published_at is None:  # a second click changes nothing
                quizzes.publish_quiz(s, quiz=quiz, now=now)

        try:
            await visit.db(work)
        except WebProblem as problem:
            if problem.status == 404:
                raise
            return await show(
                visit, quiz_id, status=problem.status, error=visit.problem(problem.err)
            )
        return visit.redirect(f"{PREFIX}/quizzes/{quiz_id}?done=published")

    @router.get("/quizzes/{quiz_id}/export")
    async def export(
        request: Request, quiz_id: int, what: str = "people", fmt: str = "csv"
    ) -> Response:
        visit = await officer_visit(web, request)
        me = visit.me
        assert me is not None
        _ = visit.t.gettext
        if what == "bank":
            drafts = await visit.db(
                lambda s: (own_quiz(s, me, quiz_id), quizzes.drafts_of(s, quiz_id=quiz_id))[1]
            )
            body = bank.write_xlsx(drafts) if fmt == "xlsx" else bank.write_csv(drafts)
            kind = "xlsx" if fmt == "xlsx" else "csv"
            media = "text/csv; charset=utf-8" if kind == "csv" else XLSX
            return visit.finish(
                Response(
                    body,
                    media_type=media,
                    headers={
                        "Content-Disposition": f'attachment; filename="quiz-{quiz_id}-bank.{kind}"'
                    },
                )
            )
        if what not in ("people", "units"):
            raise WebProblem(404, "not_found")

        def load(s: Session) -> tuple[Results, dict[int, str]]:
            quiz = own_quiz(s, me, quiz_id)
            results = results_of(s, quiz)
            return results, {u.id: u.name for u in in_scope_units(s, me)}  # type: ignore[misc]

        results, names = await visit.db(load)
        if what == "people":
            header = [_("Rank on the board"), _("Member name"), _("Grassroots union")]
            header.append(_("Points earned"))
            rows = [[p.rank, p.name, names.get(p.unit_id, ""), p.points] for p in results.top]
        else:
            header = [
                _("Rank on the board"),
                _("Grassroots union"),
                _("Members taking part"),
                _("Members in the union"),
                _("Points earned"),
            ]
            rows = [
                [u.rank, u.row.name, u.row.participants, u.row.members, u.row.points]
                for u in results.units
            ]
        return visit.finish(
            table_file(header, rows, name=f"quiz-{quiz_id}-{what}", fmt=fmt, sheet=what)
        )


def state_text(visit: Visit, state: str) -> str:
    _ = visit.t.gettext
    return {
        "not_published": _("imported, not published yet"),
        "not_yet": _("published, opens later"),
        "open": _("open now"),
        "closed": _("closed"),
    }.get(state, state)


def row_problem_text(visit: Visit, error: RowError) -> str:
    """What is wrong with a row of the bank, in the officer's language."""
    _ = visit.t.gettext
    texts = {
        "empty_file": _("The file is empty."),
        "missing_column": _(
            "The first row must name the columns: question, option_1, option_2 and correct are "
            "required."
        ),
        "unknown_column": _("The first row names a column the import does not know."),
        "too_many_rows": _("A bank holds at most 500 questions; the rows from here on are left."),
        "empty_question": _("The question is empty."),
        "question_too_long": _("The question is longer than 1000 characters."),
        "empty_option": _("An option is empty while a later option is filled in."),
        "option_too_long": _("An option is longer than 300 characters."),
        "too_few_options": _("A question needs at least 2 options."),
        "too_many_options": _("A question has at most 6 options."),
        "duplicate_option": _("Two options have the same text."),
        "bad_correct": _("The 'correct' column must hold option numbers, like 2 or 1;3."),
        "no_correct": _("The 'correct' column is empty: say which option is right."),
        "correct_unknown": _("The 'correct' column names an option that is empty."),
        "all_correct": _("Every option is marked correct: leave at least one wrong option."),
        "explanation_too_long": _("The explanation is longer than 2000 characters."),
        "duplicate_question": _("The same question is already in an earlier row."),
        "no_questions": _("The file has no questions."),
        "file_too_large": _("The file is larger than 2 MB."),
        "not_utf8": _("The CSV file is not saved as UTF-8 text. In Excel, save it as CSV UTF-8."),
        "not_xlsx": _("The file is not an Excel (XLSX) workbook."),
        "unknown_format": _("Please choose a .csv or .xlsx file."),
    }
    return texts.get(error.code, error.detail)
