"""Pledges (đăng ký thi đua): a running campaign with criteria calls its audience to register
the title they aim for and their own targets on the criteria each member reports, until a
deadline; the call is sent once, a reminder once to those who have not registered (both as
personal messages, which delivery holds through quiet hours), and officers see who has.

A pledge keeps the criterion versions it was made under (core.emulation.criteria)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from core.campaigns import service as campaigns
from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.rules import groups_of
from core.campaigns.scope import Actor
from core.emulation.criteria import active
from core.emulation.models import EmulationCriterion, EmulationPledge, PledgeCall, PledgeTarget
from core.emulation.rules import TARGET_MAX
from core.emulation.scoring import Kind
from core.emulation.templates import Reporter
from core.emulation.titles import Title
from core.errors import DomainError, InvalidInput
from core.initiatives.notify import Compose, Teller
from core.members.models import Consent, ConsentPurpose, Member, UnionUnit

DEFAULT_DAYS = 14  # a call without a deadline set closes two weeks after the launch
REMIND_DAYS_BEFORE = 2


def local_today(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


def pledged_criteria(session: Session, *, campaign_id: int) -> list[EmulationCriterion]:
    """The criteria on which each member pledges a target of their own."""
    return [
        c
        for c in active(session, campaign_id=campaign_id)
        if c.kind == Kind.NUMBER and c.reporter == Reporter.MEMBER
    ]


def call_of(session: Session, campaign: Campaign) -> PledgeCall:
    """The campaign's call, made with the default deadline when none was set."""
    found = session.get(PledgeCall, campaign.id)
    if found is None:
        start = campaign.launched_at.date() if campaign.launched_at else campaign.starts_on
        deadline = min(campaign.ends_on, max(start, campaign.starts_on) + timedelta(DEFAULT_DAYS))
        found = PledgeCall(campaign_id=campaign.id, deadline=deadline)  # type: ignore[arg-type]
        session.add(found)
        session.flush()
    return found


def set_deadline(session: Session, *, actor: Actor, campaign_id: int, deadline: date) -> None:
    campaign = campaigns.get(session, actor=actor, campaign_id=campaign_id)
    if campaign.status == CampaignStatus.CLOSED:
        raise DomainError("campaign_closed")
    if not campaign.starts_on <= deadline <= campaign.ends_on:
        raise InvalidInput("deadline_outside_campaign")
    call = call_of(session, campaign)
    if call.deadline != deadline:
        call.deadline, call.reminded_at = deadline, None
    session.flush()


def open_for(session: Session, *, member: Member, campaign_id: int, today: date) -> Campaign:
    """The campaign, if the member may pledge in it today; else why not, as a DomainError.
    A closed campaign's call may still sit in the chat: its button says registration closed."""
    ended = session.get(Campaign, campaign_id)
    if ended is not None and ended.status == CampaignStatus.CLOSED:
        raise DomainError("pledges_closed")
    campaign = campaigns.member_may_see(session, member=member, campaign_id=campaign_id)
    if not active(session, campaign_id=campaign_id):
        raise DomainError("no_criteria")
    if call_of(session, campaign).deadline < today:
        raise DomainError("pledges_closed")
    return campaign


def pledge_of(session: Session, *, campaign_id: int, member_id: int) -> EmulationPledge | None:
    return session.exec(
        select(EmulationPledge).where(
            EmulationPledge.campaign_id == campaign_id, EmulationPledge.member_id == member_id
        )
    ).first()


def save(
    session: Session,
    *,
    member: Member,
    campaign_id: int,
    title: Title,
    targets: Mapping[int, Decimal],
    now: datetime,
    timezone: str,
) -> EmulationPledge:
    """The member's pledge, made or replaced, with a target on every criterion that asks one
    (the campaign's own where the member kept it)."""
    open_for(session, member=member, campaign_id=campaign_id, today=local_today(now, timezone))
    criteria = pledged_criteria(session, campaign_id=campaign_id)
    values = {c.id: targets.get(c.id, c.target) for c in criteria}  # type: ignore[misc]
    if any(v is None or not 0 <= v <= TARGET_MAX for v in values.values()):
        raise InvalidInput("bad_amount")
    pledge = pledge_of(session, campaign_id=campaign_id, member_id=member.id)  # type: ignore[arg-type]
    if pledge is None:
        pledge = EmulationPledge(campaign_id=campaign_id, member_id=member.id, created_at=now)  # type: ignore[arg-type]
        session.add(pledge)
    pledge.title, pledge.updated_at = title.value, now
    session.flush()
    for old in session.exec(select(PledgeTarget).where(PledgeTarget.pledge_id == pledge.id)):
        session.delete(old)
    session.flush()
    session.add_all(
        PledgeTarget(pledge_id=pledge.id, criterion_id=cid, value=v)  # type: ignore[arg-type]
        for cid, v in values.items()
    )
    session.flush()
    return pledge


def targets_of(session: Session, *, pledge_id: int) -> dict[int, Decimal]:
    rows = session.exec(select(PledgeTarget).where(PledgeTarget.pledge_id == pledge_id))
    return {r.criterion_id: r.value for r in rows}


@dataclass(frozen=True)
class Registration:
    """Who has registered in a campaign and who has not yet, for the officers."""

    pledges: list[tuple[EmulationPledge, Member]]
    missing: list[Member]
    deadline: date


def audience_where(session: Session, campaign: Campaign) -> list[ColumnElement[bool]] | None:
    """Who a campaign is for, as conditions on `Member` joined to its `UnionUnit` (its unit,
    below it if it says so, its groups); None when its unit is gone."""
    unit = session.get(UnionUnit, campaign.unit_id)
    if unit is None:
        return None
    among = [col(Member.onboarded_at).is_not(None), col(Member.forgotten_at).is_(None)]
    if campaign.include_subtree:
        among.append(col(UnionUnit.path).startswith(unit.path))
    else:
        among.append(col(Member.unit_id) == unit.id)
    if campaign.target_groups:
        among.append(col(Member.worker_group).in_(groups_of(campaign.target_groups)))
    return among


def audience_members(
    session: Session, campaign: Campaign, *, announcements_only: bool = False
) -> list[Member]:
    """The members a campaign is for (its unit, below it if it says so, its groups), in id
    order; with `announcements_only`, those who have not withdrawn consent to announcements."""
    among = audience_where(session, campaign)
    if among is None:
        return []
    query = select(Member).join(UnionUnit, col(UnionUnit.id) == Member.unit_id).where(*among)
    if announcements_only:
        consented = select(Consent.member_id).where(
            Consent.purpose == ConsentPurpose.ANNOUNCEMENTS, col(Consent.withdrawn_at).is_(None)
        )
        query = query.where(col(Member.id).in_(consented))
    return list(session.exec(query.order_by(col(Member.id))))


def registration(session: Session, *, actor: Actor, campaign_id: int) -> Registration:
    campaign = campaigns.get(session, actor=actor, campaign_id=campaign_id)
    rows = session.exec(
        select(EmulationPledge, Member)
        .join(Member, col(Member.id) == EmulationPledge.member_id)
        .where(EmulationPledge.campaign_id == campaign_id)
        .order_by(col(EmulationPledge.created_at))
    ).all()
    done = {m.id for _p, m in rows}
    missing = [m for m in audience_members(session, campaign) if m.id not in done]
    return Registration(list(rows), missing, call_of(session, campaign).deadline)  # type: ignore[arg-type]


# --- the call and its reminder, sent by the scheduler ----------------------------------------


def _calls_due(session: Session, limit: int) -> list[Campaign]:
    with_criteria = select(EmulationCriterion.campaign_id).where(
        col(EmulationCriterion.retired_at).is_(None)
    )
    return list(
        session.exec(
            select(Campaign)
            .where(Campaign.status == CampaignStatus.RUNNING, col(Campaign.id).in_(with_criteria))
            .order_by(col(Campaign.id))
            .limit(limit)
        )
    )


def send_calls(
    session: Session,
    *,
    teller: Teller,
    invitation: Callable[[Campaign, PledgeCall], Compose],
    reminder: Callable[[Campaign, PledgeCall], Compose],
    now: datetime,
    timezone: str,
    limit: int = 100,
) -> int:
    """Invite the audience of every running campaign with criteria once, and remind once,
    from two days before the deadline, those who have not registered. The calls are claimed
    with FOR UPDATE SKIP LOCKED: two instances never send the same one. The messages wait
    through quiet hours in delivery (they are proactive). Returns the messages queued."""
    today, sent = local_today(now, timezone), 0
    for campaign in _calls_due(session, limit):
        call_of(session, campaign)
        call = session.exec(
            select(PledgeCall)
            .where(PledgeCall.campaign_id == campaign.id)
            .with_for_update(skip_locked=True)
        ).first()
        if call is None or call.deadline < today:
            continue
        if call.invited_at is None:
            call.invited_at = now
            sent += _tell_all(session, teller, campaign, invitation(campaign, call), "invite", now)
        elif call.reminded_at is None and today >= call.deadline - timedelta(REMIND_DAYS_BEFORE):
            call.reminded_at = now
            sent += remind_rest(session, teller, campaign, reminder(campaign, call), now)
    session.flush()
    return sent


def _tell_all(
    session: Session,
    teller: Teller,
    campaign: Campaign,
    compose: Compose,
    kind: str,
    now: datetime,
    skip: frozenset[int] = frozenset(),
) -> int:
    told = 0
    for member in audience_members(session, campaign, announcements_only=True):
        if member.id in skip:
            continue
        key = f"pledge_{kind}:{campaign.id}:{member.id}:{now:%Y%m%d}"
        if teller.tell(session, member_id=member.id, compose=compose, key=key, now=now):  # type: ignore[arg-type]
            told += 1
    return told


def remind_rest(
    session: Session, teller: Teller, campaign: Campaign, compose: Compose, now: datetime
) -> int:
    """Remind everyone of the audience who has not registered yet (the scheduler once before
    the deadline, an officer whenever they ask, at most once a day each); returns how many
    were reached."""
    done = select(EmulationPledge.member_id).where(EmulationPledge.campaign_id == campaign.id)
    return _tell_all(
        session, teller, campaign, compose, "remind", now, frozenset(session.exec(done))
    )
