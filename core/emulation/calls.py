"""The messages of a campaign's call to pledge (the invitation, the reminder), each with its
"Register" button, and sending them: by the scheduler when due, by an officer on demand."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from core.campaigns import service as campaigns
from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.scope import Actor
from core.dispatch import button, reply
from core.emulation import pledges, texts
from core.emulation.buttons import StartPledge
from core.emulation.models import PledgeCall
from core.errors import DomainError
from core.i18n import Translator
from core.messages import OutgoingMessage


def invitation(campaign: Campaign, call: PledgeCall) -> pledges.Compose:
    def compose(t: Translator) -> list[OutgoingMessage]:
        text = texts.invitation(t, campaign.title, t.date(call.deadline))
        return [reply(text, button(t.gettext("Register (pledge)"), StartPledge(campaign.id)))]  # type: ignore[arg-type]

    return compose


def reminder(campaign: Campaign, call: PledgeCall) -> pledges.Compose:
    def compose(t: Translator) -> list[OutgoingMessage]:
        text = texts.reminder(t, campaign.title, t.date(call.deadline))
        return [reply(text, button(t.gettext("Register (pledge)"), StartPledge(campaign.id)))]  # type: ignore[arg-type]

    return compose


def send_due(session: Session, *, teller: pledges.Teller, now: datetime, timezone: str) -> int:
    return pledges.send_calls(
        session,
        teller=teller,
        invitation=invitation,
        reminder=reminder,
        now=now,
        timezone=timezone,
    )


def remind_now(
    session: Session,
    *,
    actor: Actor,
    campaign_id: int,
    teller: pledges.Teller,
    now: datetime,
    timezone: str,
) -> int:
    """An officer reminds those of the audience who have not registered yet."""
    campaign = campaigns.get(session, actor=actor, campaign_id=campaign_id)
    if campaign.status != CampaignStatus.RUNNING:
        raise DomainError("not_running")
    call = pledges.call_of(session, campaign)
    if call.deadline < pledges.local_today(now, timezone):
        raise DomainError("pledges_closed")
    return pledges.remind_rest(session, teller, campaign, reminder(campaign, call), now)
