"""The record of changes to the union tree, and the members counted per unit."""

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


class UnitMemberCount(SQLModel, table=True):
    """How many members each unit has, kept by the database itself (triggers of migration
    0027 on `member` and `roster_entry`, in the transaction of every join, move, verification,
    erasure and roster import), so that a federation's members page adds up 1,500 rows
    instead of counting 10^5 members on every request. Only the unit's own members: a
    subtree's counts are the sum over its units. No row: nothing counted yet (all zero)."""

    __tablename__ = "unit_member_count"

    # no foreign key: a merged unit's row stays (at zero), ids are never reused
    unit_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    joined: int = 0  # current members (onboarded, not forgotten)
    verified: int = 0  # of those, found on the roster
    waiting: int = 0  # roster entries nobody has claimed (not removed)
