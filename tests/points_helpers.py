"""Small builders for tests of points, quizzes and leaderboards."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from core.members import service
from core.members.models import Consent, ConsentPurpose, Member, UnionUnit, UnitKind


def make_units(session: Session, grassroots: int = 2) -> tuple[UnionUnit, list[UnionUnit]]:
    top = service.create_unit(session, name="LĐLĐ thử", kind=UnitKind.PROVINCIAL_FEDERATION)
    units = [
        service.create_unit(session, name=f"CĐCS {i}", kind=UnitKind.GRASSROOTS_UNION, parent=top)
        for i in range(grassroots)
    ]
    return top, units


def make_member(session: Session, unit: UnionUnit, name: str, now: datetime) -> Member:
    member = Member(unit_id=unit.id, full_name=name, joined_at=now, onboarded_at=now)  # type: ignore[arg-type]
    session.add(member)
    session.flush()
    for purpose in (ConsentPurpose.DATA_PROCESSING, ConsentPurpose.ANNOUNCEMENTS):
        session.add(Consent(member_id=member.id, purpose=purpose, granted_at=now))  # type: ignore[arg-type]
    session.flush()
    return member
