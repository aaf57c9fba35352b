"""Due work of campaigns: the ending reminder and closing campaigns that ended. Each due
campaign is claimed with FOR UPDATE SKIP LOCKED, so two instances never do it twice."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from core.broadcasts import service as broadcasts
from core.broadcasts.models import BroadcastKind
from core.campaigns import service
from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.rules import ended, reminder_due
from core.delivery_policy import DeliveryPolicy
from core.i18n import Translator

HORIZON = timedelta(days=60)  # reminders are at most this many days before the end


def reminder_text(t: Translator, campaign: Campaign, days: int) -> str:
    if days == 1:
        return t.gettext(
            "Reminder: the campaign “{title}” ends tomorrow, {end}. There is still time to "
            "take part!",
            title=campaign.title,
            end=t.date(campaign.ends_on),
        )
    return t.gettext(
        "Reminder: the campaign “{title}” ends in {n} days, on {end}. There is still time "
        "to take part!",
        title=campaign.title,
        n=days,
        end=t.date(campaign.ends_on),
    )


def _today(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


def send_due_reminders(
    session: Session, *, now: datetime, policy: DeliveryPolicy, t: Translator, limit: int = 100
) -> int:
    """Create the reminder broadcast of every running campaign whose reminder is due."""
    today = _today(now, policy.timezone)
    candidates = session.exec(
        select(Campaign)
        .where(
            Campaign.status == CampaignStatus.RUNNING,
            col(Campaign.reminder_done_at).is_(None),
            col(Campaign.ends_on) <= today + HORIZON,
        )
        .order_by(col(Campaign.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    sent = 0
    for campaign in candidates:
        if reminder_due(campaign.ends_on, campaign.remind_days_before, policy.timezone) > now:
            continue
        campaign.reminder_done_at = now
        days_left = (campaign.ends_on - today).days
        if days_left < 0 or ended(campaign.ends_on, now, policy.timezone):
            continue
        audience = service.audience(session, campaign)
        broadcasts.create(
            session,
            key=f"reminder:{campaign.id}",
            kind=BroadcastKind.REMINDER,
            audience=audience,
            text=reminder_text(t, campaign, max(days_left, 1)),
            now=now,
            policy=policy,
            campaign_id=campaign.id,
        )
        sent += 1
    session.flush()
    return sent


def close_ended(
    session: Session, *, now: datetime, policy: DeliveryPolicy, limit: int = 100
) -> int:
    today = _today(now, policy.timezone)
    due = session.exec(
        select(Campaign)
        .where(Campaign.status == CampaignStatus.RUNNING, col(Campaign.ends_on) < today)
        .order_by(col(Campaign.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for campaign in due:
        service.close_now(session, campaign=campaign, now=now)
    return len(due)
