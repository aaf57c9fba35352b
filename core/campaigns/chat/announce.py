"""Announcing: launching a campaign with its announcement, or an announcement to a campaign's
audience or to a unit (/broadcast). Write the text, read the preview with who receives it and
when, then send now or at a chosen time."""

from __future__ import annotations

import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from core.broadcasts.models import BroadcastKind
from core.campaigns import service
from core.campaigns.buttons import (
    AnnounceTo,
    CampaignText,
    CardAction,
    ConfirmSend,
    DeliveryReport,
    OnCampaign,
    SendLater,
)
from core.campaigns.chat.common import (
    actor,
    campaign,
    cancel_button,
    command_number,
    for_officers,
    is_officer,
    no_longer_active,
    officers_only,
    say,
)
from core.campaigns.chat.manage import officer_list
from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.rules import launch_problem, parse_date
from core.campaigns.steps import AnnounceState, Announcing
from core.campaigns.texts import plan_text, problem
from core.dispatch import Context, Router, button, reply
from core.errors import DomainError
from core.members.menu import main_menu
from core.messages import OutgoingMessage

router = Router()


def _state(ctx: Context) -> AnnounceState:
    return ctx.conv.state(AnnounceState)


def _resumes(ctx: Context, kind: str, campaign_id: int | None) -> bool:
    """Whether the officer is already writing this announcement (and goes on with it)."""
    if ctx.conv.flow != Announcing.__flow__:
        return False
    state = _state(ctx)
    return state.kind == kind and state.campaign_id == campaign_id


def start(ctx: Context, *, kind: str, found: Campaign | None) -> list[OutgoingMessage]:
    campaign_id = found.id if found else None
    if _resumes(ctx, kind, campaign_id):
        return repeat(ctx)
    state = AnnounceState(kind=kind, campaign_id=campaign_id, nonce=secrets.token_hex(6))
    ctx.conv.enter(Announcing.text, state)
    return ask_text(ctx)


def ask_text(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    ctx.conv.move_to(Announcing.text)
    if _state(ctx).launch:
        return say(
            _("Write the launch announcement, or use the campaign's own text."),
            button(_("Use the campaign's text"), CampaignText()),
            cancel_button(ctx),
        )
    return say(_("Write the announcement to send."), cancel_button(ctx))


def ask_unit(ctx: Context) -> list[OutgoingMessage]:
    ctx.conv.move_to(Announcing.unit)
    roots = actor(ctx).units(ctx.session)
    buttons = [button(u.name[:60], AnnounceTo(u.id)) for u in roots]  # type: ignore[arg-type]
    text = ctx.t.gettext("To which union unit (and the units below it)?")
    return say(text, *buttons, cancel_button(ctx))


def ask_when(ctx: Context) -> list[OutgoingMessage]:
    ctx.conv.move_to(Announcing.when)
    text = ctx.t.gettext("When should it be sent? For example: 01/12/2026 08:00")
    return say(text, cancel_button(ctx))


def preview(ctx: Context, text: str, typed_length: int = 0) -> list[OutgoingMessage]:
    """Check the text and the audience, and show who receives it and when (the confirm step)."""
    _ = ctx.t.gettext
    state = _state(ctx)
    target = service.Target(state.campaign_id, state.unit_id, state.subtree)
    try:
        plan = service.announcement_plan(
            ctx.session,
            actor=actor(ctx),
            target=target,
            text=text,
            typed_length=typed_length,
            launch=state.launch,
            policy=ctx.config.delivery,
            now=ctx.now,
        )
    except DomainError as err:
        if err.code in ("announcement_empty", "announcement_too_long"):
            return say(problem(ctx, err.code), cancel_button(ctx))
        ctx.conv.end()
        return say(problem(ctx, err.code))
    state.text = text
    ctx.conv.move_to(Announcing.confirm, state)
    lines = [_("Preview of the announcement:"), "", text, "", "—", plan_text(ctx, plan, text)]
    if state.when:
        when = ctx.t.datetime(datetime.fromisoformat(state.when))
        lines.append(_("It will be sent at {time}.", time=when))
    go = _("Confirm the schedule") if state.when else _("Confirm and send")
    return say(
        "\n".join(lines),
        button(go, ConfirmSend()),
        button(_("Send later"), SendLater()),
        cancel_button(ctx),
    )


def repeat(ctx: Context) -> list[OutgoingMessage]:
    """Ask the question of the step the officer is at again."""
    if ctx.conv.at(Announcing.unit):
        return ask_unit(ctx)
    if ctx.conv.at(Announcing.confirm):
        return preview(ctx, _state(ctx).text)
    if ctx.conv.at(Announcing.when):
        return ask_when(ctx)
    return ask_text(ctx)


def _not_now(ctx: Context) -> list[OutgoingMessage]:
    if ctx.conv.flow != Announcing.__flow__:
        return no_longer_active(ctx)
    return [*no_longer_active(ctx), *repeat(ctx)]


def _launch(ctx: Context, campaign_id: int) -> list[OutgoingMessage]:
    found = campaign(ctx, campaign_id)
    if not isinstance(found, Campaign):
        return found
    issue = launch_problem(found.status)
    if issue:
        return say(problem(ctx, issue))
    return start(ctx, kind=BroadcastKind.LAUNCH, found=found)


@router.command("launch", members_only=True)
def on_launch(ctx: Context) -> list[OutgoingMessage]:
    if not is_officer(ctx):
        return [main_menu(ctx, ctx.t.gettext("Only union officers can launch campaigns."))]
    campaign_id = command_number(ctx)
    if campaign_id is None:
        return officer_list(ctx, only=(CampaignStatus.DRAFT,))
    return _launch(ctx, campaign_id)


@router.button(OnCampaign, members_only=True, action=CardAction.LAUNCH)
@for_officers
def on_launch_button(ctx: Context, data: OnCampaign) -> list[OutgoingMessage]:
    return _launch(ctx, data.campaign)


@router.button(OnCampaign, members_only=True, action=CardAction.ANNOUNCE)
@for_officers
def on_announce_button(ctx: Context, data: OnCampaign) -> list[OutgoingMessage]:
    found = campaign(ctx, data.campaign)
    if not isinstance(found, Campaign):
        return found
    if found.status == CampaignStatus.CLOSED:
        return say(problem(ctx, "campaign_closed"))
    return start(ctx, kind=BroadcastKind.MESSAGE, found=found)


@router.command("broadcast", members_only=True)
def on_broadcast(ctx: Context) -> list[OutgoingMessage]:
    if not is_officer(ctx):
        return officers_only(ctx)
    if _resumes(ctx, BroadcastKind.MESSAGE, None):
        return repeat(ctx)
    state = AnnounceState(kind=BroadcastKind.MESSAGE, nonce=secrets.token_hex(6))
    ctx.conv.enter(Announcing.unit, state)
    return ask_unit(ctx)


@router.button(AnnounceTo, members_only=True)
@for_officers
def on_unit(ctx: Context, data: AnnounceTo) -> list[OutgoingMessage]:
    if not ctx.conv.at(Announcing.unit):
        return _not_now(ctx)
    try:
        unit = actor(ctx).require_unit(ctx.session, data.unit)
    except DomainError as err:
        return [*say(problem(ctx, err.code)), *ask_unit(ctx)]
    state = _state(ctx)
    state.unit_id, state.subtree = unit.id, True
    ctx.conv.save_state(state)
    return ask_text(ctx)


@router.step(Announcing.text)
def on_text(ctx: Context) -> list[OutgoingMessage]:
    if ctx.message.payload:
        return _not_now(ctx)
    return preview(ctx, ctx.text, len(ctx.message.text or ""))


@router.button(CampaignText, members_only=True)
@for_officers
def on_campaign_text(ctx: Context, _data: CampaignText) -> list[OutgoingMessage]:
    state = _state(ctx)
    if not ctx.conv.at(Announcing.text) or state.campaign_id is None:
        return _not_now(ctx)
    try:
        text = service.default_text(
            ctx.session, actor=actor(ctx), campaign_id=state.campaign_id, t=ctx.t
        )
    except DomainError as err:
        ctx.conv.end()
        return say(problem(ctx, err.code))
    return preview(ctx, text)


@router.button(SendLater, members_only=True)
def on_later(ctx: Context, _data: SendLater) -> list[OutgoingMessage]:
    if not ctx.conv.at(Announcing.confirm):
        return _not_now(ctx)
    return ask_when(ctx)


def _parse_when(ctx: Context, text: str) -> datetime | None:
    tz = ZoneInfo(ctx.config.timezone)
    parts = text.split()
    if len(parts) != 2:
        return None
    day = parse_date(parts[0], today=ctx.now.astimezone(tz).date())
    try:
        hour, minute = (int(x) for x in parts[1].replace("h", ":").split(":"))
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz) if day else None
    except ValueError:
        return None


@router.step(Announcing.when)
def on_when(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    if ctx.message.payload:
        return _not_now(ctx)
    when = _parse_when(ctx, ctx.text)
    if when is None:
        example = _("I could not read that time. For example: 01/12/2026 08:00")
        return say(example, cancel_button(ctx))
    if when <= ctx.now:
        return say(problem(ctx, "scheduled_in_past"), cancel_button(ctx))
    state = _state(ctx)
    state.when = when.isoformat()
    ctx.conv.save_state(state)
    return preview(ctx, state.text)


@router.step(Announcing.unit, Announcing.confirm)
def on_choice_step(ctx: Context) -> list[OutgoingMessage]:
    """What reaches a choices step without naming a choice (a stale button): ask again."""
    return _not_now(ctx)


@router.button(ConfirmSend, members_only=True)
@for_officers
def on_confirm(ctx: Context, _data: ConfirmSend) -> list[OutgoingMessage]:
    if not ctx.conv.at(Announcing.confirm):
        return say(ctx.t.gettext("This was already confirmed; nothing is sent twice."))
    state = _state(ctx)
    ctx.conv.end()
    when = datetime.fromisoformat(state.when) if state.when else None
    try:
        broadcast, created = _send(ctx, state, when)
    except DomainError as err:
        return say(problem(ctx, err.code))
    return _sent(ctx, broadcast.id, broadcast.audience, created, when)  # type: ignore[arg-type]


def _send(ctx: Context, state: AnnounceState, when: datetime | None):  # type: ignore[no-untyped-def]
    if state.launch and state.campaign_id is not None:
        return service.launch(
            ctx.session,
            actor=actor(ctx),
            campaign_id=state.campaign_id,
            text=state.text,
            now=ctx.now,
            policy=ctx.config.delivery,
            scheduled_at=when,
        )
    return service.send_announcement(
        ctx.session,
        actor=actor(ctx),
        target=service.Target(state.campaign_id, state.unit_id, state.subtree),
        text=state.text,
        sender=ctx.identity.id,  # type: ignore[arg-type]
        nonce=state.nonce,
        now=ctx.now,
        policy=ctx.config.delivery,
        scheduled_at=when,
    )


def _sent(
    ctx: Context, broadcast_id: int, audience: int, created: bool, when: datetime | None
) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    if not created:
        return say(_("This was already confirmed; nothing is sent twice."))
    if when:
        text = _(
            "Scheduled: announcement #{id} will be sent at {time}.",
            id=broadcast_id,
            time=ctx.t.datetime(when),
        )
    else:
        text = _(
            "Sending: announcement #{id} is on its way to {n} members. "
            "Send /report {id} to follow it.",
            id=broadcast_id,
            n=ctx.t.number(audience),
        )
    return [reply(text, button(_("Delivery report"), DeliveryReport(broadcast_id)))]
