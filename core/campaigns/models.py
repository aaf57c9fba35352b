"""Campaigns and officer API tokens."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, String, Text
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.storage.types import UTCDateTime


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"  # its launch announcement goes out at the broadcast's time
    RUNNING = "running"
    CLOSED = "closed"


class Campaign(SQLModel, table=True):
    """A unit's emulation campaign (phong trào thi đua). `target_groups` is a comma-separated
    list of WorkerGroup values; empty means every group."""

    __tablename__ = "campaign"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused (issue 15)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="union_unit.id", index=True)
    include_subtree: bool = True
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    criteria: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    target_groups: str = Field(default="", max_length=200)
    starts_on: date = Field(sa_type=Date)
    ends_on: date = Field(sa_type=Date)
    status: CampaignStatus = Field(default=CampaignStatus.DRAFT, sa_type=String(16), index=True)
    remind_days_before: int = 3
    created_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    updated_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    launched_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reminder_done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class OfficerToken(SQLModel, table=True):
    """A bearer token for the admin API. Only its SHA-256 is kept; the token is shown once."""

    __tablename__ = "officer_token"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # None: no end
