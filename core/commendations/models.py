"""Commendations of a person or a team, and who is commended."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, String, Text
from sqlmodel import Field, SQLModel

from core.storage.types import UTCDateTime


class CommendationStatus(StrEnum):
    NOMINATED = "nominated"
    APPROVED = "approved"
    REJECTED = "rejected"


class Commendation(SQLModel, table=True):
    __tablename__ = "commendation"
    __table_args__ = (
        Index("ix_commendation_unit_status", "unit_id", "status"),
        {"sqlite_autoincrement": True},  # ids never reused (issue 15)
    )

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="union_unit.id")
    team_name: str | None = Field(default=None, max_length=120)  # None: one person
    reason: str = Field(sa_column=Column(Text, nullable=False))
    adhoc: bool = False  # khen thưởng đột xuất
    status: CommendationStatus = Field(default=CommendationStatus.NOMINATED, sa_type=String(16))
    nominated_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    by_officer: bool = False
    points: int = 0
    decided_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reject_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    announced_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    # its form (core.commendations.forms.Form) and issuing level (Level): a title or form
    # confirmed at a campaign's final review (core/emulation/title_proposals.py), or chosen by
    # the officer recording a direct commendation; None when neither was given
    form: str | None = Field(default=None, sa_type=String(12))
    issuing_level: str | None = Field(default=None, sa_type=String(16))


class CommendedMember(SQLModel, table=True):
    """A person commended (alone or in a team), with their group and post at nomination, so
    that the reports do not move when a profile changes later."""

    __tablename__ = "commended_member"

    commendation_id: int = Field(
        foreign_key="commendation.id", primary_key=True, ondelete="CASCADE"
    )
    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="RESTRICT")
    worker_group: str | None = Field(default=None, max_length=32)
    holds_leadership_post: bool | None = None
