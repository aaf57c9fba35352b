"""One-time codes. Only the SHA-256 of a code is stored; the code is shown once."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.storage.types import UTCDateTime


class CodePurpose(StrEnum):
    LINK = "link"  # attach another messenger to the member who asked (/link)
    CLAIM = "claim"  # attach this messenger to an existing member (demo officers, by the CLI)
    OFFICER = "officer"  # grant the officer role for `unit_id` to the member who uses it
    MYDATA = "mydata"  # one download of the member's data as a file (core/privacy/download.py)
    GROUP = "group"  # link the group chat it is sent in to `unit_id` (core/groups)


class OneTimeCode(SQLModel, table=True):
    __tablename__ = "one_time_code"

    code_hash: str = Field(primary_key=True, max_length=64)
    purpose: CodePurpose = Field(sa_type=String(16))
    member_id: int | None = Field(
        default=None, foreign_key="member.id", index=True, ondelete="CASCADE"
    )
    unit_id: int | None = Field(default=None, foreign_key="union_unit.id")
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class CodeFailure(SQLModel, table=True):
    """A wrong code sent by an identity; too many in an hour and codes are refused there."""

    __tablename__ = "code_failure"
    __table_args__ = (Index("ix_code_failure_identity_at", "identity_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    identity_id: int = Field(foreign_key="identity.id", ondelete="CASCADE")
    at: datetime = Field(sa_type=UTCDateTime)
