"""Group chats linked to a union unit, and the posts of broadcasts in them.

A group is reached through an `Identity` of its own (the platform's chat id, no member), so
its posts go through the same outbox, rate limits and delivery records as a person's. Nothing
of the group's members is stored: not who wrote, not what they wrote.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.storage.types import UTCDateTime


class Unlinked(StrEnum):
    """Why a group no longer gets its unit's announcements."""

    OFFICER = "officer"  # an officer unlinked it (desk, admin API)
    REMOVED = "removed"  # the bot was removed from the group, or left it


class GroupChat(SQLModel, table=True):
    __tablename__ = "group_chat"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused (issue 15)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    identity_id: int = Field(foreign_key="identity.id", unique=True, ondelete="CASCADE")
    unit_id: int = Field(foreign_key="union_unit.id", index=True)
    title: str = Field(default="", max_length=200)  # the group's own name, as the platform says
    invite_code: str | None = Field(default=None, max_length=32)  # the private-chat pointer
    linked_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    linked_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    unlinked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    unlink_reason: Unlinked | None = Field(default=None, sa_type=String(16))


class BroadcastGroup(SQLModel, table=True):
    """A broadcast's post in one linked group: the report's line for groups. `dedupe_key` is
    its outbox row's key."""

    __tablename__ = "broadcast_group"
    __table_args__ = (UniqueConstraint("broadcast_id", "group_id", name="uq_broadcast_group"),)

    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int = Field(foreign_key="broadcast.id", ondelete="CASCADE")
    group_id: int = Field(foreign_key="group_chat.id", index=True, ondelete="CASCADE")
    platform: str = Field(max_length=16)
    dedupe_key: str = Field(max_length=200)
