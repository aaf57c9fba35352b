"""Editing a campaign that is not closed: choose what to change, send the new text or dates."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from core.campaigns import service
from core.campaigns.buttons import CardAction, EditField, Field, OnCampaign
from core.campaigns.chat.common import (
    actor,
    campaign,
    cancel_button,
    for_officers,
    no_longer_active,
    say,
)
from core.campaigns.chat.manage import officer_card
from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.rules import parse_period
from core.campaigns.steps import Editing, EditState
from core.campaigns.texts import problem
from core.dispatch import Context, Router, button, reply
from core.errors import DomainError
from core.messages import OutgoingMessage

router = Router()


def ask_field(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    ctx.conv.move_to(Editing.field)
    labels = {
        Field.TITLE: _("Change the title"),
        Field.DESCRIPTION: _("Change the description"),
        Field.CRITERIA: _("Change the criteria"),
        Field.DATES: _("Change the dates"),
    }
    return say(
        _("What do you want to change?"),
        *(button(label, EditField(field)) for field, label in labels.items()),
        cancel_button(ctx),
    )


def ask_value(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    ctx.conv.move_to(Editing.value)
    if ctx.conv.state(EditState).field == Field.DATES:
        return say(
            _("Send the new dates. For example: 01/12/2026 - 31/12/2026"), cancel_button(ctx)
        )
    return say(_("Send the new text."), cancel_button(ctx))


def _repeat(ctx: Context) -> list[OutgoingMessage]:
    return ask_value(ctx) if ctx.conv.at(Editing.value) else ask_field(ctx)


@router.button(OnCampaign, members_only=True, action=CardAction.EDIT)
@for_officers
def on_edit(ctx: Context, data: OnCampaign) -> list[OutgoingMessage]:
    found = campaign(ctx, data.campaign)
    if not isinstance(found, Campaign):
        return found
    if found.status == CampaignStatus.CLOSED:
        return say(problem(ctx, "campaign_closed"))
    if ctx.conv.flow == Editing.__flow__ and ctx.conv.state(EditState).campaign_id == found.id:
        return _repeat(ctx)  # back to the change being made
    ctx.conv.enter(Editing.field, EditState(campaign_id=found.id))  # type: ignore[arg-type]
    return ask_field(ctx)


@router.button(EditField, members_only=True)
def on_field(ctx: Context, data: EditField) -> list[OutgoingMessage]:
    if not ctx.conv.at(Editing.field):
        in_flow = ctx.conv.flow == Editing.__flow__
        return [*no_longer_active(ctx), *_repeat(ctx)] if in_flow else no_longer_active(ctx)
    state = ctx.conv.state(EditState)
    state.field = data.field
    ctx.conv.save_state(state)
    return ask_value(ctx)


@router.step(Editing.field)
def on_field_step(ctx: Context) -> list[OutgoingMessage]:
    """What reaches the choice of field without naming one (a stale button): ask again."""
    return [*no_longer_active(ctx), *ask_field(ctx)]


def _changes(ctx: Context, field: str) -> dict[str, object] | None:
    if field != Field.DATES:
        return {field: ctx.text}
    today = ctx.now.astimezone(ZoneInfo(ctx.config.timezone)).date()
    period = parse_period(ctx.text, today=today)
    return {"starts_on": period[0], "ends_on": period[1]} if period else None


@router.step(Editing.value)
def on_value(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    state = ctx.conv.state(EditState)
    if ctx.message.payload or state.field not in set(Field):
        return [*no_longer_active(ctx), *_repeat(ctx)]
    changes = _changes(ctx, state.field)
    if changes is None:
        again = (
            _("I could not read those dates.") + "\n" + _("For example: 01/12/2026 - 31/12/2026")
        )
        return [reply(again, cancel_button(ctx))]
    try:
        changed = service.update(
            ctx.session, actor=actor(ctx), campaign_id=state.campaign_id, now=ctx.now, **changes
        )
    except DomainError as err:
        return say(problem(ctx, err.code), cancel_button(ctx))
    ctx.conv.end()
    return officer_card(ctx, changed, _("The change is saved."))
