"""Delivery reports in chat: /report [number], a campaign's latest announcement, a refresh."""

from __future__ import annotations

from core.campaigns import service
from core.campaigns.buttons import CardAction, DeliveryReport, OnCampaign
from core.campaigns.chat.common import (
    actor,
    command_number,
    for_officers,
    is_officer,
    officers_only,
    say,
)
from core.campaigns.texts import problem, report_text
from core.dispatch import Context, Router, button
from core.errors import DomainError
from core.messages import OutgoingMessage

router = Router()


def show_report(ctx: Context, broadcast_id: int) -> list[OutgoingMessage]:
    try:
        result = service.delivery_report(ctx.session, actor=actor(ctx), broadcast_id=broadcast_id)
    except DomainError as err:
        return say(problem(ctx, err.code))
    refresh = button(ctx.t.gettext("Refresh the report"), DeliveryReport(broadcast_id))
    return say(report_text(ctx, result), refresh)


def _nothing_sent(ctx: Context) -> list[OutgoingMessage]:
    return say(ctx.t.gettext("No announcement has been sent yet."))


@router.command("report", members_only=True)
def on_report(ctx: Context) -> list[OutgoingMessage]:
    if not is_officer(ctx):
        return officers_only(ctx)
    broadcast_id = command_number(ctx)
    if broadcast_id is None:
        latest = service.latest_broadcast(ctx.session, actor=actor(ctx))
        if latest is None or latest.id is None:
            return _nothing_sent(ctx)
        broadcast_id = latest.id
    return show_report(ctx, broadcast_id)


@router.button(OnCampaign, members_only=True, action=CardAction.REPORT)
@for_officers
def on_campaign_report(ctx: Context, data: OnCampaign) -> list[OutgoingMessage]:
    try:
        latest = service.latest_broadcast_of(
            ctx.session, actor=actor(ctx), campaign_id=data.campaign
        )
    except DomainError as err:
        return say(problem(ctx, err.code))
    if latest is None or latest.id is None:
        return _nothing_sent(ctx)
    return show_report(ctx, latest.id)


@router.button(DeliveryReport, members_only=True)
@for_officers
def on_refresh(ctx: Context, data: DeliveryReport) -> list[OutgoingMessage]:
    return show_report(ctx, data.broadcast)
