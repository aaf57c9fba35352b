"""The author's side: /my_initiatives, and the answer to an officer's question."""

from __future__ import annotations

from core.dispatch import Context, Router, button
from core.errors import DomainError
from core.initiatives import drafts, texts, workflow
from core.initiatives.buttons import Answer, Draft, DraftAction
from core.initiatives.chat.common import member, refusal, say
from core.initiatives.notify import notifier
from core.initiatives.problems import problem_text
from core.initiatives.rules import Status
from core.initiatives.steps import AuthorReply, InitiativeState
from core.members.menu import main_menu
from core.messages import Button, OutgoingMessage

router = Router()


@router.command("my_initiatives", "myinitiatives", members_only=True)
def on_my_initiatives(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    items = workflow.for_member(ctx.session, member_id=member(ctx).id)  # type: ignore[arg-type]
    draft = drafts.draft_of(ctx.session, member_id=member(ctx).id)  # type: ignore[arg-type]
    if not items and draft is None:
        return [main_menu(ctx, _("You have not sent any initiative yet."))]
    lines = [_("Your initiatives:")]
    buttons: list[Button] = []
    for item in items[:15]:
        line = f"• {item.code} «{item.title}»: {texts.status(ctx.t, item.status)}"
        if item.status in (Status.ACCEPTED, Status.APPLIED) and item.reward_vnd is not None:
            line += " – " + _("reward {money}", money=ctx.t.money(item.reward_vnd))
        if item.status == Status.REJECTED and item.reject_reason:
            line += " – " + item.reject_reason
        lines.append(line)
        if item.status == Status.NEEDS_INFO:
            lines.append("  " + _("Question: {text}", text=item.info_request or ""))
            buttons.append(button(_("Answer {code}", code=item.code), Answer(item.id)))  # type: ignore[arg-type]
    if draft is not None:
        lines.append(_("• Draft «{title}» (not sent yet)", title=draft.title or "…"))
        buttons.append(button(_("Continue the draft"), Draft(DraftAction.RESUME)))
    return say("\n".join(lines), *buttons)


@router.button(Answer, members_only=True)
def on_answer_button(ctx: Context, data: Answer) -> list[OutgoingMessage]:
    ctx.conv.enter(AuthorReply.answer, InitiativeState(initiative=data.initiative))
    return say(ctx.t.gettext("Write your answer in one message."))


@router.step(AuthorReply.answer)
def on_answer(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    state = ctx.conv.state(InitiativeState)
    try:
        item = workflow.answer_info(
            ctx.session,
            member=member(ctx),
            initiative_id=state.initiative,
            answer=ctx.text,
            notifier=notifier(ctx),
            now=ctx.now,
        )
    except DomainError as err:
        if err.code in ("answer_empty", "answer_too_long"):
            return refusal(ctx, err)
        ctx.conv.end()
        return [main_menu(ctx, problem_text(ctx.t, err))]
    ctx.conv.end()
    text = _("Thank you, your answer about {code} was sent to the officers.", code=item.code)
    return [main_menu(ctx, text)]
