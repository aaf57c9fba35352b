"""Emulation blocks (cụm, khối thi đua) and the evaluations of the level above (issue #17).

An upper-level union groups comparable grassroots unions below it into a block, for one
campaign or for a calendar year; a unit is in at most one block of a campaign (`scope` is
"c<campaign id>" or "y<year>", unique with the unit). An evaluation is one evaluator's value
for a unit's figure on a criterion for a period: rows are only added, each naming the one it
follows (`previous_id`, 0 for the first), unique within its `chain`, so two evaluators who
both saw the same latest value cannot both save (the optimistic check) and the history stays."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Date, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.emulation.models import Fixed4
from core.storage.types import UTCDateTime


class BlockKind(StrEnum):
    INDUSTRIAL_ZONE = "industrial_zone"  # cụm theo khu công nghiệp
    SECTOR = "sector"  # khối theo ngành
    ENTERPRISE_TYPE = "enterprise_type"  # khối theo loại hình doanh nghiệp
    OTHER = "other"


class EmulationBlock(SQLModel, table=True):
    __tablename__ = "emulation_block"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    owner_unit_id: int = Field(foreign_key="union_unit.id", index=True)
    name: str = Field(max_length=200)
    kind: str = Field(sa_type=String(20))  # BlockKind
    campaign_id: int | None = Field(
        default=None, foreign_key="campaign.id", index=True, ondelete="CASCADE"
    )
    year: int | None = None  # a block for the year: every campaign starting that year
    created_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class BlockUnit(SQLModel, table=True):
    __tablename__ = "emulation_block_unit"
    __table_args__ = (UniqueConstraint("scope", "unit_id", name="uq_block_unit_scope"),)

    block_id: int = Field(foreign_key="emulation_block.id", primary_key=True, ondelete="CASCADE")
    unit_id: int = Field(foreign_key="union_unit.id", primary_key=True)
    scope: str = Field(sa_type=String(16))  # "c12" (a campaign) or "y2027" (a year)


class Evaluation(SQLModel, table=True):
    __tablename__ = "emulation_evaluation"
    __table_args__ = (
        UniqueConstraint("chain", "previous_id", name="uq_evaluation_chain_previous"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    chain: str = Field(max_length=80, index=True)  # first criterion version:period:unit
    previous_id: int = 0  # the evaluation this one follows (0: the first)
    block_id: int = Field(foreign_key="emulation_block.id", ondelete="CASCADE")
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    criterion_id: int = Field(foreign_key="emulation_criterion.id")
    period: str = Field(sa_type=String(8))
    unit_id: int = Field(foreign_key="union_unit.id")
    value: Decimal = Field(sa_type=Fixed4)
    self_value: Decimal | None = Field(default=None, sa_type=Fixed4)  # as self-assessed then
    reason: str = Field(default="", max_length=500)
    evaluated_by: int = Field(foreign_key="member.id", ondelete="RESTRICT")
    evaluated_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class EvaluationCall(SQLModel, table=True):
    """A campaign's period ending on `due_on`, as its evaluators were told of it: the call to
    score the units of their blocks went out once (core/emulation/eval_calls.py)."""

    __tablename__ = "emulation_evaluation_call"

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True, ondelete="CASCADE")
    due_on: date = Field(sa_type=Date, primary_key=True)
    called_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
