"""Quizzes: import a question bank (CSV or XLSX) with every bad row shown by its number, preview
the questions before publishing, the results once members answer, and the downloads."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import func
from sqlmodel import Session, col, select
from starlette.datastructures import FormData, UploadFile

from bots.spreadsheets import bank_bytes
from bots.web import forms
from bots.web.context import PREFIX, Me, Refused, Visit, WebProblem
from bots.web.deps import CurrentMe, OfficerVisit, PostedForm, Web, WebSettings, Words
from bots.web.downloads import table_file
from bots.web.quiz_announce import Announcement, card
from bots.web.quiz_texts import nothing_imported, row_problem_text, state_text
from bots.web.unitpicker import UnitPicker, asked, picker
from core.campaigns import service as campaigns
from core.campaigns.models import Campaign
from core.i18n import Translator
from core.leaderboards import service as boards
from core.leaderboards.rules import RankedUnit
from core.members.models import UnionUnit
from core.organisation import picking
from core.points.rules import quiz_scope
from core.quizzes import announce, bank, rules
from core.quizzes import service as quizzes
from core.quizzes.bank import BankRejected, QuestionDraft, RowError
from core.quizzes.models import Quiz, QuizAttempt, QuizQuestion

router = APIRouter()
LIST_LIMIT = 200
FILLED = ("unit_id", "campaign_id", "title", "opens_at", "days", "seconds")


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


def state_of(quiz: Quiz, now: datetime) -> str:
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


def listing(
    s: Session, me: Me, now: datetime, unit: str, unit_q: str
) -> tuple[list[QuizRow], UnitPicker, list[Campaign]]:
    chooser = picker(s, me, action=f"{PREFIX}/quizzes", unit=unit, q=unit_q)
    found = in_scope_quizzes(s, me)
    names = picking.names_of(s, {q.unit_id for q in found})
    counts = dict(
        s.exec(  # type: ignore[call-overload]
            select(QuizQuestion.quiz_id, func.count())
            .where(col(QuizQuestion.quiz_id).in_([q.id for q in found]))
            .group_by(col(QuizQuestion.quiz_id))
        ).all()
    )
    rows = [
        QuizRow(q, names.get(q.unit_id, ""), counts.get(q.id, 0), state_of(q, now)) for q in found
    ]
    return rows, chooser, campaigns.in_scope(s, actor=me.actor, limit=200)


def page_data(s: Session, me: Me, quiz_id: int, now: datetime) -> QuizPage:
    quiz = own_quiz(s, me, quiz_id)
    unit = s.get(UnionUnit, quiz.unit_id)
    assert unit is not None
    shown = []
    for q in quizzes.questions_of(s, quiz_id=quiz_id):
        right = rules.parse_correct(q.correct)
        options = [(o, i in right) for i, o in enumerate(quizzes.options_of(q))]
        shown.append(ShownQuestion(q.position, q.text, options, q.explanation))
    results = results_of(s, quiz) if quiz.published_at is not None else None
    names = picking.names_of(s, {p.unit_id for p in results.top} if results else set())
    campaign = s.get(Campaign, quiz.campaign_id) if quiz.campaign_id else None
    return QuizPage(quiz, unit, campaign, state_of(quiz, now), shown, results, names)


async def list_page(
    visit: Visit,
    me: Me,
    refused: Refused | None = None,
    *,
    row_errors: list[RowError] | None = None,
    filled: dict[str, str] | None = None,
) -> Response:
    """The list with the import form (again, with what was wrong and what was typed)."""
    now, t = visit.now, visit.t
    unit, unit_q = asked(visit.request.query_params)
    unit = unit or (filled or {}).get("unit_id", "")
    rows, chooser, mine = await visit.db(lambda s: listing(s, me, now, unit, unit_q))
    local = now.astimezone(ZoneInfo(visit.web.settings.timezone))
    opens = local.replace(second=0, microsecond=0, tzinfo=None).isoformat(timespec="minutes")
    return visit.render(
        "quizzes.html",
        status=refused.status if refused else 200,
        rows=rows,
        picker=chooser,
        campaigns=mine,
        error=refused.message if refused else None,
        row_errors=row_errors or [],
        row_problem=lambda e: row_problem_text(t, e),
        filled=filled or {"opens_at": opens, "days": "7", "seconds": "30"},
        state_label=lambda v: state_text(t, v),
    )


async def show(
    visit: Visit, me: Me, quiz_id: int, refused: Refused | None = None, typed: str | None = None
) -> Response:
    """The quiz's page (again, with the refusal and the announcement as typed)."""
    now, policy, members_t = visit.now, visit.web.policy, visit.web.notifier.translator(None)

    def load(s: Session) -> tuple[QuizPage, Announcement]:
        data = page_data(s, me, quiz_id, now)
        return data, card(s, data.quiz, data.state, members_t, policy, now, typed)

    data, told = await visit.db(load)
    return visit.render(
        "quiz.html",
        status=refused.status if refused else 200,
        page=data,
        announcement=told,
        error=refused.message if refused else None,
        done=visit.request.query_params.get("done"),
        state=state_text(visit.t, data.state),
    )


def quiz_settings(form: FormData, timezone: str, campaign_id: int | None) -> quizzes.QuizSettings:
    """The quiz's settings from the import form (a bad one: a WebProblem to show on the form)."""
    opens = forms.local_moment(form, "opens_at", timezone)
    if opens is None:
        raise WebProblem(422, "bad_date")
    days = forms.integer(form, "days")
    if not 1 <= days <= 366:
        raise WebProblem(422, "bad_days")
    seconds_raw = forms.text(form, "seconds").strip()
    return quizzes.QuizSettings(
        title=forms.text(form, "title", limit=300),
        opens_at=opens,
        closes_at=opens + timedelta(days=days),
        question_seconds=int(seconds_raw) if seconds_raw.isdigit() else None,
        speed_bonus=form.get("speed_bonus") == "on",
        streak_bonus=form.get("streak_bonus") == "on",
        campaign_id=campaign_id,
    )


@dataclass(frozen=True)
class Target:
    """Where the imported quiz goes: its unit and, if chosen, its campaign."""

    unit_id: int
    campaign_id: int | None


def check_scope(s: Session, me: Me, target: Target) -> None:
    """The unit and the campaign are the officer's (checked before the file is even read)."""
    me.actor.require_unit(s, target.unit_id)
    if target.campaign_id is not None:
        campaigns.get(s, actor=me.actor, campaign_id=target.campaign_id)


async def create_from_bank(
    visit: Visit, me: Me, form: FormData, upload: UploadFile, target: Target, timezone: str
) -> int:
    """Read the bank and create the quiz, not yet published (BankRejected: rows to fix)."""
    data = await upload.read(bank.MAX_FILE_BYTES + 1)
    drafts: list[QuestionDraft] = await asyncio.to_thread(bank.read_bank, data, upload.filename)
    unit_id = target.unit_id
    settings, now = quiz_settings(form, timezone, target.campaign_id), visit.now

    def create(s: Session) -> int:
        me.actor.require_unit(s, unit_id)
        quiz = quizzes.create_quiz(
            s,
            unit_id=unit_id,
            settings=settings,
            questions=drafts,
            now=now,
            created_by=me.member_id,
            publish=False,
        )
        return quiz.id  # type: ignore[return-value]

    return await visit.db(create)


@router.get("/quizzes")
async def quizzes_page(visit: OfficerVisit, me: CurrentMe) -> Response:
    return await list_page(visit, me)


@router.post("/quizzes/import")
async def import_bank(
    visit: OfficerVisit, me: CurrentMe, form: PostedForm, settings: WebSettings
) -> Response:
    filled = {k: forms.text(form, k, limit=200) for k in FILLED}
    campaign_raw = forms.text(form, "campaign_id").strip()
    target = Target(
        forms.integer(form, "unit_id"), int(campaign_raw) if campaign_raw.isdigit() else None
    )
    await visit.db(lambda s: check_scope(s, me, target))
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        missing = Refused(422, visit.problem("file_missing"))
        return await list_page(visit, me, missing, filled=filled)
    try:
        quiz_id = await create_from_bank(visit, me, form, upload, target, settings.timezone)
    except BankRejected as rejected:
        refused = Refused(422, nothing_imported(visit.t, rejected))
        return await list_page(visit, me, refused, row_errors=rejected.errors, filled=filled)
    except WebProblem as problem:
        if problem.status == 404:
            raise
        refused = Refused(problem.status, visit.problem(problem.err))
        return await list_page(visit, me, refused, filled=filled)
    return visit.redirect(f"{PREFIX}/quizzes/{quiz_id}?done=imported")


@router.get("/quizzes/{quiz_id}")
async def quiz_page(quiz_id: int, visit: OfficerVisit, me: CurrentMe) -> Response:
    return await show(visit, me, quiz_id)


@router.post("/quizzes/{quiz_id}/publish")
async def publish(quiz_id: int, visit: OfficerVisit, me: CurrentMe, _form: PostedForm) -> Response:
    now = visit.now

    def work(s: Session) -> None:
        quiz = own_quiz(s, me, quiz_id)
        if quiz.published_at is None:  # a second click changes nothing
            quizzes.publish_quiz(s, quiz=quiz, now=now)

    published = await visit.attempt(work)
    if isinstance(published, Refused):
        return await show(visit, me, quiz_id, published)
    return visit.redirect(f"{PREFIX}/quizzes/{quiz_id}?done=published")


@router.post("/quizzes/{quiz_id}/announce")
async def announce_quiz(
    quiz_id: int, visit: OfficerVisit, me: CurrentMe, form: PostedForm, web: Web
) -> Response:
    """Announce the quiz to its audience, with the text as the officer read and edited it."""
    text, now, policy = forms.text(form, "text"), visit.now, visit.web.policy
    members_t = visit.web.notifier.translator(None)

    def work(s: Session) -> int:
        quiz = own_quiz(s, me, quiz_id)
        sent = announce.announce(
            s, actor=me.actor, quiz=quiz, text=text, t=members_t, policy=policy, now=now
        )
        return sent.id  # type: ignore[return-value]

    sent = await visit.attempt(work)
    if isinstance(sent, Refused):
        return await show(visit, me, quiz_id, sent, typed=text)
    web.runtime.outbox_ready.set()
    return visit.redirect(f"{PREFIX}/broadcasts/{sent}")


def bank_file(quiz_id: int, drafts: list[QuestionDraft], fmt: str, locale: str) -> Response:
    """The quiz's questions as a bank to download (the import's own format, with the column
    names of the officer's language)."""
    body, kind, media = bank_bytes(drafts, fmt, locale)
    disposition = f'attachment; filename="quiz-{quiz_id}-bank.{kind}"'
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


def results_table(
    t: Translator, results: Results, names: dict[int, str], what: str
) -> tuple[list[str], list[list[object]]]:
    """The results as a spreadsheet: "people" or "units"."""
    _ = t.gettext
    if what == "people":
        header = [_("Rank on the board"), _("Member name"), _("Grassroots union")]
        header.append(_("Points earned"))
        return header, [[p.rank, p.name, names.get(p.unit_id, ""), p.points] for p in results.top]
    header = [
        _("Rank on the board"),
        _("Grassroots union"),
        _("Members taking part"),
        _("Members in the union"),
        _("Points earned"),
    ]
    return header, [
        [u.rank, u.row.name, u.row.participants, u.row.members, u.row.points] for u in results.units
    ]


def bank_of(s: Session, me: Me, quiz_id: int) -> list[QuestionDraft]:
    own_quiz(s, me, quiz_id)
    return quizzes.drafts_of(s, quiz_id=quiz_id)


def results_and_names(s: Session, me: Me, quiz_id: int) -> tuple[Results, dict[int, str]]:
    results = results_of(s, own_quiz(s, me, quiz_id))
    return results, picking.names_of(s, {p.unit_id for p in results.top})


@router.get("/quizzes/{quiz_id}/export")
async def export(
    quiz_id: int,
    visit: OfficerVisit,
    me: CurrentMe,
    t: Words,
    what: str = "people",
    fmt: str = "xlsx",
) -> Response:
    if what == "bank":
        drafts = await visit.db(lambda s: bank_of(s, me, quiz_id))
        return visit.finish(bank_file(quiz_id, drafts, fmt, t.locale))
    if what not in ("people", "units"):
        raise WebProblem(404, "not_found")
    results, names = await visit.db(lambda s: results_and_names(s, me, quiz_id))
    header, rows = results_table(t, results, names, what)
    return visit.finish(
        table_file(
            header, rows, name=f"quiz-{quiz_id}-{what}", fmt=fmt, locale=t.locale, sheet=what
        )
    )
