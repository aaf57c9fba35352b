"""The choices a typed answer names when no conversation is under way, when the newest message
the person was sent came outside a reply: an announcement's «Vào thi», a call to report or to
pledge, news of their initiative. On a messenger without buttons (Zalo's Bot Platform) such a
message shows "1. Vào thi", and the person's "1" (or "vao thi") must answer it, not the choices
of the reply before it (the main menu), which the conversation keeps as its prompt.

Read from the outbox when the typed text arrives, so that every message with buttons queued
by any service is covered without the service doing anything: the identity's newest rows, newest
first; a reply ends the search (its choices are the conversation's prompt), a message not sent
yet (pending, or held outside the messaging window) has not been seen and is passed over.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlmodel import Session

from core.chat.render import choices_of
from core.held import HeldWrites
from core.messages import OutgoingMessage
from core.storage.models import REPLY_KEY, OutboxMessage, OutboxStatus

LOOK_BACK = 5  # the newest rows read: a message that offered choices is among the last few
_outbox = OutboxMessage.__table__  # type: ignore[attr-defined]
# Built once (it runs for every text typed outside a conversation: building it and its cache
# key each time cost more than the query, bench/processing_p6.py).
_NEWEST = (
    select(_outbox.c.dedupe_key, _outbox.c.status, _outbox.c.body)
    .where(_outbox.c.identity_id == bindparam("identity_id"))
    .order_by(_outbox.c.id.desc())
    .limit(LOOK_BACK)
)


def newest_unanswered(
    session: Session, identity_id: int, held: HeldWrites | None = None
) -> OutgoingMessage | None:
    """The newest message sent to this identity after its last reply, if it offered choices.
    `held`: the batch's held writes (core/held.py); a reply held there for the person is their
    newest reply and ends the search as a written one does, without a query (what else the
    batch holds is never an outbox row, so nothing needs writing first)."""
    if held is not None and held.holds_reply_for(identity_id):
        return None
    session.flush()  # as a query through the ORM would
    rows = session.connection().execute(_NEWEST, {"identity_id": identity_id}).all()
    for key, status, body in rows:
        if key.startswith(REPLY_KEY):
            return None
        if status != OutboxStatus.SENT or not body:  # unseen, or its text purged
            continue
        message = OutgoingMessage.from_json(body)
        if choices_of(message):
            return message
    return None
