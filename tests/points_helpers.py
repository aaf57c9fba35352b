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


def quiz_drafts():  # type: ignore[no-untyped-def]
    from core.quizzes.bank import QuestionDraft

    return [
        QuestionDraft(
            "Thời giờ làm thêm tối đa trong một năm theo Bộ luật Lao động 2019 là bao nhiêu?",
            ("200 giờ", "300 giờ", "400 giờ"),
            frozenset({1}),
            "Điều 107: không quá 300 giờ trong một năm đối với một số ngành, nghề.",
        ),
        QuestionDraft(
            "Ai được bầu vào Ban Chấp hành công đoàn cơ sở?",
            ("Đoàn viên công đoàn", "Giám đốc doanh nghiệp", "Mọi người lao động"),
            frozenset({0}),
            "Ban Chấp hành do đại hội công đoàn cơ sở bầu ra từ đoàn viên.",
        ),
        QuestionDraft(
            "Thỏa ước lao động tập thể do ai thương lượng?",
            ("Công đoàn cơ sở", "Người sử dụng lao động", "Phòng nhân sự", "Bảo hiểm xã hội"),
            frozenset({0, 1}),
            "Hai bên: tổ chức đại diện người lao động và người sử dụng lao động.",
        ),
    ]


def link_webchat(session: Session, member: Member, chat_session: str, now: datetime) -> None:
    from core.members.models import Identity

    session.add(
        Identity(
            platform="webchat",
            platform_user_id=chat_session,
            member_id=member.id,
            first_seen_at=now,
        )
    )
    session.flush()
