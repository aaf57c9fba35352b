"""A review's announcement to the campaign's members, through the outbox like every broadcast,
and the scheduler's part: the final review of each campaign closed without one (closed by the
scheduler at its end, or in chat), and the announcements still to send."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from core.broadcasts import service as broadcasts
from core.broadcasts.models import Broadcast, BroadcastKind
from core.campaigns import service as campaigns
from core.campaigns.models import Campaign, CampaignStatus
from core.delivery_policy import DeliveryPolicy
from core.emulation import review
from core.emulation.review_models import EmulationReview
from core.emulation.review_texts import announcement
from core.i18n import Translator


def text_of(session: Session, t: Translator, row: EmulationReview) -> str:
    figures = review.figures_of(row)
    campaign = session.get(Campaign, row.campaign_id)
    names = review.names(session, (p.member_id for p in figures.people))
    return announcement(
        t,
        figures,
        title=campaign.title if campaign is not None else "",
        unit_names=review.unit_names(session, (u.unit_id for u in figures.units)),
        public_names={m: n for m, (n, public) in names.items() if public and n},
    )


def announce(
    session: Session,
    *,
    row: EmulationReview,
    t: Translator,
    policy: DeliveryPolicy,
    now: datetime,
    by: int | None = None,
) -> Broadcast | None:
    """The review's announcement to its campaign's audience (once: its key is the review's);
    None when the audience has nobody to reach."""
    campaign = session.get(Campaign, row.campaign_id)
    if campaign is None:
        return None
    audience = campaigns.audience(session, campaign)
    row.announce = False
    if not broadcasts.has_members(session, audience=audience):
        session.flush()
        return None
    broadcast, _created = broadcasts.create(
        session,
        key=f"review:{row.id}",
        kind=BroadcastKind.MESSAGE,
        audience=audience,
        text=text_of(session, t, row),
        now=now,
        policy=policy,
        campaign_id=campaign.id,
        created_by=by,
    )
    row.broadcast_id = broadcast.id
    session.flush()
    return broadcast


def run_due(
    session: Session, *, now: datetime, policy: DeliveryPolicy, t: Translator, limit: int = 20
) -> int:
    """The final reviews of campaigns closed without one, then the announcements due (each
    review claimed with FOR UPDATE SKIP LOCKED). Returns the announcements created."""
    without = select(EmulationReview.campaign_id).where(col(EmulationReview.final_of).is_not(None))
    for campaign in session.exec(
        select(Campaign)
        .where(Campaign.status == CampaignStatus.CLOSED, col(Campaign.id).not_in(without))
        .order_by(col(Campaign.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all():
        review.run_final_review(session, campaign.id, now, t=t)  # type: ignore[arg-type]
    session.flush()
    sent = 0
    for row in session.exec(
        select(EmulationReview)
        .where(col(EmulationReview.announce), col(EmulationReview.broadcast_id).is_(None))
        .order_by(col(EmulationReview.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all():
        sent += announce(session, row=row, t=t, policy=policy, now=now) is not None
    return sent
