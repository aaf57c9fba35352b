"""The call to report at each period of a running campaign, and the reminder of late reports:
personal messages through the outbox (held through quiet hours, like the pledge calls), each
to the reporters who still have figures missing; officers remind the rest on demand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from core.campaigns import service as campaigns
from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.scope import Actor
from core.dispatch import button, reply
from core.emulation import periods as timing
from core.emulation import report_texts as words
from core.emulation import reporting
from core.emulation.buttons import StartReport
from core.emulation.criteria import active
from core.emulation.models import EmulationCriterion, ReportCall
from core.emulation.pledges import Compose, Teller, audience_members, local_today
from core.emulation.roll import missing_by_reporter, roll_of
from core.errors import DomainError
from core.i18n import Translator
from core.members.models import Member

Message = Callable[[Translator, str, list[reporting.Item], date], str]


def _compose(
    campaign: Campaign, items: list[reporting.Item], due_on: date, text: Message
) -> Compose:
    def compose(t: Translator) -> list[reporting.OutgoingMessage]:  # type: ignore[name-defined]
        start = StartReport(campaign.id, int(f"{due_on:%Y%m%d}"))  # type: ignore[arg-type]
        return [
            reply(text(t, campaign.title, items, due_on), button(t.gettext("Report now"), start))
        ]

    return compose


def _call_text(t: Translator, title: str, items: list[reporting.Item], due_on: date) -> str:
    return words.call(t, title, items, t.date(due_on))


def _late_text(t: Translator, title: str, items: list[reporting.Item], due_on: date) -> str:
    closes = due_on + timedelta(timing.GRACE_DAYS)
    return words.late(t, title, items, t.date(closes))


def _tell(
    session: Session,
    teller: Teller,
    campaign: Campaign,
    due_on: date,
    *,
    kind: str,
    text: Message,
    now: datetime,
) -> int:
    """Tell each reporter with figures missing which ones (`kind` names the decision in the
    outbox's dedupe key: once a day each)."""
    found = roll_of(session, campaign, due_on)
    consented = {m.id for m in audience_members(session, campaign, announcements_only=True)}
    officers = {m for line in found.lines if line.member is None for m in line.officers}
    told = 0
    for member_id, missing in missing_by_reporter(found).items():
        member = session.get(Member, member_id)
        if member is None or (member_id not in consented and member_id not in officers):
            continue
        key = f"report_{kind}:{campaign.id}:{due_on:%Y%m%d}:{member_id}:{now:%Y%m%d}"
        compose = _compose(campaign, missing, due_on, text)
        if teller.tell(session, member_id=member_id, compose=compose, key=key, now=now):
            told += 1
    return told


def _running_with_criteria(session: Session, limit: int) -> list[Campaign]:
    reported = select(EmulationCriterion.campaign_id).where(
        col(EmulationCriterion.retired_at).is_(None), EmulationCriterion.reporter != "evaluator"
    )
    return list(
        session.exec(
            select(Campaign)
            .where(Campaign.status == CampaignStatus.RUNNING, col(Campaign.id).in_(reported))
            .order_by(col(Campaign.id))
            .limit(limit)
        )
    )


def _remind_on(campaign: Campaign, due_on: date) -> date:
    """When the reporters still missing are reminded: three days after the period's end, or
    the day before the end of the campaign's last period."""
    if due_on >= campaign.ends_on:
        return due_on - timedelta(1)
    return due_on + timedelta(timing.REMIND_AFTER_DAYS)


def _claim(session: Session, campaign_id: int, due_on: date) -> ReportCall | None:
    if session.get(ReportCall, (campaign_id, due_on)) is None:
        session.add(ReportCall(campaign_id=campaign_id, due_on=due_on))
        session.flush()
    return session.exec(
        select(ReportCall)
        .where(ReportCall.campaign_id == campaign_id, ReportCall.due_on == due_on)
        .with_for_update(skip_locked=True)
    ).first()


def send_due(
    session: Session, *, teller: Teller, now: datetime, timezone: str, limit: int = 100
) -> int:
    """For each running campaign and each of its periods open today: the call, once, to the
    reporters with figures missing; from three days after the period's end, the reminder,
    once, to those still missing. Claimed FOR UPDATE SKIP LOCKED. Returns messages queued."""
    today, sent = local_today(now, timezone), 0
    for campaign in _running_with_criteria(session, limit):
        criteria = active(session, campaign_id=campaign.id)  # type: ignore[arg-type]
        for due_on in reporting.open_due_dates(campaign, criteria, today):
            call = _claim(session, campaign.id, due_on)  # type: ignore[arg-type]
            if call is None:
                continue
            if call.prompted_at is None:
                call.prompted_at = now
                sent += _tell(
                    session, teller, campaign, due_on, kind="call", text=_call_text, now=now
                )
            elif (
                call.reminded_at is None
                and today >= _remind_on(campaign, due_on)
                and local_today(call.prompted_at, timezone) < today  # not twice in one day
            ):
                call.reminded_at = now
                text = _late_text if today > due_on else _call_text
                sent += _tell(session, teller, campaign, due_on, kind="late", text=text, now=now)
    session.flush()
    return sent


def remind_now(
    session: Session,
    *,
    actor: Actor,
    campaign_id: int,
    due_on: date,
    teller: Teller,
    now: datetime,
    timezone: str,
) -> int:
    """An officer reminds the reporters of a period who have figures missing (at most once a
    day each); refused when the period is not open."""
    campaign = campaigns.get(session, actor=actor, campaign_id=campaign_id)
    if campaign.status != CampaignStatus.RUNNING:
        raise DomainError("roll_not_running")
    criteria = active(session, campaign_id=campaign_id)
    if due_on not in reporting.open_due_dates(campaign, criteria, local_today(now, timezone)):
        raise DomainError("roll_period_closed")
    text = _late_text if local_today(now, timezone) > due_on else _call_text
    return _tell(session, teller, campaign, due_on, kind="remind", text=text, now=now)
