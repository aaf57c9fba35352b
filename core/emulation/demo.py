"""The demo's emulation: a running campaign of the private mechanical company's union with the
individual titles' criteria, and the pledges of half its members (after core/demo.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from core.campaigns.models import Campaign, CampaignStatus
from core.campaigns.scope import Actor
from core.emulation import criteria, pledges
from core.emulation.titles import Title
from core.i18n import Translator
from core.members.models import Member, OfficerRole, UnionUnit

UNIT = "Công đoàn Công ty TNHH Cơ khí Minh Phát"


def load(session: Session, *, now: datetime, t: Translator, timezone: str) -> dict[str, int]:
    """The campaign, its criteria and pledges; nothing when the demo's unit is not there."""
    unit = session.exec(select(UnionUnit).where(UnionUnit.name == UNIT)).first()
    role = session.exec(
        select(OfficerRole).where(OfficerRole.unit_id == (unit.id if unit else 0))
    ).first()
    if unit is None or role is None:
        return {"campaigns": 0, "criteria": 0, "pledges": 0}
    today = pledges.local_today(now, timezone)
    campaign = Campaign(
        unit_id=unit.id,  # type: ignore[arg-type]
        title=t.gettext("Good workers, safe production 2027"),
        description=t.gettext(
            "Each member registers the title they aim for and their targets for the year."
        ),
        starts_on=today,
        ends_on=today + timedelta(days=365),
        status=CampaignStatus.RUNNING,
        created_by=role.member_id,
        created_at=now,
        updated_at=now,
        launched_at=now,
    )
    session.add(campaign)
    session.flush()
    made = criteria.from_template(
        session,
        actor=Actor.officer(role.member_id),
        campaign_id=campaign.id,  # type: ignore[arg-type]
        key="individual_titles",
        t=t,
        now=now,
    )
    workers = session.exec(
        select(Member)
        .where(Member.unit_id == unit.id, Member.id != role.member_id)
        .order_by(col(Member.id))
    ).all()
    count = 0
    for n, member in enumerate(workers[::2]):
        pledges.save(
            session,
            member=member,
            campaign_id=campaign.id,  # type: ignore[arg-type]
            title=Title.FIGHTER if n % 3 == 0 else Title.GOOD_WORKER,
            targets={c.id: c.target + n % 3 for c in made if c.target is not None},  # type: ignore[misc]
            now=now,
            timezone=timezone,
        )
        count += 1
    return {"campaigns": 1, "criteria": len(made), "pledges": count}
