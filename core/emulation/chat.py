"""Pledging in chat (đăng ký thi đua): from the invitation's or the reminder's button, or
/pledge; the title aimed for, then a target on each criterion a member reports (a figure
typed the Vietnamese way, or the campaign's own kept), then a confirmation. Nothing is saved
before it; a second pledge before the deadline replaces the first."""

from __future__ import annotations

from decimal import Decimal

from core.campaigns import service as campaigns
from core.campaigns.models import Campaign
from core.dispatch import Context, Router, button, reply
from core.emulation import pledges
from core.emulation.buttons import CancelPledge, ConfirmPledge, KeepTarget, PledgeTitle, StartPledge
from core.emulation.eval_chat import router as eval_router
from core.emulation.models import EmulationCriterion
from core.emulation.numbers import parse_amount
from core.emulation.report_chat import has_buttons
from core.emulation.report_chat import router as report_router
from core.emulation.rules import TARGET_MAX
from core.emulation.steps import PledgeState, Pledging
from core.emulation.texts import chat_problem, pledge_summary, target_text
from core.emulation.titles import TITLE_LABELS, Title
from core.errors import DomainError
from core.messages import Button, OutgoingMessage
from core.text import fold

router = Router()
SHOWN = 8


def _today(ctx: Context):  # type: ignore[no-untyped-def]
    return pledges.local_today(ctx.now, ctx.config.timezone)


def cancel_button(ctx: Context) -> Button:
    return button(ctx.t.gettext("Cancel this"), CancelPledge())


def pledge_button(ctx: Context, campaign: Campaign) -> list[Button]:
    """The "Register" button of a campaign, while it takes the member's pledge."""
    assert ctx.member is not None
    try:
        pledges.open_for(ctx.session, member=ctx.member, campaign_id=campaign.id, today=_today(ctx))  # type: ignore[arg-type]
    except DomainError:
        return []
    return [button(ctx.t.gettext("Register (pledge)"), StartPledge(campaign.id))]  # type: ignore[arg-type]


@router.command("pledge", members_only=True)
def on_pledge_command(ctx: Context) -> list[OutgoingMessage]:
    assert ctx.member is not None
    running = campaigns.running_for_member(ctx.session, member=ctx.member)
    offered = [b for c in running for b in pledge_button(ctx, c)][:SHOWN]
    if not offered:
        return [reply(ctx.t.gettext("No campaign of your union takes pledges now."))]
    titles = {StartPledge(c.id).pack(): c.title for c in running}  # type: ignore[arg-type]
    buttons = [Button(titles[b.payload][:60], b.payload) for b in offered]
    return [reply(ctx.t.gettext("Which campaign do you register in?"), *buttons)]


@router.button(StartPledge, members_only=True)
def on_start(ctx: Context, data: StartPledge) -> list[OutgoingMessage]:
    assert ctx.member is not None
    try:
        campaign = pledges.open_for(
            ctx.session, member=ctx.member, campaign_id=data.campaign, today=_today(ctx)
        )
    except DomainError as err:
        return [reply(chat_problem(ctx.t, err.code))]
    ctx.conv.enter(Pledging.title, PledgeState(campaign_id=campaign.id))  # type: ignore[arg-type]
    return ask_title(ctx, campaign)


def ask_title(ctx: Context, campaign: Campaign) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    ctx.conv.move_to(Pledging.title)
    deadline = pledges.call_of(ctx.session, campaign).deadline
    text = _(
        "Registering in “{title}” (until {deadline}).\nWhich title do you aim for?",
        title=campaign.title,
        deadline=ctx.t.date(deadline),
    )
    choices = [button(_(label), PledgeTitle(title)) for title, label in TITLE_LABELS.items()]
    return [reply(text, *choices, cancel_button(ctx))]


def _criteria(ctx: Context, state: PledgeState) -> list[EmulationCriterion]:
    return pledges.pledged_criteria(ctx.session, campaign_id=state.campaign_id)


@router.button(PledgeTitle, members_only=True)
def on_title(ctx: Context, data: PledgeTitle) -> list[OutgoingMessage]:
    if not ctx.conv.at(Pledging.title):
        return [reply(ctx.t.gettext("That button is no longer active."))]
    state = ctx.conv.state(PledgeState)
    state.title, state.index = data.title.value, 0
    ctx.conv.save_state(state)
    return next_question(ctx, state)


def next_question(ctx: Context, state: PledgeState) -> list[OutgoingMessage]:
    """The next criterion's target, or the summary to confirm once each has one."""
    criteria = _criteria(ctx, state)
    if state.index < len(criteria):
        ctx.conv.move_to(Pledging.target, state)
        c = criteria[state.index]
        text = ctx.t.gettext(
            "Your target for “{name}” ({n} of {total})? The campaign's target is {target}. "
            "Type a number, or keep the campaign's target.",
            name=c.name,
            n=state.index + 1,
            total=len(criteria),
            target=target_text(ctx.t, c),
        )
        if not has_buttons(ctx):  # a typed number here is the target, never a choice's
            hint = ctx.t.gettext("Type «keep» to keep the campaign's target, or «cancel» to stop.")
            return [reply(f"{text}\n{hint}")]
        keep = button(ctx.t.gettext("Keep the campaign's target"), KeepTarget())
        return [reply(text, keep, cancel_button(ctx))]
    ctx.conv.move_to(Pledging.confirm, state)
    campaign = campaigns.member_may_see(
        ctx.session, member=ctx.member, campaign_id=state.campaign_id
    )  # type: ignore[arg-type]
    targets = {int(k): Decimal(v) for k, v in state.targets.items()}
    text = pledge_summary(ctx.t, campaign.title, state.title, criteria, targets)
    confirm = button(ctx.t.gettext("Confirm my pledge"), ConfirmPledge())
    return [reply(text, confirm, cancel_button(ctx))]


@router.button(KeepTarget, members_only=True)
def on_keep(ctx: Context, _data: KeepTarget) -> list[OutgoingMessage]:
    if not ctx.conv.at(Pledging.target):
        return [reply(ctx.t.gettext("That button is no longer active."))]
    state = ctx.conv.state(PledgeState)
    criteria = _criteria(ctx, state)
    if state.index < len(criteria):
        c = criteria[state.index]
        state.targets[str(c.id)] = str(c.target)
    state.index += 1
    return next_question(ctx, state)


def _amount_problem(value: Decimal | None) -> str:
    if value is None:
        return "bad_amount"
    return "negative_amount" if value < 0 else "amount_too_large"


KEEP_WORDS = {"giu", "keep", "theo chi tieu chung", "giu nguyen"}
CANCEL_WORDS = {"huy", "cancel", "dung", "huy bo"}


@router.step(Pledging.target)
def on_target(ctx: Context) -> list[OutgoingMessage]:
    typed = fold(ctx.text).strip()
    if typed in KEEP_WORDS:
        return on_keep(ctx, KeepTarget())
    if typed in CANCEL_WORDS:
        return on_cancel(ctx, CancelPledge())
    state = ctx.conv.state(PledgeState)
    criteria = _criteria(ctx, state)
    value = parse_amount(ctx.text)
    if value is None or not 0 <= value <= TARGET_MAX or state.index >= len(criteria):
        again = chat_problem(ctx.t, _amount_problem(value))
        return [reply(again), *next_question(ctx, state)]
    state.targets[str(criteria[state.index].id)] = str(value)
    state.index += 1
    return next_question(ctx, state)


@router.button(ConfirmPledge, members_only=True)
def on_confirm(ctx: Context, _data: ConfirmPledge) -> list[OutgoingMessage]:
    if not ctx.conv.at(Pledging.confirm):
        return [reply(ctx.t.gettext("That button is no longer active."))]
    state = ctx.conv.state(PledgeState)
    try:
        pledges.save(
            ctx.session,
            member=ctx.member,  # type: ignore[arg-type]
            campaign_id=state.campaign_id,
            title=Title(state.title),
            targets={int(k): Decimal(v) for k, v in state.targets.items()},
            now=ctx.now,
            timezone=ctx.config.timezone,
        )
    except DomainError as err:
        ctx.conv.end()
        return [reply(chat_problem(ctx.t, err.code))]
    ctx.conv.end()
    return [
        reply(
            ctx.t.gettext(
                "Your pledge is registered. Thank you! You can change it until the deadline "
                "by registering again."
            )
        )
    ]


@router.step(Pledging.title, Pledging.confirm)
def on_stale(ctx: Context) -> list[OutgoingMessage]:
    """What reaches a choice step without naming a choice (a stale button): ask again."""
    state = ctx.conv.state(PledgeState)
    if ctx.conv.at(Pledging.confirm):
        return next_question(ctx, state)
    campaign = campaigns.member_may_see(
        ctx.session, member=ctx.member, campaign_id=state.campaign_id
    )  # type: ignore[arg-type]
    return ask_title(ctx, campaign)


@router.button(CancelPledge, members_only=True)
def on_cancel(ctx: Context, _data: CancelPledge) -> list[OutgoingMessage]:
    if ctx.conv.flow == Pledging.__flow__:
        ctx.conv.end()
    return [reply(ctx.t.gettext("Cancelled: nothing was saved."))]


routers = (router, report_router, eval_router)
