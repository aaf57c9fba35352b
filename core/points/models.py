"""The ledger (immutable rows) and the materialised scores the rankings read.

Scopes name what a score is counted over: "all", "week:2026-W48", "month:2026-11",
"campaign:12", "quiz:7". `member_score` and `unit_score` hold one row per scope and member or
unit; `score_histogram` counts members per score (level 0: exact points, level 1: bands of
`BAND` points) so that "my rank" sums a few hundred rows instead of counting everyone above.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.storage.types import UTCDateTime


class PointsSource(StrEnum):
    QUIZ_ANSWER = "quiz_answer"
    INITIATIVE = "initiative"  # an accepted initiative (issue 8)
    COMMENDATION = "commendation"
    PARTICIPATION = "participation"


class PointsEntry(SQLModel, table=True):
    """One award. Never updated nor deleted by the product (a correction is a new row)."""

    __tablename__ = "points_ledger"
    __table_args__ = (
        UniqueConstraint("source", "source_id", name="uq_points_source"),
        Index("ix_points_member", "member_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", ondelete="RESTRICT")
    unit_id: int = Field(foreign_key="union_unit.id")  # the member's unit at the time
    points: int
    source: PointsSource = Field(sa_type=String(24))
    source_id: str = Field(max_length=64)
    campaign_id: int | None = Field(default=None, index=True)
    extra_scope: str | None = Field(default=None, max_length=32)  # e.g. "quiz:7"
    created_at: datetime = Field(sa_type=UTCDateTime)


class MemberScore(SQLModel, table=True):
    """A member's total in one scope; `reached_at` is when they reached it (tie-break)."""

    __tablename__ = "member_score"
    __table_args__ = (
        Index("ix_member_score_rank", "scope", "points", "reached_at", "member_id"),
        Index("ix_member_score_member", "member_id"),
    )

    scope: str = Field(primary_key=True, max_length=32)
    member_id: int = Field(primary_key=True, foreign_key="member.id", ondelete="RESTRICT")
    unit_id: int = Field(foreign_key="union_unit.id")
    points: int = 0
    entries: int = 0
    reached_at: datetime = Field(sa_type=UTCDateTime)


class ScoreHistogram(SQLModel, table=True):
    """How many members of a scope hold a score (level 0) or a score band (level 1)."""

    __tablename__ = "score_histogram"

    scope: str = Field(primary_key=True, max_length=32)
    level: int = Field(primary_key=True)
    key: int = Field(primary_key=True)
    members: int = 0


class UnitScore(SQLModel, table=True):
    """A unit's points, how many of its members took part, and its member count."""

    __tablename__ = "unit_score"

    scope: str = Field(primary_key=True, max_length=32)
    unit_id: int = Field(primary_key=True, foreign_key="union_unit.id")
    points: int = 0
    participants: int = 0
    members: int = 0
    reached_at: datetime = Field(sa_type=UTCDateTime)
