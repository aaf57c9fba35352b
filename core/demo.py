"""Demo data: a province, an industrial-zone union and three grassroots unions with members."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, func, select

from core.members import service
from core.members.models import (
    EnterpriseType,
    Member,
    OfficerRoleKind,
    UnionUnit,
    UnitKind,
    WorkerGroup,
)

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Đức", "Thu", "Quốc", "Thùy"]
GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Lan",
    "Linh",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vy",
    "Yến",
]


@dataclass(frozen=True)
class DemoUnit:
    name: str
    kind: UnitKind
    code: str
    enterprise_type: EnterpriseType | None = None
    members: int = 0
    groups: tuple[WorkerGroup, ...] = ()


PROVINCE = DemoUnit(
    "Liên đoàn Lao động tỉnh Bình Dương", UnitKind.PROVINCIAL_FEDERATION, "LDLDBD66"
)
ZONE = DemoUnit("Công đoàn các Khu công nghiệp Bình Dương", UnitKind.UPPER_LEVEL_UNION, "KCNBDG55")
GRASSROOTS = (
    DemoUnit(
        "Công đoàn cơ sở Sở Lao động – Thương binh và Xã hội",
        UnitKind.GRASSROOTS_UNION,
        "CDCSNN22",
        EnterpriseType.STATE_AGENCY,
        members=8,
        groups=(WorkerGroup.CIVIL_SERVANT, WorkerGroup.PUBLIC_EMPLOYEE, WorkerGroup.OFFICIAL),
    ),
    DemoUnit(
        "Công đoàn Công ty TNHH Cơ khí Minh Phát",
        UnitKind.GRASSROOTS_UNION,
        "CDCSTN33",
        EnterpriseType.PRIVATE,
        members=9,
        groups=(WorkerGroup.DIRECT_WORKER,),
    ),
    DemoUnit(
        "Công đoàn Công ty TNHH Giày da Hưng Thịnh Việt Nam",
        UnitKind.GRASSROOTS_UNION,
        "CDCSFD44",
        EnterpriseType.FOREIGN_INVESTED,
        members=8,
        groups=(WorkerGroup.DIRECT_WORKER,),
    ),
)


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        if name not in used:
            used.add(name)
            return name


def is_empty(session: Session) -> bool:
    return session.exec(select(func.count()).select_from(UnionUnit)).one() == 0


def load(session: Session, *, now: datetime, seed: int = 2026) -> dict[str, int]:
    """Create the demo hierarchy: 5 units, 5 invite codes, 30 members of whom 5 are officers."""
    rng = random.Random(seed)
    used: set[str] = set()
    counts = {"units": 0, "members": 0, "officers": 0, "invites": 0}

    def add_unit(spec: DemoUnit, parent: UnionUnit | None) -> UnionUnit:
        unit = service.create_unit(
            session,
            name=spec.name,
            kind=spec.kind,
            parent=parent,
            enterprise_type=spec.enterprise_type,
        )
        service.create_invite(
            session, unit=unit, code=spec.code, expires_at=now + timedelta(days=365)
        )
        counts["units"] += 1
        counts["invites"] += 1
        return unit

    def add_member(unit: UnionUnit, group: WorkerGroup, leader: bool) -> Member:
        member = Member(
            unit_id=unit.id,  # type: ignore[arg-type]
            full_name=_name(rng, used),
            worker_group=group,
            holds_leadership_post=leader,
            locale="vi",
            joined_at=now,
            onboarded_at=now,
        )
        session.add(member)
        session.flush()
        counts["members"] += 1
        return member

    def add_officer(unit: UnionUnit) -> None:
        officer = add_member(unit, WorkerGroup.OFFICIAL, leader=True)
        service.grant_officer(session, member=officer, unit=unit, role=OfficerRoleKind.CHAIR)
        counts["officers"] += 1

    province = add_unit(PROVINCE, None)
    add_officer(province)
    zone = add_unit(ZONE, province)
    add_officer(zone)
    for spec in GRASSROOTS:
        unit = add_unit(
            spec, province if spec.enterprise_type == EnterpriseType.STATE_AGENCY else zone
        )
        add_officer(unit)
        for i in range(spec.members):
            add_member(unit, spec.groups[i % len(spec.groups)], leader=i == 0)
    session.flush()
    return counts


def officer_claim_codes(session: Session, *, now: datetime) -> list[tuple[str, str, str]]:
    """A one-time claim code for every demo officer who has no messenger yet: (unit, name,
    code). The officer sends `/link CODE` on any messenger to take over the account."""
    from core import linking
    from core.members.models import Identity, OfficerRole

    rows = session.exec(
        select(UnionUnit.name, Member)
        .join(OfficerRole, OfficerRole.unit_id == UnionUnit.id)  # type: ignore[arg-type]
        .join(Member, Member.id == OfficerRole.member_id)  # type: ignore[arg-type]
        .order_by(UnionUnit.id)  # type: ignore[arg-type]
    ).all()
    claimed = set(session.exec(select(Identity.member_id).where(Identity.member_id.is_not(None))))  # type: ignore[union-attr]
    return [
        (
            unit_name,
            member.full_name or "",
            linking.issue(session, purpose=linking.CodePurpose.CLAIM, member_id=member.id, now=now),
        )
        for unit_name, member in rows
        if member.id not in claimed
    ]
