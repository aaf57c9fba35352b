from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, String, Text, UniqueConstraint, event, text
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.members.rules import key_of
from core.storage.types import UTCDateTime


class UnitKind(StrEnum):
    CONFEDERATION = "confederation"  # Tổng LĐLĐVN
    PROVINCIAL_FEDERATION = "provincial_federation"  # LĐLĐ tỉnh/thành phố
    SECTOR_UNION = "sector_union"  # Công đoàn ngành Trung ương
    CORPORATION_UNION = "corporation_union"  # Công đoàn Tổng Công ty
    UPPER_LEVEL_UNION = "upper_level_union"  # Công đoàn cấp trên trực tiếp cơ sở
    GRASSROOTS_UNION = "grassroots_union"  # Công đoàn cơ sở (CĐCS)
    UNION_DIVISION = "union_division"  # Công đoàn bộ phận, inside a grassroots union
    UNION_GROUP = "union_group"  # Tổ công đoàn, inside a grassroots union or a division


class EnterpriseType(StrEnum):
    STATE_AGENCY = "state_agency"
    STATE_ENTERPRISE = "state_enterprise"
    PRIVATE = "private"
    FOREIGN_INVESTED = "foreign_invested"


class WorkerGroup(StrEnum):
    OFFICIAL = "official"  # cán bộ
    CIVIL_SERVANT = "civil_servant"  # công chức
    PUBLIC_EMPLOYEE = "public_employee"  # viên chức
    DIRECT_WORKER = "direct_worker"  # người lao động trực tiếp sản xuất, kinh doanh


class OfficerRoleKind(StrEnum):
    CHAIR = "chair"  # chủ tịch
    OFFICER = "officer"  # ủy viên ban chấp hành / cán bộ công đoàn


class ConsentPurpose(StrEnum):
    DATA_PROCESSING = "data_processing"  # keep profile to take part in campaigns
    ANNOUNCEMENTS = "announcements"  # receive campaign announcements, reminders, digests
    PUBLIC_NAME = "public_name"  # the full name on boards seen beyond one's own union


class JoinMode(StrEnum):
    OPEN = "open"  # anyone with an invite code joins, declaring their own group and post
    ROSTER_ONLY = "roster_only"  # a person not found on the unit's roster waits for an officer


def folded(value: str | None, length: int) -> str | None:
    """`value` folded for a search in the database (`key_of`), within its column."""
    return key_of(value)[:length] if value else None


def _fold_of(column: str, length: int) -> Callable[[Any], str | None]:
    """A column default folding the row's `column`: an INSERT that does not give the folded
    value (bulk SQL, an import's or a benchmark's rows) gets it, row by row."""

    def default(context: Any) -> str | None:
        return folded(context.get_current_parameters().get(column), length)

    return default


class UnionUnit(SQLModel, table=True):
    """A node of the union hierarchy. `path` ("/1/4/9/") makes subtree queries a prefix match."""

    __tablename__ = "union_unit"

    id: int | None = Field(default=None, primary_key=True)
    parent_id: int | None = Field(default=None, foreign_key="union_unit.id", index=True)
    path: str = Field(default="", max_length=500, index=True)
    name: str = Field(max_length=200)
    kind: UnitKind = Field(sa_type=String(32))
    enterprise_type: EnterpriseType | None = Field(default=None, sa_type=String(32))
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    code: str | None = Field(default=None, max_length=32, unique=True, index=True)  # its own code
    declared_members: int | None = None  # membership as the unit last declared it
    declared_on: date | None = None
    join_mode: JoinMode = Field(default=JoinMode.OPEN, sa_type=String(16))
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # the name and the code folded (no case, no diacritics) for the unit picker's search, in
    # the database instead of folding every unit's name on every search: set from `name` and
    # `code` on every insert (bulk SQL too: the column's default) and ORM update (below)
    name_key: str | None = Field(
        default=None, max_length=200, sa_column_kwargs={"default": _fold_of("name", 200)}
    )
    code_key: str | None = Field(
        default=None, max_length=64, index=True, sa_column_kwargs={"default": _fold_of("code", 64)}
    )


@event.listens_for(UnionUnit, "before_insert")
@event.listens_for(UnionUnit, "before_update")
def _fold_unit(_mapper: object, _connection: object, unit: UnionUnit) -> None:
    unit.name_key = folded(unit.name, 200)
    unit.code_key = folded(unit.code, 64)


WHY_LIMIT = 300  # characters of the reason given for a change to a member
CURRENT = "onboarded_at IS NOT NULL AND forgotten_at IS NULL"


class Member(SQLModel, table=True):
    """A person who consented. Nothing but the platform id exists before consent."""

    __tablename__ = "member"
    __table_args__ = (
        # the members page: current members of a subtree counted, and listed by name
        Index(  # covers the counts and a search's count
            "ix_member_current_unit",
            "unit_id",
            "verified_at",
            "name_key",
            sqlite_where=text(CURRENT),
            postgresql_where=text(CURRENT),
        ),
        Index(  # covers a large subtree's page and search read in the order of names
            "ix_member_current_name",
            "full_name",
            "id",
            "unit_id",
            "name_key",
            sqlite_where=text(CURRENT),
            postgresql_where=text(CURRENT),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="union_unit.id", index=True)
    full_name: str | None = Field(default=None, max_length=100)
    # the name folded (no case, no diacritics) for the members page's search; set from
    # `full_name` on every ORM insert and update (below)
    name_key: str | None = Field(default=None, max_length=100)
    worker_group: WorkerGroup | None = Field(default=None, sa_type=String(32))
    holds_leadership_post: bool | None = None
    locale: str = Field(default="vi", max_length=8)
    phone: str | None = Field(default=None, max_length=32)
    preferred_platform: str | None = Field(default=None, max_length=16)
    joined_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    onboarded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # found on the roster
    # /forget: the name and contacts are erased; the row stays so that the union's records
    # (initiatives, commendations, points, quiz attempts) keep "a former member" of the unit
    forgotten_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # the officer post they held when they used /forget (an OfficerRoleKind, the chair's first):
    # their decisions stay attributed to "a former union chair" or "... officer"
    former_post: str | None = Field(default=None, sa_type=String(16))


@event.listens_for(Member, "before_insert")
@event.listens_for(Member, "before_update")
def _fold_name(_mapper: object, _connection: object, member: Member) -> None:
    member.name_key = key_of(member.full_name)[:100] if member.full_name else None


class Identity(SQLModel, table=True):
    """One person's account on one messenger. Exists from the first message, before consent."""

    __tablename__ = "identity"
    __table_args__ = (
        UniqueConstraint("platform", "platform_user_id", name="uq_identity_platform_user"),
        {"sqlite_autoincrement": True},  # ids never reused (issue 15)
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    platform_user_id: str = Field(max_length=128)
    member_id: int | None = Field(
        default=None, foreign_key="member.id", index=True, ondelete="SET NULL"
    )
    first_seen_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    last_inbound_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    blocked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class OfficerRole(SQLModel, table=True):
    """An officer acts on their unit and every unit below it, nothing else."""

    __tablename__ = "officer_role"
    __table_args__ = (UniqueConstraint("member_id", "unit_id", name="uq_officer_member_unit"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    unit_id: int = Field(foreign_key="union_unit.id", index=True)
    role: OfficerRoleKind = Field(default=OfficerRoleKind.OFFICER, sa_type=String(16))
    granted_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class InviteCode(SQLModel, table=True):
    __tablename__ = "invite_code"

    code: str = Field(primary_key=True, max_length=32)
    unit_id: int = Field(foreign_key="union_unit.id", index=True)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    max_uses: int | None = None
    uses: int = 0
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class Consent(SQLModel, table=True):
    """A consent given for one purpose, the version of the text the person agreed to, and when
    it was withdrawn. Every change is a new dated row (core/members/consents.py)."""

    __tablename__ = "consent"
    __table_args__ = (Index("ix_consent_member_purpose", "member_id", "purpose"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    purpose: ConsentPurpose = Field(sa_type=String(32))
    granted_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    wording: str | None = Field(default=None, max_length=16)  # the version of the text agreed to


class RosterEntry(SQLModel, table=True):
    """One person on a unit's roster (danh sách đoàn viên), as imported from the union's file.

    The keys a person is recognised by when they join by chat: the card number, the phone, or
    the folded name with the birth date. `member_id` is set once they are matched.
    """

    __tablename__ = "roster_entry"
    __table_args__ = (
        Index("ix_roster_entry_unit_name", "unit_id", "name_key"),
        Index("ix_roster_entry_card", "card"),
        Index("ix_roster_entry_phone", "phone"),
        # the members page's count of the people on the list not on the bot yet
        Index("ix_roster_entry_waiting", "member_id", "removed_at", "unit_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="union_unit.id", index=True)
    full_name: str = Field(max_length=100)
    name_key: str = Field(max_length=100)  # folded: no case, no diacritics
    worker_group: WorkerGroup | None = Field(default=None, sa_type=String(32))
    holds_leadership_post: bool | None = None
    birth_date: date | None = None
    card: str | None = Field(default=None, max_length=20)
    phone: str | None = Field(default=None, max_length=16)
    gender: str | None = Field(default=None, max_length=8)
    member_id: int | None = Field(
        default=None, foreign_key="member.id", index=True, ondelete="SET NULL"
    )
    imported_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class JoinRequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"  # the person used /forget before an officer decided


class JoinRequest(SQLModel, table=True):
    """A person who joined a "roster only" unit without being found on its roster waits for
    an officer of the unit (or a unit above it) to approve, edit or refuse them.

    Nothing personal is kept here: the name, group and post are the member's own row; a
    refused person's row is erased and `member_id` stays pointing at the pseudonym."""

    __tablename__ = "join_request"
    __table_args__ = (
        Index("ix_join_request_unit_status", "unit_id", "status"),
        {"sqlite_autoincrement": True},  # ids reach officers' buttons: never reused
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int | None = Field(
        default=None, foreign_key="member.id", index=True, ondelete="SET NULL"
    )
    unit_id: int = Field(foreign_key="union_unit.id")
    status: JoinRequestStatus = Field(default=JoinRequestStatus.PENDING, sa_type=String(16))
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")


class MemberChange(SQLModel, table=True):
    """Who changed a member of their units, when, and what it was before and after (JSON):
    `edit` (name, group, post, phone), `move` (unit), `remove`, with the reason the officer
    gave (`why`, optional). The member's /forget (or their removal) blanks `before`, `after`
    and the reasons of the earlier changes, which may hold a name or a phone; the reason of the
    removal itself is written after the erasure and stays."""

    __tablename__ = "member_change"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    unit_id: int = Field(foreign_key="union_unit.id")  # the member's unit before the change
    action: str = Field(max_length=16)
    by_member_id: int | None = Field(
        default=None, foreign_key="member.id", ondelete="SET NULL"
    )  # None: the operator
    before: str | None = Field(default=None, sa_type=Text)
    after: str | None = Field(default=None, sa_type=Text)
    at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    why: str | None = Field(default=None, max_length=WHY_LIMIT)  # the officer's reason
