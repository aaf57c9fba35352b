"""Taking a quiz by chat, and a short quiz created in chat by an officer.

Payloads (kept short for Telegram's 64 bytes):
quiz:menu · quiz:s:<quiz> start or resume · quiz:a:<attempt>:<question>:<option> answer ·
quiz:n:<attempt> next question · quiz:r:<quiz> answers after closing ·
quiz:new, quiz:w:add, quiz:w:pub:<days>, quiz:w:stop officer authoring.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from core.dispatch import Context, Router, payload_arg, reply
from core.errors import DomainError
from core.leaderboards import service as boards
from core.members import service as members
from core.members.buttons import Menu, MenuItem
from core.members.menu import main_menu
from core.members.models import Member
from core.messages import Button, OutgoingMessage
from core.points.rules import quiz_scope
from core.quizzes import rules, service
from core.quizzes.bank import QuestionDraft, validate_question
from core.quizzes.models import Quiz, QuizAttempt, QuizQuestion
from core.quizzes.texts import draft_problem, problem

router = Router()
AUTHOR = "quiz_author"
LETTERS = "ABCDEF"
MAX_CHAT_QUESTIONS = 20
REVIEW_DAYS = 30
TITLE_IN_BUTTON = 40


def _member(ctx: Context) -> Member:
    assert ctx.member is not None
    return ctx.member


def _ints(text: str, count: int) -> list[int] | None:
    parts = text.split(":")
    if len(parts) != count or not all(p.isdigit() and len(p) <= 10 for p in parts):
        return None
    return [int(p) for p in parts]


def _short(title: str) -> str:
    return title if len(title) <= TITLE_IN_BUTTON else title[: TITLE_IN_BUTTON - 1] + "…"


def _refusal(ctx: Context, code: str, *buttons: Button) -> list[OutgoingMessage]:
    if not buttons:
        return [main_menu(ctx, problem(ctx, code))]
    return [reply(problem(ctx, code), *buttons)]


@router.payload("quiz", members_only=True)
def on_quiz_button(ctx: Context) -> list[OutgoingMessage]:
    arg = payload_arg(ctx.message.payload or "")
    action, _, rest = arg.partition(":")
    try:
        if action == "menu":
            return quiz_menu(ctx)
        if action == "s" and (ids := _ints(rest, 1)):
            return start(ctx, ids[0])
        if action == "a" and (ids := _ints(rest, 3)):
            return on_answer(ctx, *ids)
        if action == "n" and (ids := _ints(rest, 1)):
            return on_next(ctx, ids[0])
        if action == "r" and (ids := _ints(rest, 1)):
            return on_review(ctx, ids[0])
        if action == "new":
            return author_start(ctx)
        if action == "w":
            return author_button(ctx, rest)
    except DomainError as exc:
        return _refusal(ctx, exc.code)
    return _refusal(ctx, "bad_option")


def quiz_menu(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    member = _member(ctx)
    open_now = service.quizzes_for(ctx.session, member=member, now=ctx.now)
    buttons = [Button(_short(q.title), f"quiz:s:{q.id}") for q in open_now[:8]]
    lines: list[str] = []
    if open_now:
        lines.append(_("Quizzes open now:"))
        for quiz in open_now[:8]:
            lines.append(
                _("• {title} (until {time})", title=quiz.title, time=ctx.t.datetime(quiz.closes_at))
            )
    else:
        lines.append(_("There is no quiz open yet. We will send you a message when one opens."))
    closed = _recently_closed(ctx, member)
    if closed:
        lines.append("")
        lines.append(_("Answers of closed quizzes:"))
        buttons += [
            Button(_("Answers: {title}", title=_short(q.title)), f"quiz:r:{q.id}") for q in closed
        ]
    if members.officer_units(ctx.session, member_id=member.id):  # type: ignore[arg-type]
        buttons.append(Button(_("Create a quiz"), "quiz:new"))
    buttons.append(Button(_("Main menu"), "menu:main"))
    return [reply("\n".join(lines), *buttons)]


def _recently_closed(ctx: Context, member: Member) -> list[Quiz]:
    taken = select(QuizAttempt.quiz_id).where(QuizAttempt.member_id == member.id)
    return list(
        ctx.session.exec(
            select(Quiz)
            .where(
                col(Quiz.id).in_(taken),
                Quiz.closes_at <= ctx.now,
                Quiz.closes_at > ctx.now - timedelta(days=REVIEW_DAYS),
            )
            .order_by(col(Quiz.closes_at).desc())
            .limit(3)
        )
    )


def question_message(
    ctx: Context, quiz: Quiz, attempt: QuizAttempt, question: QuizQuestion
) -> OutgoingMessage:
    _ = ctx.t.gettext
    options = service.options_of(question)
    order = rules.option_order(
        attempt_id=attempt.id,  # type: ignore[arg-type]
        question_id=question.id,  # type: ignore[arg-type]
        count=len(options),
        shuffle=quiz.shuffle_options,
    )
    total = len(service.questions_of(ctx.session, quiz_id=quiz.id))  # type: ignore[arg-type]
    head = _("Question {n}/{total}", n=question.position, total=total)
    if quiz.question_seconds:
        head += " · " + _("{seconds} seconds", seconds=quiz.question_seconds)
    lines = [head, question.text, ""]
    buttons = []
    for shown, original in enumerate(order):
        lines.append(f"{LETTERS[shown]}. {options[original]}")
        buttons.append(Button(LETTERS[shown], f"quiz:a:{attempt.id}:{question.id}:{original}"))
    return reply("\n".join(lines), *buttons)


def start(ctx: Context, quiz_id: int) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    member = _member(ctx)
    try:
        attempt, question = service.start_attempt(
            ctx.session, member=member, quiz_id=quiz_id, now=ctx.now
        )
    except DomainError as exc:
        quiz = ctx.session.get(Quiz, quiz_id)
        if exc.code == "not_yet" and quiz is not None:
            return [
                main_menu(ctx, _("This quiz opens at {time}.", time=ctx.t.datetime(quiz.opens_at)))
            ]
        if exc.code == "no_attempts_left" and quiz is not None:
            return [main_menu(ctx, problem(ctx, exc.code) + "\n" + _result_line(ctx, quiz, member))]
        raise
    quiz = service.get_quiz(ctx.session, quiz_id=quiz_id)
    messages = []
    if question.position == 1 and attempt.started_at == ctx.now:
        intro = [_("Quiz: {title}", title=quiz.title)]
        if quiz.question_seconds:
            intro.append(
                _(
                    "Answer each question within {seconds} seconds; a faster answer earns more "
                    "points.",
                    seconds=quiz.question_seconds,
                )
                if quiz.speed_bonus
                else _(
                    "Answer each question within {seconds} seconds.", seconds=quiz.question_seconds
                )
            )
        if quiz.streak_bonus:
            intro.append(_("Correct answers in a row earn a bonus."))
        messages.append(reply("\n".join(intro)))
    messages.append(question_message(ctx, quiz, attempt, question))
    return messages


def _result_line(ctx: Context, quiz: Quiz, member: Member) -> str:
    _ = ctx.t.gettext
    mine = boards.my_rank(ctx.session, scope=quiz_scope(quiz.id), member_id=member.id)  # type: ignore[arg-type]
    if mine is None:
        return ""
    return _(
        "Your score: {points} points, rank {rank} of {total}.",
        points=ctx.t.number(mine.points),
        rank=ctx.t.number(mine.rank),
        total=ctx.t.number(mine.out_of),
    )


def on_answer(
    ctx: Context, attempt_id: int, question_id: int, option: int
) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    member = _member(ctx)
    try:
        result = service.answer(
            ctx.session,
            member=member,
            attempt_id=attempt_id,
            question_id=question_id,
            option=option,
            now=ctx.now,
            tz=ctx.config.timezone,
            answered_at=ctx.message.received_at,
        )
    except DomainError as exc:
        if exc.code == "not_current":
            return _refusal(ctx, exc.code, Button(_("Next question"), f"quiz:n:{attempt_id}"))
        raise
    attempt, quiz = result.attempt, result.quiz
    right = ", ".join(result.correct_options)
    if result.late:
        lines = [
            _(
                "Time is up for this question ({seconds} seconds), so this answer does not count.",
                seconds=quiz.question_seconds,
            ),
            _("The correct answer: {answer}", answer=right),
        ]
    elif result.correct:
        lines = [_("Correct! +{points} points", points=ctx.t.number(result.points))]
    else:
        lines = [_("Not quite. The correct answer: {answer}", answer=right)]
    if result.explanation:
        lines.append(result.explanation)
    if not result.finished:
        return [reply("\n".join(lines), Button(_("Next question"), f"quiz:n:{attempt_id}"))]
    lines.append("")
    lines.append(
        _(
            "You have finished “{title}”: {correct} of {total} correct, {points} points.",
            title=quiz.title,
            correct=attempt.correct_count,
            total=result.questions,
            points=ctx.t.number(attempt.score),
        )
    )
    if result.counted:
        lines.append(_result_line(ctx, quiz, member))
    else:
        lines.append(_("Only your first attempt counts for the leaderboard."))
    return [
        reply(
            "\n".join(lines),
            Button(_("Leaderboard"), "leaderboard:menu"),
            Button(_("Main menu"), "menu:main"),
        )
    ]


def on_next(ctx: Context, attempt_id: int) -> list[OutgoingMessage]:
    member = _member(ctx)
    try:
        question = service.next_question(
            ctx.session, member=member, attempt_id=attempt_id, now=ctx.now
        )
    except DomainError as exc:
        if exc.code != "finished":
            raise
        attempt = service.own_attempt(ctx.session, member=member, attempt_id=attempt_id)
        quiz = service.get_quiz(ctx.session, quiz_id=attempt.quiz_id)
        return [
            main_menu(
                ctx,
                ctx.t.gettext("You have finished this quiz.")
                + "\n"
                + _result_line(ctx, quiz, member),
            )
        ]
    attempt = service.own_attempt(ctx.session, member=member, attempt_id=attempt_id)
    quiz = service.get_quiz(ctx.session, quiz_id=attempt.quiz_id)
    return [question_message(ctx, quiz, attempt, question)]


def on_review(ctx: Context, quiz_id: int) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    questions = service.review(ctx.session, member=_member(ctx), quiz_id=quiz_id, now=ctx.now)
    quiz = service.get_quiz(ctx.session, quiz_id=quiz_id)
    lines = [_("Answers of “{title}”", title=quiz.title)]
    for q in questions:
        options = service.options_of(q)
        right = ", ".join(options[i] for i in sorted(rules.parse_correct(q.correct)))
        lines += ["", f"{q.position}. {q.text}", "→ " + right]
        if q.explanation:
            lines.append(q.explanation)
    return [main_menu(ctx, "\n".join(lines))]


# --- a short quiz created in chat by an officer ------------------------------------------


def _officer_unit_id(ctx: Context) -> int | None:
    units = members.officer_units(ctx.session, member_id=_member(ctx).id)  # type: ignore[arg-type]
    return min(units, key=lambda u: len(u.path)).id if units else None


def _stop_button(ctx: Context) -> Button:
    return Button(ctx.t.gettext("Stop creating the quiz"), "quiz:w:stop")


def author_start(ctx: Context) -> list[OutgoingMessage]:
    if _officer_unit_id(ctx) is None:
        return _refusal(ctx, "not_an_officer")
    ctx.conv.start(AUTHOR, "title", questions=[])
    return [reply(ctx.t.gettext("Send the title of the new quiz."), _stop_button(ctx))]


def _ask_question(ctx: Context) -> list[OutgoingMessage]:
    n = len(ctx.conv.data.get("questions", [])) + 1
    ctx.conv.goto("question")
    return [reply(ctx.t.gettext("Send question {n}.", n=n), _stop_button(ctx))]


@router.flow(AUTHOR)
def author_step(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    if _officer_unit_id(ctx) is None:
        ctx.conv.end()
        return _refusal(ctx, "not_an_officer")
    text = ctx.text.strip()
    step = ctx.conv.step
    if ctx.message.payload is not None or not text:
        return [reply(_("Please type your answer as a message."), _stop_button(ctx))]
    if step == "title":
        if len(text) > service.MAX_TITLE:
            return [reply(draft_problem(ctx, "bad_title"), _stop_button(ctx))]
        ctx.conv.goto("question", title=text)
        return _ask_question(ctx)
    if step == "question":
        ctx.conv.goto("options", question=text)
        return [
            reply(
                _(
                    "Send the options, one per line (2 to 6). Put * before each correct "
                    "option, for example:\n*Yes\nNo"
                ),
                _stop_button(ctx),
            )
        ]
    if step == "options":
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        options = [line.lstrip("*").strip() for line in lines]
        correct = ";".join(str(i + 1) for i, line in enumerate(lines) if line.startswith("*"))
        _draft, errors = validate_question(0, ctx.conv.data["question"], options, correct, "")
        if errors:
            return [reply(draft_problem(ctx, errors[0].code), _stop_button(ctx))]
        ctx.conv.goto("explanation", options=options, correct=correct)
        return [
            reply(
                _("Send the explanation shown after each answer, or a dash (-) for none."),
                _stop_button(ctx),
            )
        ]
    if step == "explanation":
        return _add_drafted(ctx, "" if text in {"-", "–"} else text)
    ctx.conv.end()
    return [main_menu(ctx)]


def _add_drafted(ctx: Context, explanation: str) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    data = ctx.conv.data
    draft, errors = validate_question(
        0, data["question"], data["options"], data["correct"], explanation
    )
    if draft is None:
        return [reply(draft_problem(ctx, errors[0].code), _stop_button(ctx))]
    questions = list(data.get("questions", []))
    if any(q["text"].casefold() == draft.text.casefold() for q in questions):
        ctx.conv.goto("question")
        return [
            reply(
                draft_problem(ctx, "duplicate_question") + "\n" + _("Send another question."),
                _stop_button(ctx),
            )
        ]
    questions.append(
        {
            "text": draft.text,
            "options": list(draft.options),
            "correct": sorted(draft.correct),
            "explanation": explanation,
        }
    )
    ctx.conv.goto("review", questions=questions)
    buttons = [Button(_("Open for {days} days", days=d), f"quiz:w:pub:{d}") for d in (1, 3, 7)]
    if len(questions) < MAX_CHAT_QUESTIONS:
        buttons.insert(0, Button(_("Add a question"), "quiz:w:add"))
    buttons.append(_stop_button(ctx))
    text = _(
        "Question {n} is added. Add another question, or open the quiz to your members now.",
        n=len(questions),
    )
    return [reply(text, *buttons)]


def author_button(ctx: Context, rest: str) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    if not ctx.conv.in_flow(AUTHOR):
        return [main_menu(ctx, _("That button is no longer active."))]
    if rest == "stop":
        ctx.conv.end()
        return [main_menu(ctx, _("The quiz was not created."))]
    if rest == "add" and ctx.conv.step == "review":
        return _ask_question(ctx)
    days = rest.removeprefix("pub:")
    if rest.startswith("pub:") and days in {"1", "3", "7"} and ctx.conv.step == "review":
        unit_id = _officer_unit_id(ctx)
        if unit_id is None:
            ctx.conv.end()
            return _refusal(ctx, "not_an_officer")
        drafts = [
            QuestionDraft(q["text"], tuple(q["options"]), frozenset(q["correct"]), q["explanation"])
            for q in ctx.conv.data["questions"]
        ]
        quiz = service.create_quiz(
            ctx.session,
            unit_id=unit_id,
            settings=service.QuizSettings(
                title=ctx.conv.data["title"],
                opens_at=ctx.now,
                closes_at=ctx.now + timedelta(days=int(days)),
            ),
            questions=drafts,
            now=ctx.now,
            created_by=_member(ctx).id,
        )
        ctx.conv.end()
        text = _(
            "The quiz “{title}” is open until {time} for the members of your union and the "
            "unions below it. They find it under Quiz in the menu.",
            title=quiz.title,
            time=ctx.t.datetime(quiz.closes_at),
        )
        return [
            reply(
                text, Button(_("Try it"), f"quiz:s:{quiz.id}"), Button(_("Main menu"), "menu:main")
            )
        ]
    return [reply(_("Please use the buttons of the last message."), _stop_button(ctx))]


@router.button(Menu, members_only=True, item=MenuItem.QUIZ)
def on_menu_entry(ctx: Context, _data: Menu) -> list[OutgoingMessage]:
    return quiz_menu(ctx)
