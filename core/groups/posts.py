"""Which linked group chats a broadcast is also posted in, and the posting itself.

A group linked to a unit gets what the unit's members get as a whole: launches, announcements
(reviews, closings, commendations, initiatives accepted) of the unit, or of a unit above it
when the broadcast covers its subtree. Not a broadcast aimed at some worker groups only (the
group chat holds everyone), nor the automatic reminders. A group whose bot was removed, or
that was unlinked, gets nothing.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Protocol

from sqlalchemy import insert
from sqlmodel import Session, col, select

from core.groups.models import BroadcastGroup, GroupChat
from core.members.models import Identity, UnionUnit
from core.storage.models import OutboxMessage, OutboxStatus

POSTED_KINDS = frozenset({"launch", "message"})  # BroadcastKind: not the reminders


def reachable(
    session: Session, *, unit: UnionUnit, include_subtree: bool
) -> list[tuple[GroupChat, Identity]]:
    """The linked groups of `unit` (and of the units below it) that the bot can post in."""
    query = (
        select(GroupChat, Identity)
        .join(Identity, col(Identity.id) == GroupChat.identity_id)
        .join(UnionUnit, col(UnionUnit.id) == GroupChat.unit_id)
        .where(col(GroupChat.unlinked_at).is_(None), col(Identity.blocked_at).is_(None))
    )
    if include_subtree:
        query = query.where(col(UnionUnit.path).startswith(unit.path))
    else:
        query = query.where(col(GroupChat.unit_id) == unit.id)
    return list(session.exec(query.order_by(col(GroupChat.id))).all())


def planned(
    session: Session, *, unit: UnionUnit, include_subtree: bool, targeted: bool
) -> dict[str, int]:
    """How many groups per messenger a launch or an announcement to this audience reaches."""
    if targeted:
        return {}
    found = reachable(session, unit=unit, include_subtree=include_subtree)
    return dict(Counter(group.platform for group, _identity in found))


def key_of(broadcast_id: int, group_id: int) -> str:
    """The outbox key of a broadcast's post in a group ("bc:<id>:" like its members' rows,
    so the broadcast is finished only once the groups have it too)."""
    return f"bc:{broadcast_id}:g{group_id}"


class Posted(Protocol):
    """What of a broadcast decides where it is posted (core.broadcasts.models.Broadcast)."""

    id: int | None
    kind: str
    unit_id: int
    include_subtree: bool
    target_groups: str


def post(session: Session, *, broadcast: Posted, body: str, now: datetime) -> int:
    """Queue the broadcast's post in each group it reaches (once: a second call finds the
    rows); returns how many were queued now."""
    if broadcast.kind not in POSTED_KINDS or broadcast.target_groups:
        return 0
    unit = session.get(UnionUnit, broadcast.unit_id)
    if unit is None:
        return 0
    done = set(
        session.exec(
            select(BroadcastGroup.group_id).where(BroadcastGroup.broadcast_id == broadcast.id)
        )
    )
    found = [
        (group, identity)
        for group, identity in reachable(
            session, unit=unit, include_subtree=broadcast.include_subtree
        )
        if group.id not in done
    ]
    if not found:
        return 0
    assert broadcast.id is not None
    rows = [(group, identity, key_of(broadcast.id, group.id)) for group, identity in found]  # type: ignore[arg-type]
    session.execute(
        insert(BroadcastGroup),
        [
            {
                "broadcast_id": broadcast.id,
                "group_id": group.id,
                "platform": group.platform,
                "dedupe_key": key,
            }
            for group, _identity, key in rows
        ],
    )
    session.execute(
        insert(OutboxMessage),
        [
            {
                "identity_id": identity.id,
                "platform": identity.platform,
                "body": body,
                "proactive": True,
                "status": OutboxStatus.PENDING,
                "attempts": 0,
                "dedupe_key": key,
                "next_attempt_at": now,
                "created_at": now,
            }
            for _group, identity, key in rows
        ],
    )
    return len(rows)
