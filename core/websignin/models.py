"""One-time sign-in codes for the officer web UI. Only the SHA-256 of a code is kept."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.storage.types import UTCDateTime


class WebSigninCode(SQLModel, table=True):
    __tablename__ = "web_signin_code"

    code_hash: str = Field(primary_key=True, max_length=64)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
