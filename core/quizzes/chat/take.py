"""Taking a quiz by chat: one question at a time, answered by a tap or by typing the option's
letter, number or text; feedback and «Next question»; the score and rank at the end.

A person who leaves half-way and comes back (the quiz's button, the Quiz menu) continues at
the first question they have not answered.
"""

from __future__ import annotations

from core.chat.choices import LETTERS
from core.dispatch import Context, Router, button, reply
from core.errors import DomainError
from core.leaderboards import MyRank, my_rank, people_board, rank_at
from core.members import service as members
from core.members.buttons import Menu, MenuItem
from core.members.menu import main_menu
from core.members.models import Member
from core.messages import Button, OutgoingMessage
from core.points.rules import quiz_scope
from core.quizzes import rules, service
from core.quizzes.buttons import Answer, Create, Next, QuizBoard, Review, Start
from core.quizzes.models import Quiz, QuizAttempt, QuizQuestion
from core.quizzes.steps import Taking, TakingState
from core.quizzes.texts import problem
from core.storage.secrets import privacy_key

router = Router()
OPEN_SHOWN = 8
REVIEW_DAYS = 30
TITLE_IN_BUTTON = 40


def _member(ctx: Context) -> Member:
    assert ctx.member is not None
    return ctx.member


def _short(title: str) -> str:
    return title if len(title) <= TITLE_IN_BUTTON else title[: TITLE_IN_BUTTON - 1] + "…"


def refusal(ctx: Context, code: str, *buttons: Button) -> list[OutgoingMessage]:
    if not buttons:
        return [main_menu(ctx, problem(ctx, code))]
    return [reply(problem(ctx, code), *buttons)]


@router.button(Menu, members_only=True, item=MenuItem.QUIZ)
def on_menu_entry(ctx: Context, _data: Menu) -> list[OutgoingMessage]:
    return quiz_menu(ctx)


@router.command("quiz", members_only=True)
def on_quiz_command(ctx: Context) -> list[OutgoingMessage]:
    """/quiz: the quizzes open now, as the menu's «Thi tìm hiểu» (typed where there are no
    buttons, and named in a quiz's announcement)."""
    return quiz_menu(ctx)


def quiz_menu(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    member = _member(ctx)
    open_now = service.quizzes_for(ctx.session, member=member, now=ctx.now)[:OPEN_SHOWN]
    buttons = [button(_short(q.title), Start(q.id)) for q in open_now]  # type: ignore[arg-type]
    lines: list[str] = []
    if open_now:
        lines.append(_("Quizzes open now:"))
        for quiz in open_now:
            lines.append(
                _("• {title} (until {time})", title=quiz.title, time=ctx.t.datetime(quiz.closes_at))
            )
    else:
        lines.append(_("There is no quiz open yet. We will send you a message when one opens."))
    closed = service.recently_closed(ctx.session, member=member, now=ctx.now, days=REVIEW_DAYS)
    if closed:
        lines += ["", _("Answers of closed quizzes:")]
        buttons += [
            button(_("Answers: {title}", title=_short(q.title)), Review(q.id))  # type: ignore[arg-type]
            for q in closed
        ]
    if members.officer_units(ctx.session, member_id=member.id):  # type: ignore[arg-type]
        buttons.append(button(_("Create a quiz"), Create()))
    buttons.append(button(_("Main menu"), Menu(MenuItem.MAIN)))
    return [reply("\n".join(lines), *buttons)]


def question_message(
    ctx: Context, quiz: Quiz, attempt: QuizAttempt, question: QuizQuestion
) -> OutgoingMessage:
    """The question, its options lettered in this attempt's order, one button per option
    (labelled with the letter and the text, so that typing either names it)."""
    _ = ctx.t.gettext
    options = service.options_of(question)
    order = rules.option_order(
        attempt_id=attempt.id,  # type: ignore[arg-type]
        question_id=question.id,  # type: ignore[arg-type]
        count=len(options),
        shuffle=quiz.shuffle_options,
    )
    total = service.question_count(ctx.session, quiz_id=quiz.id)  # type: ignore[arg-type]
    head = _("Question {n}/{total}", n=question.position, total=total)
    if quiz.question_seconds:
        head += " · " + _("{seconds} seconds", seconds=quiz.question_seconds)
    lines = [head, question.text, ""]
    buttons = []
    for shown, original in enumerate(order):
        letter = LETTERS[shown].upper()
        lines.append(f"{letter}. {options[original]}")
        data = Answer(attempt.id, question.id, original)  # type: ignore[arg-type]
        buttons.append(button(f"{letter}. {options[original]}", data))
    return reply("\n".join(lines), *buttons)


def _ask(ctx: Context, attempt: QuizAttempt, question: QuizQuestion) -> OutgoingMessage:
    quiz = service.get_quiz(ctx.session, quiz_id=attempt.quiz_id)
    ctx.conv.enter(Taking.question, TakingState(quiz=quiz.id, attempt=attempt.id))  # type: ignore[arg-type]
    return question_message(ctx, quiz, attempt, question)


def _intro(ctx: Context, quiz: Quiz) -> OutgoingMessage:
    _ = ctx.t.gettext
    lines = [_("Quiz: {title}", title=quiz.title)]
    if quiz.question_seconds and quiz.speed_bonus:
        lines.append(
            _(
                "Answer each question within {seconds} seconds; a faster answer earns more points.",
                seconds=quiz.question_seconds,
            )
        )
    elif quiz.question_seconds:
        lines.append(
            _("Answer each question within {seconds} seconds.", seconds=quiz.question_seconds)
        )
    if quiz.streak_bonus:
        lines.append(_("Correct answers in a row earn a bonus."))
    return reply("\n".join(lines))


@router.button(Start, members_only=True)
def on_start(ctx: Context, data: Start) -> list[OutgoingMessage]:
    member = _member(ctx)
    try:
        attempt, question = service.start_attempt(
            ctx.session,
            member=member,
            quiz_id=data.quiz,
            now=ctx.now,
            key=privacy_key(ctx.session, ctx.config.privacy_key),
        )
    except DomainError as exc:
        return _not_started(ctx, data.quiz, exc)
    messages = []
    if question.position == 1 and attempt.started_at == ctx.now:
        messages.append(_intro(ctx, service.get_quiz(ctx.session, quiz_id=data.quiz)))
    messages.append(_ask(ctx, attempt, question))
    return messages


def _not_started(ctx: Context, quiz_id: int, exc: DomainError) -> list[OutgoingMessage]:
    try:
        quiz = service.get_quiz(ctx.session, quiz_id=quiz_id)
    except DomainError:
        return refusal(ctx, exc.code)
    if exc.code == "not_yet":
        text = ctx.t.gettext("This quiz opens at {time}.", time=ctx.t.datetime(quiz.opens_at))
        return [main_menu(ctx, text)]
    if exc.code == "no_attempts_left":
        text = problem(ctx, exc.code) + "\n" + result_line(ctx, quiz, _member(ctx))
        return [main_menu(ctx, text)]
    return refusal(ctx, exc.code)


def result_line(ctx: Context, quiz: Quiz, member: Member) -> str:
    mine = my_rank(ctx.session, scope=quiz_scope(quiz.id), member_id=member.id)  # type: ignore[arg-type]
    return _rank_line(ctx, mine)


def _rank_line(ctx: Context, mine: MyRank | None) -> str:
    if mine is None:
        return ""
    return ctx.t.gettext(
        "Your score: {points} points, rank {rank} of {total}.",
        points=ctx.t.number(mine.points),
        rank=ctx.t.number(mine.rank),
        total=ctx.t.number(mine.out_of),
    )


def _next_button(ctx: Context, attempt_id: int) -> Button:
    return button(ctx.t.gettext("Next question"), Next(attempt_id))


@router.button(Answer, members_only=True, batched=True, prefetch=service.prefetch_answers)
def on_answer(ctx: Context, data: Answer) -> list[OutgoingMessage]:
    """Batched (core/held.py): the answer's rows and scores are written with its batch's."""
    member = _member(ctx)
    try:
        result = service.answer(
            ctx.session,
            member=member,
            attempt_id=data.attempt,
            question_id=data.question,
            option=data.option,
            now=ctx.now,
            tz=ctx.config.timezone,
            answered_at=ctx.message.received_at,
            held=ctx.held,
        )
    except DomainError as exc:
        if exc.code in ("already_answered", "not_current"):  # changes nothing; go on from here
            return refusal(ctx, exc.code, _next_button(ctx, data.attempt))
        return refusal(ctx, exc.code)
    lines = _feedback(ctx, result)
    if not result.finished:
        ctx.conv.enter(Taking.answered, TakingState(quiz=result.quiz_id, attempt=result.attempt_id))
        return [reply("\n".join(lines), _next_button(ctx, data.attempt))]
    ctx.conv.end()
    return [reply("\n".join([*lines, "", *_finished(ctx, result)]), *_done(ctx, result.quiz_id))]


def _feedback(ctx: Context, result: service.AnswerResult) -> list[str]:
    _ = ctx.t.gettext
    right = ", ".join(result.correct_options)
    if result.late:
        lines = [
            _(
                "Time is up for this question ({seconds} seconds), so this answer does not count.",
                seconds=result.question_seconds,
            ),
            _("The correct answer: {answer}", answer=right),
        ]
    elif result.correct:
        lines = [_("Correct! +{points} points", points=ctx.t.number(result.points))]
    else:
        lines = [_("Not quite. The correct answer: {answer}", answer=right)]
    if result.explanation:
        lines.append(result.explanation)
    return lines


def _finished(ctx: Context, result: service.AnswerResult) -> list[str]:
    """The attempt's result and, when it counted, the member's rank in the quiz (read from
    the score the answer's award returned)."""
    _ = ctx.t.gettext
    line = _(
        "You have finished “{title}”: {correct} of {total} correct, {points} points.",
        title=result.title,
        correct=result.correct_count,
        total=result.questions,
        points=ctx.t.number(result.score),
    )
    if not result.counted:
        return [line, _("Only your first attempt counts for the leaderboard.")]
    scope, member_id = quiz_scope(result.quiz_id), _member(ctx).id
    if result.rank is not None:  # read with the batch's held answers counted
        mine: MyRank | None = result.rank
    elif result.standing is None:
        mine = my_rank(ctx.session, scope=scope, member_id=member_id)  # type: ignore[arg-type]
    else:
        standing = result.standing
        mine = rank_at(
            ctx.session,
            scope=scope,
            member_id=member_id,  # type: ignore[arg-type]
            points=standing.points,
            reached_at=standing.reached_at,
        )
    return [line, _rank_line(ctx, mine)]


def _done(ctx: Context, quiz_id: int) -> tuple[Button, ...]:
    _ = ctx.t.gettext
    return (
        button(_("This quiz's leaderboard"), QuizBoard(quiz_id)),
        button(_("Leaderboard"), Menu(MenuItem.LEADERBOARD)),
        button(_("Main menu"), Menu(MenuItem.MAIN)),
    )


@router.button(Next, members_only=True)
def on_next(ctx: Context, data: Next) -> list[OutgoingMessage]:
    member = _member(ctx)
    try:
        question = service.next_question(
            ctx.session, member=member, attempt_id=data.attempt, now=ctx.now
        )
    except DomainError as exc:
        if exc.code != "finished":
            return refusal(ctx, exc.code)
        ctx.conv.end()
        attempt = service.own_attempt(ctx.session, member=member, attempt_id=data.attempt)
        quiz = service.get_quiz(ctx.session, quiz_id=attempt.quiz_id)
        text = ctx.t.gettext("You have finished this quiz.") + "\n" + result_line(ctx, quiz, member)
        return [main_menu(ctx, text)]
    attempt = service.own_attempt(ctx.session, member=member, attempt_id=data.attempt)
    return [_ask(ctx, attempt, question)]


@router.step(Taking.question, Taking.answered)
def on_other_input(ctx: Context) -> list[OutgoingMessage]:
    """A sticker, a photo, or text when no choice was offered last: the question again."""
    state = ctx.conv.state(TakingState)
    return on_start(ctx, Start(state.quiz))


@router.button(Review, members_only=True)
def on_review(ctx: Context, data: Review) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    try:
        questions = service.review(ctx.session, member=_member(ctx), quiz_id=data.quiz, now=ctx.now)
    except DomainError as exc:
        return refusal(ctx, exc.code)
    quiz = service.get_quiz(ctx.session, quiz_id=data.quiz)
    lines = [_("Answers of “{title}”", title=quiz.title)]
    for q in questions:
        options = service.options_of(q)
        right = ", ".join(options[i] for i in sorted(rules.parse_correct(q.correct)))
        lines += ["", f"{q.position}. {q.text}", "→ " + right]
        if q.explanation:
            lines.append(q.explanation)
    return [main_menu(ctx, "\n".join(lines))]


@router.button(QuizBoard, members_only=True)
def on_board(ctx: Context, data: QuizBoard) -> list[OutgoingMessage]:
    try:
        quiz = service.get_quiz(ctx.session, quiz_id=data.quiz)
    except DomainError as exc:
        return refusal(ctx, exc.code)
    title = ctx.t.gettext("quiz “{title}”", title=quiz.title)
    return people_board(ctx, quiz_scope(quiz.id), title)  # type: ignore[arg-type]
