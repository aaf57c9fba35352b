"""Closing a campaign: asked, confirmed, then members no longer see it as running."""

from __future__ import annotations

from core.campaigns import service
from core.campaigns.buttons import CardAction, OnCampaign
from core.campaigns.chat.common import (
    actor,
    campaign,
    cancel_button,
    command_number,
    for_officers,
    is_officer,
    officers_only,
    say,
)
from core.campaigns.chat.manage import officer_list
from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.steps import CloseState, Closing
from core.campaigns.texts import problem
from core.dispatch import Context, Router, button
from core.errors import DomainError
from core.messages import OutgoingMessage

router = Router()


def ask_close(ctx: Context, campaign_id: int) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    found = campaign(ctx, campaign_id)
    if not isinstance(found, Campaign):
        return found
    if found.status == CampaignStatus.CLOSED:
        return say(problem(ctx, "campaign_closed"))
    ctx.conv.enter(Closing.confirm, CloseState(campaign_id=campaign_id))
    return say(
        _(
            "Close the campaign “{title}”? Members will no longer see it as running.",
            title=found.title,
        )
        + "\n\n"
        + _(
            "Closing also makes its final review (tổng kết), announced to the members, and "
            "proposes the titles it finds earned for your confirmation."
        ),
        button(_("Yes, close it"), OnCampaign(CardAction.CLOSE_CONFIRMED, campaign_id)),
        cancel_button(ctx),
    )


@router.command("close", members_only=True)
def on_close(ctx: Context) -> list[OutgoingMessage]:
    if not is_officer(ctx):
        return officers_only(ctx)
    campaign_id = command_number(ctx)
    if campaign_id is None:
        open_ones = (CampaignStatus.RUNNING, CampaignStatus.SCHEDULED, CampaignStatus.DRAFT)
        return officer_list(ctx, only=open_ones)
    return ask_close(ctx, campaign_id)


@router.button(OnCampaign, members_only=True, action=CardAction.CLOSE)
@for_officers
def on_close_button(ctx: Context, data: OnCampaign) -> list[OutgoingMessage]:
    return ask_close(ctx, data.campaign)


@router.button(OnCampaign, members_only=True, action=CardAction.CLOSE_CONFIRMED)
@for_officers
def on_close_confirmed(ctx: Context, data: OnCampaign) -> list[OutgoingMessage]:
    if ctx.conv.at(Closing.confirm):
        ctx.conv.end()
    try:
        closed = service.close(
            ctx.session, actor=actor(ctx), campaign_id=data.campaign, now=ctx.now
        )
    except DomainError as err:
        return say(problem(ctx, err.code))
    return say(
        ctx.t.gettext("The campaign “{title}” is closed.", title=closed.title)
        + " "
        + ctx.t.gettext(
            "Its final review reaches the members within minutes; the titles proposed wait "
            "for your confirmation on the officer desk."
        )
    )


@router.step(Closing.confirm)
def on_confirm_step(ctx: Context) -> list[OutgoingMessage]:
    """What reaches the confirmation without naming a choice (a stale button): ask again."""
    return ask_close(ctx, ctx.conv.state(CloseState).campaign_id)
