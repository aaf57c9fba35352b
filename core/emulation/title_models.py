"""Titles and commendation forms (issue #17): the definitions each union level keeps, with
their thresholds; and, for a closed campaign, thidua's proposals of who meets each one, the
officers' amendments (each with its reason, kept as history) and the confirmed list.

A proposal keeps the name, form and issuing level of its definition as they were when it was
made, so a definition edited later does not change what a council was given."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, String, Text
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.emulation.models import Fixed4
from core.storage.types import UTCDateTime


class TitleDefinition(SQLModel, table=True):
    """A title (danh hiệu) or a commendation form (Giấy khen, Bằng khen) a union level uses,
    for people or for collectives, with the thresholds a candidate must all meet. `subject`,
    `form` and `level` are core.emulation.title_defaults.Subject/Form/Level values; a
    threshold left empty asks nothing."""

    __tablename__ = "emulation_title"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    owner_unit_id: int = Field(foreign_key="union_unit.id", index=True)
    name: str = Field(max_length=200)
    subject: str = Field(sa_type=String(12))
    form: str = Field(sa_type=String(12))
    level: str = Field(sa_type=String(16))
    position: int = 0  # among the same subject and kind, the higher wins
    min_score: Decimal | None = Field(default=None, sa_type=Fixed4)  # % of the points at target
    min_share: Decimal | None = Field(default=None, sa_type=Fixed4)  # % on every criterion
    all_targets: bool = False  # every pledged target met (a union: every criterion's target)
    max_rank: int | None = None  # at most this rank (in the block; a person in their union)
    pledge_title: str | None = Field(default=None, sa_type=String(24))  # pledged this or higher
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    updated_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class TitleRound(SQLModel, table=True):
    """A campaign's proposals: when thidua made them, which definitions it weighed and which
    of them nobody met (ids, comma-separated), and when (and by whom) the list was confirmed,
    once."""

    __tablename__ = "emulation_title_round"

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True, ondelete="CASCADE")
    weighed: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    unmet: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # nobody
    proposed_at: datetime = Field(sa_type=UTCDateTime)
    proposed_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    confirmed_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")


class TitleProposal(SQLModel, table=True):
    """One candidate for one title in a campaign: a person (`member_id`, `unit_id` their
    grassroots union) or a grassroots union (`member_id` None). `status`: proposed, removed
    or confirmed; `origin`: thidua or an officer. A confirmed person's title is also a
    commendation record (`commendation_id`), so it shows in their /mydata."""

    __tablename__ = "emulation_title_proposal"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    title_id: int = Field(foreign_key="emulation_title.id")
    name: str = Field(max_length=200)
    subject: str = Field(sa_type=String(12))
    form: str = Field(sa_type=String(12))
    level: str = Field(sa_type=String(16))
    member_id: int | None = Field(
        default=None, foreign_key="member.id", index=True, ondelete="RESTRICT"
    )
    unit_id: int = Field(foreign_key="union_unit.id")
    score: Decimal | None = Field(default=None, sa_type=Fixed4)  # % of the points at target
    rank: int | None = None
    summary: str = Field(default="", max_length=500)
    origin: str = Field(sa_type=String(8))
    status: str = Field(sa_type=String(10))
    commendation_id: int | None = Field(
        default=None, foreign_key="commendation.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    updated_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class ChangeAction(StrEnum):
    ADDED = "added"  # added by an officer, or put back on the list
    REMOVED = "removed"
    CHANGED = "changed"  # another title


class TitleChange(SQLModel, table=True):
    """An officer's amendment of a proposal (added, removed, title changed), with the reason."""

    __tablename__ = "emulation_title_change"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(
        foreign_key="emulation_title_proposal.id", index=True, ondelete="CASCADE"
    )
    action: str = Field(sa_type=String(10))  # ChangeAction
    before: str | None = Field(default=None, max_length=200)  # the title's name before
    after: str | None = Field(default=None, max_length=200)
    reason: str = Field(max_length=500)
    changed_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    changed_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
