"""The unit's officers decide on a proposal: approve (points, the people told, the union told
naming only those who agreed) or reject with a reason the proposer hears."""

from __future__ import annotations

from core.campaigns.scope import Actor
from core.commendations import service
from core.commendations.buttons import Approve, ApproveConfirmed, Reject
from core.commendations.chat.propose import cancel_button, member_of, say
from core.commendations.models import CommendationStatus
from core.commendations.steps import Rejecting, RejectingState
from core.dispatch import Context, Router, button
from core.errors import DomainError
from core.initiatives import notifier
from core.initiatives.problems import problem_text
from core.messages import OutgoingMessage

router = Router()


def _actor(ctx: Context) -> Actor:
    return Actor.officer(member_of(ctx).id)  # type: ignore[arg-type]


@router.command("commendations", members_only=True)
def on_pending(ctx: Context) -> list[OutgoingMessage]:
    actor = _actor(ctx)
    if not actor.is_officer(ctx.session):
        return say(problem_text(ctx.t, "not_an_officer"))
    cards = service.waiting_cards(ctx.session, actor=actor, t=ctx.t)
    return cards or say(ctx.t.gettext("No proposal for a commendation is waiting."))


@router.button(Approve, members_only=True)
def on_approve(ctx: Context, data: Approve) -> list[OutgoingMessage]:
    """What approving gives, before anything is given: the points and the announcement."""
    try:
        item = service.get(ctx.session, actor=_actor(ctx), commendation_id=data.commendation)
    except DomainError as err:
        return say(problem_text(ctx.t, err))
    if item.status != CommendationStatus.NOMINATED:
        return say(problem_text(ctx.t, "already_decided"))
    people = service.commended(ctx.session, commendation_id=data.commendation)
    _ = ctx.t.gettext
    text = _(
        "Approve? {who}: {points} points each, and the union is told:\n«{announcement}»\nTo "
        "change the announcement's words, approve it on the officer desk instead.",
        who=service.who_text(ctx.t, item, people),
        points=ctx.t.number(service.DEFAULT_POINTS),
        announcement=service.preview(ctx.session, ctx.t, item),
    )
    return say(
        text,
        button(_("Yes, approve and announce"), ApproveConfirmed(data.commendation)),
        button(_("Do not approve"), Reject(data.commendation)),
    )


@router.button(ApproveConfirmed, members_only=True)
def on_approve_confirmed(ctx: Context, data: ApproveConfirmed) -> list[OutgoingMessage]:
    try:
        item = service.approve(
            ctx.session,
            actor=_actor(ctx),
            commendation_id=data.commendation,
            notifier=notifier(ctx),
            now=ctx.now,
        )
    except DomainError as err:
        return say(problem_text(ctx.t, err))
    people = service.commended(ctx.session, commendation_id=data.commendation)
    text = ctx.t.gettext(
        "Approved: {who}, {points} points each. The union has been told, naming only those "
        "who agreed.",
        who=service.who_text(ctx.t, item, people),
        points=ctx.t.number(item.points),
    )
    return say(text)


@router.button(Reject, members_only=True)
def on_reject(ctx: Context, data: Reject) -> list[OutgoingMessage]:
    try:
        item = service.get(ctx.session, actor=_actor(ctx), commendation_id=data.commendation)
    except DomainError as err:
        return say(problem_text(ctx.t, err))
    if item.status != CommendationStatus.NOMINATED:
        return say(problem_text(ctx.t, "already_decided"))
    ctx.conv.enter(Rejecting.reason, RejectingState(commendation=data.commendation))
    text = ctx.t.gettext("Why is it not approved? The person who proposed it will see the reason.")
    return say(text, cancel_button(ctx))


@router.step(Rejecting.reason)
def on_reject_reason(ctx: Context) -> list[OutgoingMessage]:
    state = ctx.conv.state(RejectingState)
    try:
        service.reject(
            ctx.session,
            actor=_actor(ctx),
            commendation_id=state.commendation,
            reason=ctx.text,
            now=ctx.now,
            notifier=notifier(ctx),
        )
    except DomainError as err:
        if err.code in ("reason_empty", "reason_too_long"):
            return say(problem_text(ctx.t, err), cancel_button(ctx))
        ctx.conv.end()
        return say(problem_text(ctx.t, err))
    ctx.conv.end()
    return say(ctx.t.gettext("Not approved. The person who proposed it has been told why."))
