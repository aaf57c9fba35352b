"""What a member sees: the running campaigns of their union, and each one's card."""

from __future__ import annotations

from core.campaigns import service
from core.campaigns.buttons import CampaignList, Listing, NewCampaign, ViewCampaign
from core.campaigns.chat.common import CHOICES_SHOWN, is_officer, say
from core.campaigns.texts import campaign_card, problem
from core.dispatch import Context, Router, button
from core.errors import DomainError
from core.members.buttons import Menu, MenuItem
from core.messages import OutgoingMessage

router = Router()


def running_campaigns(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    assert ctx.member is not None
    running = service.running_for_member(ctx.session, member=ctx.member)
    buttons = [button(c.title[:60], ViewCampaign(c.id)) for c in running[:CHOICES_SHOWN]]  # type: ignore[arg-type]
    if is_officer(ctx):
        buttons += [
            button(_("New campaign"), NewCampaign()),
            button(_("Manage campaigns"), CampaignList(Listing.MINE)),
        ]
    if running:
        text = _("Running campaigns of your union:")
    else:
        text = _(
            "Your union has not launched a campaign here yet. When it does, the announcement "
            "will come to this chat."
        )
    return say(text, *buttons, button(_("Main menu"), Menu(MenuItem.MAIN)))


@router.command("campaigns", members_only=True)
def on_campaigns(ctx: Context) -> list[OutgoingMessage]:
    return running_campaigns(ctx)


@router.button(Menu, members_only=True, item=MenuItem.CAMPAIGNS)
def on_menu_entry(ctx: Context, _data: Menu) -> list[OutgoingMessage]:
    return running_campaigns(ctx)


@router.button(CampaignList, members_only=True, listing=Listing.RUNNING)
def on_running(ctx: Context, _data: CampaignList) -> list[OutgoingMessage]:
    return running_campaigns(ctx)


@router.button(ViewCampaign, members_only=True)
def on_view(ctx: Context, data: ViewCampaign) -> list[OutgoingMessage]:
    assert ctx.member is not None
    try:
        found = service.member_may_see(ctx.session, member=ctx.member, campaign_id=data.campaign)
    except DomainError as err:
        return say(problem(ctx, err.code))
    card = campaign_card(
        ctx, found, unit_name=service.unit_name(ctx.session, found.unit_id), officer=False
    )
    return say(card, button(ctx.t.gettext("Campaigns"), CampaignList(Listing.RUNNING)))
