"""An officer announces a quiz to its audience from the chat, after publishing it: the
announcement as the members will read it and whom it reaches, then «Gửi thông báo» to send it
(core/quizzes/announce.py; the desk's quiz page offers the same, with the text editable)."""

from __future__ import annotations

from core.broadcasts import service as broadcasts
from core.campaigns.chat.common import actor
from core.dispatch import Context, Router, button, reply
from core.errors import DomainError
from core.i18n import Translator
from core.members.buttons import Menu, MenuItem
from core.members.menu import main_menu
from core.messages import OutgoingMessage
from core.quizzes import announce, service
from core.quizzes.buttons import AnnounceQuiz
from core.quizzes.models import Quiz
from core.quizzes.texts import problem

router = Router()


def _members_t(ctx: Context) -> Translator:
    """The announcement's language: the members' (the default locale), not the officer's."""
    return ctx.catalogs.translator(None, ctx.config.timezone)


def _quiz(ctx: Context, quiz_id: int) -> Quiz:
    quiz = service.get_quiz(ctx.session, quiz_id=quiz_id)
    actor(ctx).require_unit(ctx.session, quiz.unit_id)
    return quiz


@router.button(AnnounceQuiz, members_only=True, send=False)
def on_preview(ctx: Context, data: AnnounceQuiz) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    try:
        quiz = _quiz(ctx, data.quiz)
    except DomainError as err:
        return [main_menu(ctx, problem(ctx, err.code))]
    if announce.announcement_of(ctx.session, data.quiz) is not None:
        return [main_menu(ctx, _("The members have already been told about this quiz."))]
    policy = ctx.config.delivery
    audience = announce.audience_of(ctx.session, quiz)
    plan = broadcasts.plan(ctx.session, audience=audience, policy=policy, now=ctx.now)
    text = announce.default_text(_members_t(ctx), quiz, ctx.now)
    intro = _(
        "This goes to the {n} members of the quiz's unions who accept announcements, with a "
        "«Take the quiz» button:",
        n=ctx.t.number(plan.total - sum(plan.counts.skipped.values())),
    )
    return [
        reply(
            f"{intro}\n\n{text}",
            button(_("Send the announcement"), AnnounceQuiz(data.quiz, send=True)),
            button(_("Not now"), Menu(MenuItem.MAIN)),
        )
    ]


@router.button(AnnounceQuiz, members_only=True, send=True)
def on_send(ctx: Context, data: AnnounceQuiz) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    members_t = _members_t(ctx)
    try:
        quiz = _quiz(ctx, data.quiz)
        sent = announce.announce(
            ctx.session,
            actor=actor(ctx),
            quiz=quiz,
            text=announce.default_text(members_t, quiz, ctx.now),
            t=members_t,
            policy=ctx.config.delivery,
            now=ctx.now,
        )
    except DomainError as err:
        return [main_menu(ctx, problem(ctx, err.code))]
    text = _(
        "The announcement of the quiz is on its way. /report {id} shows how it was delivered.",
        id=sent.id,
    )
    return [main_menu(ctx, text)]
