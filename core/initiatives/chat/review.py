"""The officers' review: the queue (/initiatives), an initiative's card, and the decisions
(accept, reject with a reason, ask the authors, assign, mark as applied)."""

from __future__ import annotations

from collections.abc import Callable

from core.dispatch import Context, Router, button
from core.errors import DomainError
from core.initiatives import people, rules, texts, workflow
from core.initiatives.buttons import AssignTo, Decision, MonthReport, Review
from core.initiatives.chat.common import actor, member, refusal, say
from core.initiatives.models import Initiative
from core.initiatives.notify import notifier
from core.initiatives.reward_bands import compute_reward
from core.initiatives.rules import Status
from core.initiatives.steps import Decide, InitiativeState
from core.messages import OutgoingMessage

router = Router()
Decider = Callable[[Context, Initiative], list[OutgoingMessage]]


@router.command("initiatives", members_only=True)
def on_review_queue(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    officer = actor(ctx)
    if not officer.is_officer(ctx.session):
        return refusal(ctx, "not_an_officer")
    waiting = workflow.in_scope(ctx.session, actor=officer, statuses=tuple(rules.OPEN), limit=10)
    report = button(_("Report of this month"), MonthReport())
    if not waiting:
        return say(_("No initiative is waiting for review."), report)
    lines = [_("Initiatives waiting for review:")]
    lines += [f"• {i.code} «{i.title}»: {texts.status(ctx.t, i.status)}" for i in waiting]
    return say(
        "\n".join(lines),
        *(button(i.code or "?", Review(Decision.VIEW, i.id)) for i in waiting),  # type: ignore[arg-type]
        report,
    )


def _decide(ctx: Context, initiative_id: int, then: Decider) -> list[OutgoingMessage]:
    """Run a decision on an initiative in the officer's scope; a refusal in words."""
    officer = actor(ctx)
    if not officer.is_officer(ctx.session):
        return refusal(ctx, "not_an_officer")
    if ctx.conv.at(Decide.reason, Decide.question):
        ctx.conv.end()  # another decision replaces the reason or question being written
    try:
        item = workflow.get(ctx.session, actor=officer, initiative_id=initiative_id)
        return then(ctx, item)
    except DomainError as err:
        return refusal(ctx, err)


def _id(item: Initiative) -> int:
    assert item.id is not None
    return item.id


def _card(ctx: Context, item: Initiative) -> list[OutgoingMessage]:
    names = people.author_names(ctx.session, initiative_id=item.id, t=ctx.t)  # type: ignore[arg-type]
    return texts.review_card(ctx.t, item, names)


def _confirm_accept(ctx: Context, item: Initiative) -> list[OutgoingMessage]:
    """What accepting pays (the reward table in force today), before anything is paid."""
    if item.status in (Status.ACCEPTED, Status.APPLIED):
        return refusal(ctx, "already_accepted")
    if not rules.may_move(item.status, Status.ACCEPTED):
        return refusal(ctx, "wrong_status")
    reward = compute_reward(ctx.session, item=item, on=ctx.now.astimezone(ctx.t.tz).date())
    _ = ctx.t.gettext
    text = _(
        "Accept {code}? Benefit {benefit}: the reward table in force today pays {money} and "
        "{points} points, shared by {n} author(s).",
        code=item.code,
        benefit=ctx.t.money(reward.benefit_vnd),
        money=ctx.t.money(reward.reward_vnd),
        points=ctx.t.number(reward.points),
        n=len(reward.shares),
    )
    return say(
        text,
        button(_("Yes, accept and pay"), Review(Decision.ACCEPT_CONFIRMED, _id(item))),
        button(_("Back"), Review(Decision.VIEW, _id(item))),
    )


def _accept(ctx: Context, item: Initiative) -> list[OutgoingMessage]:
    item, reward = workflow.accept(
        ctx.session, actor=actor(ctx), initiative_id=_id(item), notifier=notifier(ctx), now=ctx.now
    )
    text = ctx.t.gettext(
        "{code} accepted. Benefit {benefit}: reward {money} and {points} points, shared by {n} "
        "author(s). The authors have been told.",
        code=item.code,
        benefit=ctx.t.money(reward.benefit_vnd),
        money=ctx.t.money(reward.reward_vnd),
        points=ctx.t.number(reward.points),
        n=len(reward.shares),
    )
    return say(text, *texts.review_buttons(ctx.t, item))


def _applied(ctx: Context, item: Initiative) -> list[OutgoingMessage]:
    item = workflow.mark_applied(
        ctx.session, actor=actor(ctx), initiative_id=_id(item), notifier=notifier(ctx), now=ctx.now
    )
    text = ctx.t.gettext("{code} is marked as applied. The authors have been told.", code=item.code)
    return say(text)


def _ask_words(ctx: Context, item: Initiative, *, rejecting: bool) -> list[OutgoingMessage]:
    """Begin writing a reason (reject) or a question (ask) about the initiative."""
    _ = ctx.t.gettext
    if not rules.may_move(item.status, Status.REJECTED):
        return refusal(ctx, "wrong_status")
    workflow.start_review(
        ctx.session, actor=actor(ctx), initiative_id=_id(item), notifier=notifier(ctx), now=ctx.now
    )
    ctx.conv.enter(Decide.reason if rejecting else Decide.question, InitiativeState(_id(item)))
    if rejecting:
        text = _(
            "Why is {code} not accepted? Write the reason; the authors will see it.",
            code=item.code,
        )
    else:
        text = _("What would you like to ask the authors of {code}?", code=item.code)
    return say(text, button(_("Cancel"), Review(Decision.VIEW, _id(item))))


def _assignees(ctx: Context, item: Initiative) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    if Status(item.status) not in rules.OPEN:  # an old button of a decided initiative
        return refusal(ctx, "wrong_status")
    others = [
        m for m in people.officers_for_assignment(ctx.session, item=item) if m.id != member(ctx).id
    ]
    if not others:
        return say(_("There is no other officer who can review it."))
    return say(
        _("Assign {code} to:", code=item.code),
        *(button(m.full_name or "?", AssignTo(_id(item), m.id or 0)) for m in others[:8]),
    )


_DECISIONS: dict[Decision, Decider] = {
    Decision.VIEW: _card,
    Decision.ACCEPT: _confirm_accept,
    Decision.ACCEPT_CONFIRMED: _accept,
    Decision.APPLIED: _applied,
    Decision.REJECT: lambda ctx, item: _ask_words(ctx, item, rejecting=True),
    Decision.ASK: lambda ctx, item: _ask_words(ctx, item, rejecting=False),
    Decision.ASSIGN: _assignees,
}


@router.button(Review, members_only=True)
def on_review(ctx: Context, data: Review) -> list[OutgoingMessage]:
    return _decide(ctx, data.initiative, _DECISIONS[data.decision])


@router.button(AssignTo, members_only=True)
def on_assign(ctx: Context, data: AssignTo) -> list[OutgoingMessage]:
    def assign(ctx: Context, item: Initiative) -> list[OutgoingMessage]:
        item = workflow.assign(
            ctx.session,
            actor=actor(ctx),
            initiative_id=_id(item),
            assignee_id=data.officer,
            notifier=notifier(ctx),
            now=ctx.now,
        )
        text = ctx.t.gettext("{code} is now assigned. The officer has been told.", code=item.code)
        return say(text)

    return _decide(ctx, data.initiative, assign)


@router.step(Decide.reason, Decide.question)
def on_words(ctx: Context) -> list[OutgoingMessage]:
    """The reason of a rejection, or the question to the authors, as typed."""
    _ = ctx.t.gettext
    rejecting = ctx.conv.at(Decide.reason)
    state = ctx.conv.state(InitiativeState)
    decide = workflow.reject if rejecting else workflow.ask_info
    words = {"reason": ctx.text} if rejecting else {"question": ctx.text}
    try:
        item = decide(
            ctx.session,
            actor=actor(ctx),
            initiative_id=state.initiative,
            notifier=notifier(ctx),
            now=ctx.now,
            **words,
        )
    except DomainError as err:
        if not err.code.endswith(("_empty", "_too_long")):
            ctx.conv.end()
        return refusal(ctx, err)
    ctx.conv.end()
    if rejecting:
        return say(_("{code} is rejected. The authors have been told the reason.", code=item.code))
    return say(_("Your question was sent to the authors of {code}.", code=item.code))
