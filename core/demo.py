"""Demo data: a province, an industrial-zone union and three grassroots unions with members."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, func, select

from core.members import consents, service
from core.members.models import (
    ConsentPurpose,
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
        _consent(member, public_name=counts["members"] % 3 != 0)
        return member

    def _consent(member: Member, *, public_name: bool) -> None:
        """As a real member answers the three questions: taking part and announcements; two
        in three also let their name be shown beyond their union (the others: initials)."""
        purposes = [ConsentPurpose.DATA_PROCESSING, ConsentPurpose.ANNOUNCEMENTS]
        purposes += [ConsentPurpose.PUBLIC_NAME] if public_name else []
        for purpose in purposes:
            consents.set_consent(
                session,
                member_id=member.id,  # type: ignore[arg-type]
                purpose=purpose,
                granted=True,
                now=now,
            )

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


# The demo union's own spreadsheets, as a union would keep them in Excel (here as the
# semicolon CSV that Excel writes in Vietnamese): read by the same importers as an officer's
# files. The tree gives the units their codes and declared membership and adds the groups of
# the two companies; the roster lists people of Minh Phát, most of them not on the bot yet.
TREE_FILE = """Mã đơn vị;Tên đơn vị;Mã đơn vị cấp trên;Loại đơn vị;Loại hình doanh nghiệp;\
Số đoàn viên;Tính đến ngày
KCN-BD;Công đoàn các Khu công nghiệp Bình Dương;;Công đoàn cấp trên cơ sở;;2.300;01/12/2026
SLDTBXH;Công đoàn cơ sở Sở Lao động – Thương binh và Xã hội;;Công đoàn cơ sở;\
Cơ quan nhà nước;64;01/12/2026
MP;Công đoàn Công ty TNHH Cơ khí Minh Phát;KCN-BD;Công đoàn cơ sở;Doanh nghiệp tư nhân;\
420;01/12/2026
MP-CK1;Tổ công đoàn Cơ khí 1;MP;Tổ công đoàn;;140;01/12/2026
MP-SON;Tổ công đoàn Sơn tĩnh điện;MP;Tổ công đoàn;;95;01/12/2026
HT;Công đoàn Công ty TNHH Giày da Hưng Thịnh Việt Nam;KCN-BD;Công đoàn cơ sở;FDI;\
1.850;01/12/2026
HT-MAY;Công đoàn bộ phận May;HT;Công đoàn bộ phận;;1.100;01/12/2026
"""
ROSTER_FILE = """Họ và tên;Đơn vị;Đối tượng;Chức vụ lãnh đạo;Ngày sinh;Số thẻ đoàn viên;\
Số điện thoại;Giới tính
Trịnh Thị Hồng;MP-CK1;Công nhân;Không;14/02/1992;MP-0001;0912 300 001;Nữ
Lý Văn Khoa;MP-CK1;Công nhân;Không;03/07/1988;MP-0002;0912 300 002;Nam
Đinh Thị Ngọc Ánh;MP-CK1;Công nhân;Không;21/10/1995;MP-0003;;Nữ
Mạc Văn Toàn;MP-CK1;Công nhân;Có;09/09/1980;MP-0004;0912 300 004;Nam
Tô Thị Bích;MP-SON;Công nhân;Không;30/04/1993;MP-0005;0912 300 005;Nữ
Kiều Văn Lực;MP-SON;Công nhân;Không;11/11/1990;MP-0006;;Nam
Thái Minh Quang;MP;Cán bộ;Có;05/05/1979;MP-0007;0912 300 007;Nam
Lương Thị Thoa;MP;Viên chức;Không;17/08/1991;MP-0008;;Nữ
"""


def load_organisation(session: Session, *, now: datetime) -> dict[str, int]:
    """The demo union's tree and roster files, imported (after `load`) by the importers an
    officer uses: the same dry-run rules, all or nothing."""
    from core.organisation import roster_import, tree_import
    from core.organisation.roster_file import read_roster

    root = session.exec(select(UnionUnit).where(UnionUnit.name == PROVINCE.name)).one()
    today = now.date()
    tree = tree_import.read_tree(TREE_FILE.encode(), "cay-to-chuc.csv", today=today)
    units = tree_import.apply(session, root=root, file=tree, by=None, now=now)
    roster = read_roster(ROSTER_FILE.encode(), "danh-sach-doan-vien.csv", today=today)
    people = roster_import.apply(session, root=root, file=roster, now=now)
    return {"created": units.created, "updated": units.updated, "roster": people.created}
