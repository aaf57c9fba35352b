"""Tables of the message path: inbound dedupe, outbox, conversation state, small stores."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, Index, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.storage.types import UTCDateTime


class InboundStatus:
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class InboundUpdate(SQLModel, table=True):
    """One update a platform delivered. The unique key drops the platform's retries.

    `body` holds the parsed message until it is processed, then is cleared: only the ids stay,
    for as long as the platform may redeliver. With `raw`, `body` is the platform's own JSON
    and `sender_id` is empty until the platform's decoder has read it.
    """

    __tablename__ = "inbound_update"
    __table_args__ = (
        UniqueConstraint("platform", "external_id", name="uq_inbound_platform_external"),
        Index("ix_inbound_status_id", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    external_id: str = Field(max_length=128)
    sender_id: str = Field(max_length=128)
    body: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    raw: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    status: str = Field(default=InboundStatus.PENDING, max_length=16)
    attempts: int = 0
    error: str | None = Field(default=None, max_length=500)
    received_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    processed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class OutboxStatus:
    PENDING = "pending"  # due at next_attempt_at
    LEASED = "leased"  # claimed by a worker until lease_until, not handed to the platform yet
    SENDING = "sending"  # handed to the platform: the send may have happened (lease_until)
    SENT = "sent"
    HELD = "held"  # outside the messaging window: waits for the person's next message
    FAILED = "failed"  # final: see last_error
    CANCELLED = "cancelled"


REPLY_KEY = "reply:"
"""The dedupe-key prefix of an update's replies ("reply:<update id>:<n>"), which tells a reply
from a message a service sent on its own (core.offered)."""


class OutboxMessage(SQLModel, table=True):
    """A message to send, written in the same transaction as the change that decided it."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_claim", "platform", "status", "id"),
        Index("ix_outbox_identity", "identity_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    identity_id: int = Field(foreign_key="identity.id", ondelete="CASCADE")
    platform: str = Field(max_length=16)
    body: str = Field(sa_column=Column(Text, nullable=False))
    proactive: bool = False
    status: str = Field(default=OutboxStatus.PENDING, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    dedupe_key: str = Field(max_length=200, unique=True)
    last_error: str | None = Field(default=None, max_length=500)
    error_kind: str | None = Field(default=None, max_length=32)
    external_ids: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Sent again after a send whose outcome was unknown: claimed after a worker lost its lease
    # while the send was in flight, or retried after a call that went out and got no answer
    # (a timeout). The person may have received it that many extra times (shown in the
    # delivery report); an upper bound.
    possible_duplicates: int = Field(
        default=0, sa_column_kwargs={"server_default": "0", "nullable": False}
    )


class ConversationState(SQLModel, table=True):
    """Where one identity is in a guided flow. `version` guards against two quick updates."""

    __tablename__ = "conversation_state"

    identity_id: int = Field(foreign_key="identity.id", primary_key=True, ondelete="CASCADE")
    flow: str | None = Field(default=None, max_length=64)
    step: str | None = Field(default=None, max_length=64)
    data: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    version: int = 0
    updated_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class ButtonPayload(SQLModel, table=True):
    """Long button payloads behind short opaque keys (Telegram allows 64 bytes)."""

    __tablename__ = "button_payload"

    key: str = Field(primary_key=True, max_length=32)
    payload: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class ChannelCredential(SQLModel, table=True):
    """Rotating platform tokens (Zalo) and a channel's health. Never shown to officers."""

    __tablename__ = "channel_credential"

    platform: str = Field(primary_key=True, max_length=16)
    access_token: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    refresh_token: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    access_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = 0
    flagged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    flag_reason: str | None = Field(default=None, max_length=500)
    updated_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class WebchatMessage(SQLModel, table=True):
    """Messages delivered to a web chat session, read by the browser's long poll."""

    __tablename__ = "webchat_message"
    __table_args__ = (
        Index("ix_webchat_session_id", "session_id", "id"),
        {"sqlite_autoincrement": True},  # ids never reused (issue 15)
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(max_length=64)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class AppSecret(SQLModel, table=True):
    """A key the product generates for itself when the operator gave none in the settings
    (the keyed hash of quiz takers, core/storage/secrets.py). Never shown to anyone."""

    __tablename__ = "app_secret"

    name: str = Field(primary_key=True, max_length=32)
    value: str = Field(max_length=128)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
