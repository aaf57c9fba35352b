"""Emulation tables: a campaign's measurable criteria, its call to pledge and the members'
pledges (issue #17).

A criterion is versioned: once its campaign is launched, an edit retires the row and adds its
next version, so the pledges and reports made against the old version keep it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Date, Index, String, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.storage.types import UTCDateTime

SCALE = Decimal(10_000)


class Fixed4(TypeDecorator[Decimal]):
    """An exact decimal with four places kept as a whole number of ten-thousandths: the same
    on SQLite (which has no decimal type) and PostgreSQL, and never a float on the way."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return int((Decimal(value) * SCALE).to_integral_value())

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / SCALE).normalize() + 0


class EmulationCriterion(SQLModel, table=True):
    """One measurable criterion of a campaign. `kind`, `reporter` and `frequency` are the
    values of core.emulation.scoring.Kind and core.emulation.templates.Reporter/Frequency."""

    __tablename__ = "emulation_criterion"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    position: int = 0
    name: str = Field(max_length=200)
    kind: str = Field(sa_type=String(12))
    measure: str = Field(default="", max_length=60)  # the unit of a number: "%", "vụ"
    target: Decimal | None = Field(default=None, sa_type=Fixed4)
    points: Decimal = Field(sa_type=Fixed4)
    per_member: bool = False
    lower_is_better: bool = False
    reporter: str = Field(sa_type=String(12))
    frequency: str = Field(sa_type=String(12))
    evidence: bool = False
    version: int = 1
    replaces_id: int | None = Field(default=None, foreign_key="emulation_criterion.id")
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class PledgeCall(SQLModel, table=True):
    """A campaign's call to register (đăng ký thi đua): until when, and when its invitation
    and its reminder went out (each once)."""

    __tablename__ = "emulation_pledge_call"

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True, ondelete="CASCADE")
    deadline: date = Field(sa_type=Date)
    invited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class EmulationPledge(SQLModel, table=True):
    """A member's pledge in a campaign: the title aimed for and, beside it, their targets."""

    __tablename__ = "emulation_pledge"
    __table_args__ = (
        UniqueConstraint("campaign_id", "member_id"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="RESTRICT")
    title: str = Field(sa_type=String(24))  # core.emulation.titles.Title
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    updated_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class PledgeTarget(SQLModel, table=True):
    """A target pledged on one criterion, on the version of it in force at the time."""

    __tablename__ = "emulation_pledge_target"

    pledge_id: int = Field(foreign_key="emulation_pledge.id", primary_key=True, ondelete="CASCADE")
    criterion_id: int = Field(foreign_key="emulation_criterion.id", primary_key=True)
    value: Decimal = Field(sa_type=Fixed4)


class ReportCall(SQLModel, table=True):
    """A campaign's reporting period ending on `due_on`: when its call to report and its
    reminder of late reports went out (each once)."""

    __tablename__ = "emulation_report_call"

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True, ondelete="CASCADE")
    due_on: date = Field(sa_type=Date, primary_key=True)
    prompted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class EmulationReport(SQLModel, table=True):
    """One figure reported for a period on one criterion (the version in force then): a
    member's own (`member_id`) or their grassroots union's (`member_id` None), reported by
    `reported_by`. A correction adds a row and marks this one superseded: history stays.
    The evidence is the platform's reference to the photo; its bytes are fetched, checked
    against the attachment limits and kept in the attachments folder (core.emulation.evidence)."""

    __tablename__ = "emulation_report"
    __table_args__ = (
        # a block's unions' figures for a period (core/emulation/block_ranking.py: cells)
        Index("ix_emulation_report_unit_period", "unit_id", "period"),
        # a campaign's figures of one period (core/emulation/unit_standing.py)
        Index("ix_emulation_report_campaign_period", "campaign_id", "period"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    criterion_id: int = Field(foreign_key="emulation_criterion.id", index=True)
    period: str = Field(sa_type=String(8))  # core.emulation.periods.Period.key: 2026-12, 2026-Q4
    unit_id: int = Field(foreign_key="union_unit.id", index=True)
    member_id: int | None = Field(
        default=None, foreign_key="member.id", index=True, ondelete="RESTRICT"
    )
    reported_by: int = Field(foreign_key="member.id", ondelete="RESTRICT")
    value: Decimal = Field(sa_type=Fixed4)
    late: bool = False
    evidence_platform: str | None = Field(default=None, sa_type=String(16))
    evidence_ref: str | None = Field(default=None, max_length=2000)
    evidence_name: str | None = Field(default=None, max_length=200)
    evidence_size: int | None = None
    # core.emulation.evidence: pending (to fetch), stored (checked, kept), refused
    evidence_status: str | None = Field(default=None, sa_type=String(12))
    evidence_path: str | None = Field(default=None, max_length=300)  # under the attachments dir
    evidence_sha256: str | None = Field(default=None, max_length=64)
    evidence_problem: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    superseded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    superseded_by: int | None = Field(default=None, foreign_key="emulation_report.id")


# the units' kept period totals are marked stale or dropped on every Session's writes
import core.emulation.total_marks  # noqa: E402, F401
