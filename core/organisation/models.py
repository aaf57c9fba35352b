"""The roster a union keeps of its members, and the record of changes to its tree."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, String, Text
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.members.models import WorkerGroup
from core.storage.types import UTCDateTime


class RosterEntry(SQLModel, table=True):
    """One person on a unit's roster (danh sách đoàn viên), as imported from the union's file.

    The keys a person is recognised by when they join by chat: the card number, the phone, or
    the folded name with the birth date. `member_id` is set once they are matched.
    """

    __tablename__ = "roster_entry"
    __table_args__ = (
        Index("ix_roster_entry_unit_name", "unit_id", "name_key"),
        Index("ix_roster_entry_card", "card"),
        Index("ix_roster_entry_phone", "phone"),
    )

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="union_unit.id", index=True)
    full_name: str = Field(max_length=100)
    name_key: str = Field(max_length=100)  # folded: no case, no diacritics
    worker_group: WorkerGroup | None = Field(default=None, sa_type=String(32))
    holds_leadership_post: bool | None = None
    birth_date: date | None = None
    card: str | None = Field(default=None, max_length=20)
    phone: str | None = Field(default=None, max_length=16)
    gender: str | None = Field(default=None, max_length=8)
    member_id: int | None = Field(
        default=None, foreign_key="member.id", index=True, ondelete="SET NULL"
    )
    imported_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class UnitChange(SQLModel, table=True):
    """Who changed a unit, when, and what it was before and after (JSON)."""

    __tablename__ = "unit_change"

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="union_unit.id", index=True)
    action: str = Field(max_length=16)  # create, update, move, rename, merge, close
    by_member_id: int | None = Field(
        default=None, foreign_key="member.id", ondelete="SET NULL"
    )  # None: the operator (CLI)
    before: str | None = Field(default=None, sa_type=Text)
    after: str | None = Field(default=None, sa_type=Text)
    at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
