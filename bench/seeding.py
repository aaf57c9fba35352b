"""The province the processing benchmarks seed: members who have onboarded and consented,
each reachable on Telegram, written by bulk inserts rather than the join flow."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session

from core.members.models import Consent, Identity, Member, UnionUnit, UnitKind
from core.members.service import create_unit

GRASSROOTS = 10


def seed_province(session: Session, people: int, now: datetime) -> UnionUnit:
    """Members 1..people spread over ten grassroots unions of one province, each with their
    consent to data processing and a Telegram identity whose user id is the member's id.
    Returns the province's unit."""
    top = create_unit(session, name="LĐLĐ", kind=UnitKind.PROVINCIAL_FEDERATION)
    units = [
        create_unit(session, name=f"CĐCS {i}", kind=UnitKind.GRASSROOTS_UNION, parent=top)
        for i in range(GRASSROOTS)
    ]
    everyone = range(1, people + 1)
    session.execute(
        insert(Member),
        [
            {
                "id": i,
                "unit_id": units[i % GRASSROOTS].id,
                "full_name": f"ĐV {i}",
                "locale": "vi",
                "joined_at": now,
                "onboarded_at": now,
            }
            for i in everyone
        ],
    )
    session.execute(
        insert(Consent),
        [{"member_id": i, "purpose": "data_processing", "granted_at": now} for i in everyone],
    )
    session.execute(
        insert(Identity),
        [
            {
                "id": i,
                "platform": "telegram",
                "platform_user_id": str(i),
                "member_id": i,
                "first_seen_at": now,
                "last_inbound_at": now,
            }
            for i in everyone
        ],
    )
    return top
