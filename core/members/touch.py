"""Who wrote: for a batch of updates, the identities of its writers, their members, their
conversation states and whether anything is held for each person, in one statement; and the
touch of `last_inbound_at`, written for the whole batch at once.

The statements are built once at import, so SQLAlchemy compiles each once (its compiled cache
is keyed on the statement's structure). The ORM loads the identity and the member because the
handlers read and change them; everything else is Core.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, exists, or_, tuple_, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from core.members.models import Identity, Member
from core.storage.models import ConversationState, OutboxMessage, OutboxStatus
from core.storage.prepared import Prepared


@dataclass
class Writer:
    """An update's sender as processing needs them."""

    identity: Identity
    member: Member | None
    conversation: tuple[str | None, str | None, str | None, int | None]  # flow, step, data, version
    holds_messages: bool  # something is held for the person on one of their messengers


_outbox = OutboxMessage.__table__  # type: ignore[attr-defined]
_conv = ConversationState.__table__  # type: ignore[attr-defined]
_linked = aliased(Identity)
# The per-person flag "something is held", computed where it is read rather than stored:
# holding happens in delivery and in the broadcast fan-out, and a stored flag could go stale.
# Both probes are index lookups (ix_outbox_identity, ix_identity_member_id).
_HOLDS = or_(
    exists().where(_outbox.c.identity_id == Identity.id, _outbox.c.status == OutboxStatus.HELD),
    exists().where(
        _linked.member_id == Identity.member_id,
        _outbox.c.identity_id == _linked.id,
        _outbox.c.status == OutboxStatus.HELD,
    ),
)
_FIND = (
    select(Identity, Member, _conv.c.flow, _conv.c.step, _conv.c.data, _conv.c.version, _HOLDS)
    .outerjoin(Member, Member.id == Identity.member_id)  # type: ignore[arg-type]
    .outerjoin(_conv, _conv.c.identity_id == Identity.id)
    .where(
        tuple_(Identity.platform, Identity.platform_user_id).in_(
            bindparam("senders", expanding=True)
        )
    )
)
_TOUCH = Prepared(  # a batch's touches at once, on the cursor (core/storage/prepared.py)
    update(Identity.__table__)  # type: ignore[attr-defined]
    .where(Identity.__table__.c.id == bindparam("b_id"))  # type: ignore[attr-defined]
    .values(last_inbound_at=bindparam("last_inbound_at"), blocked_at=bindparam("blocked_at")),
    key=("b_id",),
)


def find_writers(
    session: Session, senders: Collection[tuple[str, str]]
) -> dict[tuple[str, str], Writer]:
    """The writers of a batch by (platform, platform user id); first-time writers are absent."""
    if not senders:
        return {}
    found: dict[tuple[str, str], Writer] = {}
    for identity, member, flow, step, data, version, holds in session.execute(
        _FIND, {"senders": sorted(senders)}
    ):
        key = (identity.platform, identity.platform_user_id)
        found[key] = Writer(identity, member, (flow, step, data, version), bool(holds))
    return found


def new_writer(session: Session, *, platform: str, platform_user_id: str, now: datetime) -> Writer:
    """First contact: the identity is created (the ORM way: it happens once per person)."""
    identity = Identity(
        platform=platform, platform_user_id=platform_user_id, first_seen_at=now, last_inbound_at=now
    )
    session.add(identity)
    session.flush()
    return Writer(identity, None, (None, None, None, None), False)


def mark_seen(identity: Identity, *, now: datetime, blocked: bool) -> dict[str, object]:
    """Set the touch on the loaded identity without making it dirty; returns the parameters
    of its row's update, which `record_touches` writes for the batch."""
    blocked_at = now if blocked else None
    set_committed_value(identity, "last_inbound_at", now)
    set_committed_value(identity, "blocked_at", blocked_at)
    return {"b_id": identity.id, "last_inbound_at": now, "blocked_at": blocked_at}


def record_touches(connection: Connection, touches: Iterable[dict[str, object]]) -> None:
    """One statement for the batch: writing again unblocks an identity, leaving blocks it."""
    latest = {touch["b_id"]: touch for touch in touches}  # a person's last update wins
    if latest:
        _TOUCH.many(connection, list(latest.values()))
