"""The units' totals for a reporting period as reporters see their standing, kept so that the
reply to a report's last figure reads its unit's total and rank without reading every unit's
figures (core/emulation/unit_totals.py keeps them, core/emulation/unit_standing.py reads them).

A `StandingPeriod` is one set of criteria due (a campaign's criteria in force due on a date,
each with its period): its rows are every unit of the campaign with its total (None while the
unit has no figure counted). A unit's rows are marked `stale` in the transaction that changes
what its total is made of (one of its figures or pledges, a member joining, leaving or moving,
its size), and recomputed for that unit before the next rank is read; a change that can move
many units (the campaign's criteria or audience, a unit moved within it) drops the campaign's
periods, recomputed in full when next asked (core/emulation/total_marks.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.emulation.models import Fixed4
from core.storage.types import UTCDateTime


class StandingPeriod(SQLModel, table=True):
    __tablename__ = "emulation_standing_period"
    __table_args__ = (UniqueConstraint("campaign_id", "due_key"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    due_key: str = Field(sa_type=String(40))  # the criteria due with their periods, hashed
    due_on: date = Field(sa_type=Date)  # a day on which they are due
    computed_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class UnitTotal(SQLModel, table=True):
    __tablename__ = "emulation_unit_total"
    __table_args__ = (
        UniqueConstraint("period_id", "unit_id"),
        Index("ix_emulation_unit_total_campaign_unit", "campaign_id", "unit_id"),
        Index("ix_emulation_unit_total_period_total", "period_id", "total"),
    )

    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="emulation_standing_period.id", ondelete="CASCADE")
    campaign_id: int  # the period's, for marking a unit's rows of every period
    unit_id: int = Field(foreign_key="union_unit.id", ondelete="CASCADE")
    total: Decimal | None = Field(default=None, sa_type=Fixed4)
    stale: int = 0  # bumped by each change, cleared by the recomputation that saw it
