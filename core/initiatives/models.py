"""Initiatives, their authors, attachments and history, and the units' reward tables."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Date, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.initiatives.rules import BenefitKind, Status
from core.storage.types import UTCDateTime


class Initiative(SQLModel, table=True):
    """One initiative, from its draft to its application. A draft belongs to the member, not
    to a messenger: it can be continued on any linked one (`draft_step` says where)."""

    __tablename__ = "initiative"
    __table_args__ = (
        Index("ix_initiative_unit_status", "unit_id", "status"),
        Index("ix_initiative_submitter_status", "submitter_id", "status"),
        {"sqlite_autoincrement": True},  # ids never reused (issue 15)
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str | None = Field(default=None, max_length=20, unique=True)
    unit_id: int = Field(foreign_key="union_unit.id")  # the submitter's unit at submission
    submitter_id: int = Field(foreign_key="member.id", ondelete="RESTRICT")
    status: Status = Field(default=Status.DRAFT, sa_type=String(16))
    draft_step: str | None = Field(default=None, max_length=24)
    title: str = Field(default="", max_length=200)
    problem: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    solution: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    benefit_kind: BenefitKind | None = Field(default=None, sa_type=String(8))
    benefit_amount: int | None = Field(default=None, sa_type=BigInteger)  # VND or hours a year
    category: str | None = Field(default=None, max_length=24)
    campaign_id: int | None = Field(default=None, index=True)
    hide_name: bool = False  # the authors' names stay out of public announcements
    folded: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    assignee_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    info_request: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    reject_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    benefit_vnd: int | None = Field(default=None, sa_type=BigInteger)  # as read at acceptance
    reward_vnd: int | None = Field(default=None, sa_type=BigInteger)
    reward_points: int | None = None
    reward_table_id: int | None = Field(default=None)
    created_at: datetime = Field(sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status_changed_at: datetime = Field(sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class InitiativeAuthor(SQLModel, table=True):
    """An author and their share of the reward (position 0: the submitter)."""

    __tablename__ = "initiative_author"

    initiative_id: int = Field(foreign_key="initiative.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="RESTRICT")
    position: int = 0
    share_vnd: int | None = Field(default=None, sa_type=BigInteger)
    share_points: int | None = None


class InitiativeEvent(SQLModel, table=True):
    """The history: every status change, with who and why (an info request, an answer ...)."""

    __tablename__ = "initiative_event"

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(foreign_key="initiative.id", index=True, ondelete="CASCADE")
    status: str = Field(max_length=16)
    actor_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(sa_type=UTCDateTime)


class AttachmentStatus:
    PENDING = "pending"  # the reference is kept; the bytes are not fetched yet
    STORED = "stored"  # the bytes are in the attachments folder, checked
    REFUSED = "refused"  # the fetched bytes broke a limit; nothing was kept


class InitiativeAttachment(SQLModel, table=True):
    """A photo or file: metadata here, the bytes in THIDUA_ATTACHMENTS_DIR, never in the
    database."""

    __tablename__ = "initiative_attachment"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused (issue 15)

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(foreign_key="initiative.id", index=True, ondelete="CASCADE")
    platform: str = Field(max_length=16)
    kind: str = Field(max_length=16)
    ref: str = Field(sa_column=Column(Text, nullable=False))
    name: str | None = Field(default=None, max_length=255)
    mime: str | None = Field(default=None, max_length=100)
    size: int | None = Field(default=None, sa_type=BigInteger)
    status: str = Field(default=AttachmentStatus.PENDING, max_length=16)
    stored_path: str | None = Field(default=None, max_length=300)
    sha256: str | None = Field(default=None, max_length=64)
    problem: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(sa_type=UTCDateTime)


class RewardTable(SQLModel, table=True):
    """A grassroots unit's reward table from its collective labour agreement, in force from
    `effective_from` until a later table's date."""

    __tablename__ = "reward_table"
    __table_args__ = (
        UniqueConstraint("unit_id", "effective_from", name="uq_reward_table_unit_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="union_unit.id", index=True)
    effective_from: date = Field(sa_type=Date)
    vnd_per_hour: int = Field(default=0, sa_type=BigInteger)  # the value of an hour saved
    created_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_type=UTCDateTime)


class RewardBand(SQLModel, table=True):
    __tablename__ = "reward_band"

    id: int | None = Field(default=None, primary_key=True)
    table_id: int = Field(foreign_key="reward_table.id", index=True, ondelete="CASCADE")
    min_vnd: int = Field(sa_type=BigInteger)
    max_vnd: int | None = Field(default=None, sa_type=BigInteger)
    reward_vnd: int = Field(sa_type=BigInteger)
    points: int


class NamePreference(SQLModel, table=True):
    """Whether a member's name may appear in public announcements (initiatives accepted,
    commendations). No row: not asked yet."""

    __tablename__ = "name_preference"

    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    show_name: bool
    updated_at: datetime = Field(sa_type=UTCDateTime)
