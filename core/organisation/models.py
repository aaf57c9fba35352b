"""The record of changes to the union tree."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.storage.types import UTCDateTime


class UnitChange(SQLModel, table=True):
    """Who changed a unit, when, and what it was before and after (JSON)."""

    __tablename__ = "unit_change"

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="union_unit.id", index=True)
    action: str = Field(max_length=16)  # create, update, move, merge, close, join_mode, officer_…
    by_member_id: int | None = Field(
        default=None, foreign_key="member.id", ondelete="SET NULL"
    )  # None: the operator (CLI)
    before: str | None = Field(default=None, sa_type=Text)
    after: str | None = Field(default=None, sa_type=Text)
    at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
