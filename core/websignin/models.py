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


class WebSession(SQLModel, table=True):
    """A signed-in desk session. The browser's cookie carries a random token; only its SHA-256
    is kept here, so a copy of the database signs nobody in. Sign-out, the end of the
    officer's last role and /forget end it; it ends by itself at `expires_at`."""

    __tablename__ = "web_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    last_seen_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
