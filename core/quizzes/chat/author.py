"""A short quiz written in chat by an officer: title, then each question, its options (the
correct ones marked with *) and an explanation; then more questions, or open it for 1, 3 or
7 days to the members of the officer's union and the unions below it.

Leaving and coming back («Create a quiz» again) continues at the step the officer is on.
"""

from __future__ import annotations

from datetime import timedelta

from core.chat.steps import Step
from core.dispatch import Context, Router, button, reply
from core.members import service as members
from core.members.buttons import Menu, MenuItem
from core.members.menu import main_menu
from core.messages import Button, OutgoingMessage
from core.quizzes import service
from core.quizzes.bank import QuestionDraft, validate_question
from core.quizzes.buttons import AddQuestion, AnnounceQuiz, Create, Publish, Start, StopDraft
from core.quizzes.chat.take import refusal
from core.quizzes.steps import Authoring, AuthoringState
from core.quizzes.texts import draft_problem

router = Router()
MAX_CHAT_QUESTIONS = 20
OPEN_DAYS = (1, 3, 7)
NO_EXPLANATION = {"-", "–"}


def _officer_unit_id(ctx: Context) -> int | None:
    assert ctx.member is not None
    units = members.officer_units(ctx.session, member_id=ctx.member.id)  # type: ignore[arg-type]
    return min(units, key=lambda u: len(u.path)).id if units else None


def _stop(ctx: Context) -> Button:
    return button(ctx.t.gettext("Stop creating the quiz"), StopDraft())


def _say(text: str, *buttons: Button) -> list[OutgoingMessage]:
    return [reply(text, *buttons)]


@router.button(Create, members_only=True)
def on_create(ctx: Context, _data: Create) -> list[OutgoingMessage]:
    if _officer_unit_id(ctx) is None:
        return refusal(ctx, "not_an_officer")
    if ctx.conv.flow == Authoring.__flow__:  # came back: continue where the officer was
        step = Authoring.__steps__.get(ctx.conv.step or "", Authoring.title)
        return _ask(ctx, step, ctx.conv.state(AuthoringState))
    return _ask(ctx, Authoring.title, AuthoringState())


def _ask(ctx: Context, step: Step, state: AuthoringState) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    ctx.conv.enter(step, state)
    if step is Authoring.title:
        return _say(_("Send the title of the new quiz."), _stop(ctx))
    if step is Authoring.question:
        return _say(_("Send question {n}.", n=len(state.questions) + 1), _stop(ctx))
    if step is Authoring.options:
        text = _(
            "Send the options, one per line (2 to 6). Put * before each correct option, for "
            "example:\n*Yes\nNo"
        )
        return _say(text, _stop(ctx))
    if step is Authoring.explanation:
        text = _("Send the explanation shown after each answer, or a dash (-) for none.")
        return _say(text, _stop(ctx))
    return _review(ctx, state)


def _review(ctx: Context, state: AuthoringState) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    buttons = [button(_("Open for {days} days", days=d), Publish(d)) for d in OPEN_DAYS]
    if len(state.questions) < MAX_CHAT_QUESTIONS:
        buttons.insert(0, button(_("Add a question"), AddQuestion()))
    text = _(
        "Question {n} is added. Add another question, or open the quiz to your members now.",
        n=len(state.questions),
    )
    return _say(text, *buttons, _stop(ctx))


@router.step(Authoring.title, Authoring.question, Authoring.options, Authoring.explanation)
def on_typed(ctx: Context) -> list[OutgoingMessage]:
    if _officer_unit_id(ctx) is None:
        ctx.conv.end()
        return refusal(ctx, "not_an_officer")
    text = ctx.text.strip()
    if ctx.message.payload is not None or not text:
        return _say(ctx.t.gettext("Please type your answer as a message."), _stop(ctx))
    state = ctx.conv.state(AuthoringState)
    if ctx.conv.at(Authoring.title):
        if len(text) > service.MAX_TITLE:
            return _say(draft_problem(ctx, "bad_title"), _stop(ctx))
        state.title = text
        return _ask(ctx, Authoring.question, state)
    if ctx.conv.at(Authoring.question):
        state.question = text
        return _ask(ctx, Authoring.options, state)
    if ctx.conv.at(Authoring.options):
        return _options(ctx, state, text)
    return _add_drafted(ctx, state, "" if text in NO_EXPLANATION else text)


def _options(ctx: Context, state: AuthoringState, text: str) -> list[OutgoingMessage]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    options = [line.lstrip("*").strip() for line in lines]
    correct = ";".join(str(i + 1) for i, line in enumerate(lines) if line.startswith("*"))
    _draft, errors = validate_question(0, state.question, options, correct, "")
    if errors:
        return _say(draft_problem(ctx, errors[0].code), _stop(ctx))
    state.options, state.correct = options, correct
    return _ask(ctx, Authoring.explanation, state)


def _add_drafted(ctx: Context, state: AuthoringState, explanation: str) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    draft, errors = validate_question(0, state.question, state.options, state.correct, explanation)
    if draft is None:
        return _say(draft_problem(ctx, errors[0].code), _stop(ctx))
    if any(q["text"].casefold() == draft.text.casefold() for q in state.questions):
        ctx.conv.enter(Authoring.question, state)
        text = draft_problem(ctx, "duplicate_question") + "\n" + _("Send another question.")
        return _say(text, _stop(ctx))
    state.questions.append(
        {
            "text": draft.text,
            "options": list(draft.options),
            "correct": sorted(draft.correct),
            "explanation": explanation,
        }
    )
    state.question, state.options, state.correct = "", [], ""
    return _ask(ctx, Authoring.review, state)


def _not_writing(ctx: Context) -> list[OutgoingMessage]:
    return [main_menu(ctx, ctx.t.gettext("That button is no longer active."))]


@router.button(StopDraft, members_only=True)
def on_stop(ctx: Context, _data: StopDraft) -> list[OutgoingMessage]:
    if ctx.conv.flow != Authoring.__flow__:
        return _not_writing(ctx)
    ctx.conv.end()
    return [main_menu(ctx, ctx.t.gettext("The quiz was not created."))]


@router.button(AddQuestion, members_only=True)
def on_add(ctx: Context, _data: AddQuestion) -> list[OutgoingMessage]:
    if not ctx.conv.at(Authoring.review):
        return _not_writing(ctx)
    return _ask(ctx, Authoring.question, ctx.conv.state(AuthoringState))


@router.button(Publish, members_only=True)
def on_publish(ctx: Context, data: Publish) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    if not ctx.conv.at(Authoring.review) or data.days not in OPEN_DAYS:
        return _not_writing(ctx)
    unit_id = _officer_unit_id(ctx)
    if unit_id is None:
        ctx.conv.end()
        return refusal(ctx, "not_an_officer")
    state = ctx.conv.state(AuthoringState)
    drafts = [
        QuestionDraft(q["text"], tuple(q["options"]), frozenset(q["correct"]), q["explanation"])
        for q in state.questions
    ]
    quiz = service.create_quiz(
        ctx.session,
        unit_id=unit_id,
        settings=service.QuizSettings(
            title=state.title, opens_at=ctx.now, closes_at=ctx.now + timedelta(days=data.days)
        ),
        questions=drafts,
        now=ctx.now,
        created_by=ctx.member.id if ctx.member else None,
    )
    ctx.conv.end()
    text = _(
        "The quiz “{title}” is open until {time} for the members of your union and the "
        "unions below it. They find it under Quiz in the menu.",
        title=quiz.title,
        time=ctx.t.datetime(quiz.closes_at),
    )
    return _say(
        text,
        button(_("Tell the members"), AnnounceQuiz(quiz.id, send=False)),  # type: ignore[arg-type]
        button(_("Try it"), Start(quiz.id)),  # type: ignore[arg-type]
        button(_("Main menu"), Menu(MenuItem.MAIN)),
    )
