"""A campaign's reviews (sơ kết, tổng kết; issue #17): one row per review, with its figures
frozen as they were computed (core/emulation/review.py), so a final review stays what it was
whatever changes later. A campaign has at most one final review (`final_of`, unique: the
campaign's id on its final review, empty on a mid-term one)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, String, Text
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.storage.types import UTCDateTime


class ReviewKind(StrEnum):
    MID = "mid"  # sơ kết: any time while the campaign runs
    FINAL = "final"  # tổng kết: when the campaign closes


class EmulationReview(SQLModel, table=True):
    __tablename__ = "emulation_review"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    kind: str = Field(sa_type=String(8))  # ReviewKind
    final_of: int | None = Field(default=None, unique=True)  # the campaign's id when final
    as_of: date = Field(sa_type=Date)  # the day the figures run to (local)
    created_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    # the figures as computed: core.emulation.review.Review.to_json (ids, never names)
    figures: str = Field(sa_column=Column(Text, nullable=False))
    announce: bool = False  # its announcement is to go to the campaign's members
    broadcast_id: int | None = Field(default=None, foreign_key="broadcast.id", ondelete="SET NULL")
