"""A call sent outside any conversation (to report, to pledge) becomes the choices a typed
answer names, as a reply's would: on a messenger without buttons (Zalo's Bot Platform) the
call shows "1. Báo cáo ngay", and the person's "1" must start the report, not the main
menu's first item. Only where no conversation is under way: a flow keeps its own question."""

from __future__ import annotations

from sqlmodel import Session, col, select

from core import conversation
from core.errors import ConcurrencyConflict
from core.members.models import Identity
from core.messages import OutgoingMessage


def offer(session: Session, *, member_id: int, message: OutgoingMessage) -> None:
    """Remember `message` as the last choices offered on each of the member's messengers."""
    if not message.buttons:
        return
    identities = session.exec(
        select(Identity.id).where(
            Identity.member_id == member_id, col(Identity.blocked_at).is_(None)
        )
    )
    for identity_id in identities:
        conv = conversation.load(session, identity_id)  # type: ignore[arg-type]
        if conv.flow is not None:
            continue
        conv.offer(message)
        try:
            with session.begin_nested():  # a savepoint: a conflict leaves the call queued
                conversation.save(session, conv)
        except ConcurrencyConflict:
            continue  # they are writing right now: the reply they get offers its own choices
