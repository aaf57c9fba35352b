"""Emulation tables: a campaign's measurable criteria (issue #17).

A criterion is versioned: once its campaign is launched, an edit retires the row and adds its
next version, so the pledges and reports made against the old version keep it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, String
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
