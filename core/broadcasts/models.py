"""Broadcasts and their recipients (one row per member: the report's ground truth)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.storage.types import UTCDateTime


class BroadcastKind(StrEnum):
    LAUNCH = "launch"
    MESSAGE = "message"
    REMINDER = "reminder"
    QUIZ = "quiz"  # a quiz opened to its audience, with the button that starts it


class BroadcastStatus(StrEnum):
    SCHEDULED = "scheduled"  # waits for scheduled_at
    QUEUING = "queuing"  # being fanned out to the outbox in batches (fanout_cursor)
    QUEUED = "queued"  # every recipient has its outbox row or its skip reason
    FINISHED = "finished"  # queued, and nothing is left to send (finished_at)
    CANCELLED = "cancelled"


class Reach(StrEnum):
    """How the chosen messenger can reach a member, as planned before confirming."""

    NOW = "now"
    TEMPLATE = "template"  # only by an approved template (Zalo beyond 7 days)
    NEXT_MESSAGE = "next_message"  # outside the window: held until the member writes
    UNREACHABLE = "unreachable"


class SkipReason(StrEnum):
    NO_CONSENT = "no_consent"  # withdrew consent to announcements (/stop)
    BLOCKED = "blocked"  # blocked the bot or left on every messenger
    NO_MESSENGER = "no_messenger"  # has no messenger linked


class Broadcast(SQLModel, table=True):
    __tablename__ = "broadcast"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused (issue 15)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=100, unique=True)  # "launch:12": a relaunch finds the same row
    kind: BroadcastKind = Field(sa_type=String(16))
    campaign_id: int | None = Field(
        default=None, foreign_key="campaign.id", index=True, ondelete="CASCADE"
    )
    unit_id: int = Field(foreign_key="union_unit.id", index=True)
    include_subtree: bool = True
    target_groups: str = Field(default="", max_length=200)
    text: str = Field(sa_column=Column(Text, nullable=False))
    # the buttons under the text, as JSON [{"label", "payload"}] ("": none)
    buttons: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    status: BroadcastStatus = Field(sa_type=String(16), index=True)
    scheduled_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    fanout_cursor: int = 0  # the last member id fanned out
    audience: int = 0
    created_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    queued_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class BroadcastRecipient(SQLModel, table=True):
    """One member of a broadcast's audience. `dedupe_key` is the outbox row's key (the row
    may be re-created by the hand-over, the key stays)."""

    __tablename__ = "broadcast_recipient"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "member_id", name="uq_broadcast_member"),
        Index("ix_broadcast_recipient_unit", "broadcast_id", "unit_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int = Field(foreign_key="broadcast.id", ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="RESTRICT")
    unit_id: int
    platform: str | None = Field(default=None, max_length=16)
    reach: Reach = Field(sa_type=String(16))
    skip_reason: SkipReason | None = Field(default=None, sa_type=String(16))
    dedupe_key: str | None = Field(default=None, max_length=200)
    # the messenger the announcement could not reach them on, when it went by fallback on
    # `platform` instead (core/delivery_fallback.py)
    fallback_from: str | None = Field(default=None, max_length=16)
