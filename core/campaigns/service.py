"""Campaign services: keyword-only functions, every one checked against the actor's scope."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast, BroadcastKind, BroadcastStatus
from core.campaigns.models import Campaign, CampaignStatus, OfficerToken
from core.campaigns.rules import campaign_problem, groups_of, groups_text, launch_problem
from core.campaigns.scope import Actor
from core.campaigns.texts import default_announcement
from core.delivery_policy import DeliveryPolicy
from core.errors import DomainError, Forbidden, InvalidInput, NotFound
from core.i18n import Translator
from core.members.models import Member, UnionUnit

log = logging.getLogger(__name__)

EDITABLE = ("title", "description", "criteria", "starts_on", "ends_on", "target_groups")


@dataclass(frozen=True)
class CampaignInput:
    unit_id: int
    title: str
    description: str = ""
    criteria: str = ""
    include_subtree: bool = True
    target_groups: tuple[str, ...] = ()
    starts_on: date | None = None
    ends_on: date | None = None


def _check(campaign: Campaign) -> None:
    problem = campaign_problem(
        title=campaign.title,
        description=campaign.description,
        criteria=campaign.criteria,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
    )
    if problem:
        raise InvalidInput(problem)


def create(session: Session, *, actor: Actor, data: CampaignInput, now: datetime) -> Campaign:
    actor.require_unit(session, data.unit_id)
    today = now.date()
    campaign = Campaign(
        unit_id=data.unit_id,
        include_subtree=data.include_subtree,
        title=data.title.strip(),
        description=data.description.strip(),
        criteria=data.criteria.strip(),
        target_groups=groups_text(data.target_groups),
        starts_on=data.starts_on or today,
        ends_on=data.ends_on or data.starts_on or today,
        created_by=actor.member_id,
        created_at=now,
        updated_at=now,
    )
    _check(campaign)
    session.add(campaign)
    session.flush()
    return campaign


def get(session: Session, *, actor: Actor, campaign_id: int) -> Campaign:
    """The campaign, if the actor's scope covers its unit. Crossing the scope is logged."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("campaign_unknown")
    try:
        actor.require_unit(session, campaign.unit_id)
    except Forbidden:
        log.warning(
            "scope refused: member %s asked for campaign %s of unit %s",
            actor.member_id,
            campaign_id,
            campaign.unit_id,
        )
        raise
    return campaign


def in_scope(session: Session, *, actor: Actor, limit: int = 50) -> list[Campaign]:
    return list(
        session.exec(
            select(Campaign)
            .join(UnionUnit, col(UnionUnit.id) == Campaign.unit_id)
            .where(actor.unit_filter(session))
            .order_by(col(Campaign.id).desc())
            .limit(limit)
        )
    )


def update(
    session: Session, *, actor: Actor, campaign_id: int, now: datetime, **changes: object
) -> Campaign:
    campaign = get(session, actor=actor, campaign_id=campaign_id)
    if campaign.status == CampaignStatus.CLOSED:
        raise DomainError("campaign_closed")
    for name, value in changes.items():
        if name not in EDITABLE:
            raise InvalidInput("field_not_editable")
        if name == "target_groups":
            value = groups_text(value)  # type: ignore[arg-type]
        elif isinstance(value, str):
            value = value.strip()
        setattr(campaign, name, value)
    campaign.updated_at = now
    _check(campaign)
    session.flush()
    return campaign


def audience(session: Session, campaign: Campaign) -> broadcasts.Audience:
    unit = session.get(UnionUnit, campaign.unit_id)
    if unit is None:
        raise NotFound("unit_unknown")
    return broadcasts.Audience(
        unit, campaign.include_subtree, tuple(groups_of(campaign.target_groups))
    )


def launch(
    session: Session,
    *,
    actor: Actor,
    campaign_id: int,
    text: str,
    now: datetime,
    policy: DeliveryPolicy,
    scheduled_at: datetime | None = None,
) -> tuple[Broadcast, bool]:
    """Launch (phát động) now or at `scheduled_at`; the announcement goes to the campaign's
    audience. A second launch of a launched campaign returns its broadcast, creating nothing."""
    campaign = get(session, actor=actor, campaign_id=campaign_id)
    existing = session.exec(
        select(Broadcast).where(Broadcast.key == f"launch:{campaign.id}")
    ).first()
    if existing is not None and campaign.status != CampaignStatus.CLOSED:
        return existing, False
    problem = launch_problem(campaign.status)
    if problem:
        raise DomainError(problem)
    broadcasts.check_text(text)
    if scheduled_at is not None and scheduled_at <= now:
        raise InvalidInput("scheduled_in_past")
    target = audience(session, campaign)
    if not broadcasts.has_members(session, audience=target):
        raise DomainError("audience_empty")
    broadcast, created = broadcasts.create(
        session,
        key=f"launch:{campaign.id}",
        kind=BroadcastKind.LAUNCH,
        audience=target,
        text=text,
        now=now,
        policy=policy,
        campaign_id=campaign.id,
        created_by=actor.member_id,
        scheduled_at=scheduled_at,
    )
    campaign.status = CampaignStatus.SCHEDULED if scheduled_at else CampaignStatus.RUNNING
    campaign.launched_at = None if scheduled_at else now
    campaign.updated_at = now
    session.flush()
    return broadcast, created


def start_scheduled(session: Session, *, broadcast: Broadcast, now: datetime) -> None:
    """A scheduled launch became due: the campaign runs from now."""
    if broadcast.campaign_id is None or broadcast.kind != BroadcastKind.LAUNCH:
        return
    campaign = session.get(Campaign, broadcast.campaign_id)
    if campaign is not None and campaign.status == CampaignStatus.SCHEDULED:
        campaign.status = CampaignStatus.RUNNING
        campaign.launched_at = now


def close(session: Session, *, actor: Actor, campaign_id: int, now: datetime) -> Campaign:
    campaign = get(session, actor=actor, campaign_id=campaign_id)
    if campaign.status == CampaignStatus.CLOSED:
        raise DomainError("campaign_closed")
    close_now(session, campaign=campaign, now=now)
    return campaign


def close_now(session: Session, *, campaign: Campaign, now: datetime) -> None:
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_at = campaign.updated_at = now
    for pending in session.exec(
        select(Broadcast).where(
            Broadcast.campaign_id == campaign.id, Broadcast.status == BroadcastStatus.SCHEDULED
        )
    ):
        pending.status = BroadcastStatus.CANCELLED
    session.flush()


def running_for_member(session: Session, *, member: Member) -> list[Campaign]:
    """Running campaigns whose scope covers the member's unit and group."""
    unit = session.get(UnionUnit, member.unit_id)
    if unit is None:
        return []
    ancestors = [int(p) for p in unit.path.strip("/").split("/") if p]
    found = session.exec(
        select(Campaign)
        .where(
            Campaign.status == CampaignStatus.RUNNING,
            or_(
                col(Campaign.unit_id) == unit.id,
                col(Campaign.unit_id).in_(ancestors) & col(Campaign.include_subtree),
            ),
        )
        .order_by(col(Campaign.ends_on))
    ).all()
    return [
        c
        for c in found
        if not c.target_groups or (member.worker_group or "") in groups_of(c.target_groups)
    ]


def member_may_see(session: Session, *, member: Member, campaign_id: int) -> Campaign:
    for campaign in running_for_member(session, member=member):
        if campaign.id == campaign_id:
            return campaign
    raise NotFound("campaign_unknown")


def latest_broadcast(session: Session, *, actor: Actor) -> Broadcast | None:
    return session.exec(
        select(Broadcast)
        .join(UnionUnit, col(UnionUnit.id) == Broadcast.unit_id)
        .where(actor.unit_filter(session))
        .order_by(col(Broadcast.id).desc())
        .limit(1)
    ).first()


def broadcast_in_scope(session: Session, *, actor: Actor, broadcast_id: int) -> Broadcast:
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise NotFound("broadcast_unknown")
    try:
        actor.require_unit(session, broadcast.unit_id)
    except Forbidden:
        log.warning(
            "scope refused: member %s asked for broadcast %s", actor.member_id, broadcast_id
        )
        raise
    return broadcast


# --- what the chat needs: units to choose, announcements to preview, send and report --------


@dataclass(frozen=True)
class Target:
    """Who an announcement goes to: a campaign's audience, or a unit (and its subtree)."""

    campaign_id: int | None = None
    unit_id: int | None = None
    subtree: bool = True


def unit_name(session: Session, unit_id: int) -> str:
    unit = session.get(UnionUnit, unit_id)
    return unit.name if unit is not None else ""


def launching_units(session: Session, *, actor: Actor, limit: int = 20) -> list[UnionUnit]:
    """The units an officer may launch a campaign for, to choose from: each root of their scope
    and the units directly below it."""
    units: list[UnionUnit] = []
    for root in actor.units(session):
        units.append(root)
        units += session.exec(
            select(UnionUnit).where(UnionUnit.parent_id == root.id).order_by(col(UnionUnit.id))
        )
    return units[:limit]


def latest_broadcast_of(session: Session, *, actor: Actor, campaign_id: int) -> Broadcast | None:
    campaign = get(session, actor=actor, campaign_id=campaign_id)
    return session.exec(
        select(Broadcast)
        .where(Broadcast.campaign_id == campaign.id)
        .order_by(col(Broadcast.id).desc())
    ).first()


def _target_audience(
    session: Session, actor: Actor, target: Target
) -> tuple[broadcasts.Audience, Campaign | None]:
    if target.campaign_id is not None:
        campaign = get(session, actor=actor, campaign_id=target.campaign_id)
        return audience(session, campaign), campaign
    unit = actor.require_unit(session, target.unit_id or 0)
    return broadcasts.Audience(unit, target.subtree, ()), None


def default_text(session: Session, *, actor: Actor, campaign_id: int, t: Translator) -> str:
    """The launch announcement written from the campaign itself."""
    campaign = get(session, actor=actor, campaign_id=campaign_id)
    return default_announcement(t, unit_name(session, campaign.unit_id), campaign)


def announcement_plan(
    session: Session,
    *,
    actor: Actor,
    target: Target,
    text: str,
    typed_length: int,
    launch: bool,
    policy: DeliveryPolicy,
    now: datetime,
) -> broadcasts.Plan:
    """Who an announcement would reach and when, or the DomainError that stops it: a bad text,
    a campaign launched or closed already, an empty audience."""
    issue = broadcasts.announcement_problem_of(text, typed_length)
    if issue:
        raise InvalidInput(issue)
    target_audience, campaign = _target_audience(session, actor, target)
    if launch and campaign is not None:
        issue = launch_problem(campaign.status)
        if issue:
            raise DomainError(issue)
    found = broadcasts.plan(session, audience=target_audience, policy=policy, now=now)
    if found.total == 0:
        raise DomainError("audience_empty")
    return found


def send_announcement(
    session: Session,
    *,
    actor: Actor,
    target: Target,
    text: str,
    sender: int,
    nonce: str,
    now: datetime,
    policy: DeliveryPolicy,
    scheduled_at: datetime | None = None,
) -> tuple[Broadcast, bool]:
    """An announcement (not a launch) to a campaign's audience or a unit. The key names the
    identity that confirmed and the preview's nonce: a second confirmation creates nothing."""
    target_audience, campaign = _target_audience(session, actor, target)
    return broadcasts.create(
        session,
        key=f"msg:{sender}:{nonce}",
        kind=BroadcastKind.MESSAGE,
        audience=target_audience,
        text=text,
        now=now,
        policy=policy,
        campaign_id=campaign.id if campaign else None,
        created_by=actor.member_id,
        scheduled_at=scheduled_at,
    )


def delivery_report(session: Session, *, actor: Actor, broadcast_id: int) -> broadcasts.Report:
    broadcast = broadcast_in_scope(session, actor=actor, broadcast_id=broadcast_id)
    return broadcasts.report(session, broadcast=broadcast)


# --- officer API tokens -----------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session, *, member: Member, now: datetime, ttl: timedelta | None = None
) -> str:
    """A new bearer token for an officer; only its hash is stored, so it is shown once. It
    stops working after `ttl` (None: when it is revoked)."""
    from core.members import service as members

    if not members.officer_units(session, member_id=member.id):  # type: ignore[arg-type]
        raise Forbidden("not_an_officer")
    token = "thd_" + secrets.token_urlsafe(32)
    expires = now + ttl if ttl is not None else None
    session.add(
        OfficerToken(
            member_id=member.id,  # type: ignore[arg-type]
            token_hash=token_hash(token),
            created_at=now,
            expires_at=expires,
        )
    )
    session.flush()
    return token


def actor_for_token(session: Session, *, token: str, now: datetime) -> Actor | None:
    row = session.exec(
        select(OfficerToken).where(
            OfficerToken.token_hash == token_hash(token), col(OfficerToken.revoked_at).is_(None)
        )
    ).first()
    if row is None or (row.expires_at is not None and row.expires_at <= now):
        return None
    row.last_used_at = now
    return Actor.officer(row.member_id)
