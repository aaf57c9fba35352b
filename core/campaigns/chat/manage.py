"""An officer's list of the campaigns of their units, and a campaign's card with what can be
done with it next."""

from __future__ import annotations

from core.campaigns import service
from core.campaigns.buttons import CampaignList, CardAction, Listing, NewCampaign, OnCampaign
from core.campaigns.chat.common import CHOICES_SHOWN, actor, campaign, for_officers, say
from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.texts import campaign_card, status_line
from core.dispatch import Context, Router, button
from core.messages import Button, OutgoingMessage

router = Router()


def officer_list(ctx: Context, only: tuple[str, ...] = ()) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    found = service.in_scope(ctx.session, actor=actor(ctx), limit=30)
    if only:
        found = [c for c in found if c.status in only]
    if not found:
        return say(_("There is no campaign here yet."), button(_("New campaign"), NewCampaign()))
    lines = [_("Campaigns of your units:")]
    lines += [f"• {c.title}: {status_line(ctx, c)}" for c in found[:15]]
    buttons = [
        button(f"#{c.id} {c.title}"[:60], OnCampaign(CardAction.OPEN, c.id))  # type: ignore[arg-type]
        for c in found[:CHOICES_SHOWN]
    ]
    return say("\n".join(lines), *buttons)


def _card_buttons(ctx: Context, found: Campaign) -> list[Button]:
    _ = ctx.t.gettext
    status = found.status
    offered = [
        (status == CampaignStatus.DRAFT, _("Launch it"), CardAction.LAUNCH),
        (status != CampaignStatus.CLOSED, _("Edit the campaign"), CardAction.EDIT),
        (status == CampaignStatus.RUNNING, _("Send an announcement"), CardAction.ANNOUNCE),
        (status != CampaignStatus.DRAFT, _("Delivery report"), CardAction.REPORT),
        (status != CampaignStatus.CLOSED, _("Close the campaign"), CardAction.CLOSE),
    ]
    return [
        button(label, OnCampaign(action, found.id))  # type: ignore[arg-type]
        for shown, label, action in offered
        if shown
    ]


def officer_card(ctx: Context, found: Campaign, prefix: str = "") -> list[OutgoingMessage]:
    unit_name = service.unit_name(ctx.session, found.unit_id)
    text = campaign_card(ctx, found, unit_name=unit_name, officer=True)
    if prefix:
        text = prefix + "\n\n" + text
    return say(text, *_card_buttons(ctx, found))


@router.button(CampaignList, members_only=True, listing=Listing.MINE)
@for_officers
def on_mine(ctx: Context, _data: CampaignList) -> list[OutgoingMessage]:
    return officer_list(ctx)


@router.button(OnCampaign, members_only=True, action=CardAction.OPEN)
@for_officers
def on_open(ctx: Context, data: OnCampaign) -> list[OutgoingMessage]:
    found = campaign(ctx, data.campaign)
    return officer_card(ctx, found) if isinstance(found, Campaign) else found
