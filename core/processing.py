"""Processing one stored update: one unit of work, the dispatcher, the outbox, one commit."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core import conversation, outbox
from core.dispatch import ChatConfig, Context, Dispatcher, reply
from core.errors import ConcurrencyConflict
from core.i18n import Catalogs
from core.members import contact
from core.members import service as members
from core.members.models import Member
from core.messages import InboundKind, IncomingMessage, OutgoingMessage, RawUpdate
from core.ports import Clock, InboundDecoder
from core.storage import inbound
from core.storage.models import ButtonPayload, InboundStatus, InboundUpdate
from core.storage.spool import InboundSpool
from core.text import MAX_INBOUND_TEXT, clean

log = logging.getLogger(__name__)

CONFLICT_RETRIES = 5
LEASE = timedelta(seconds=60)


@dataclass
class Processor:
    engine: Engine
    dispatcher: Dispatcher
    catalogs: Catalogs
    config: ChatConfig
    clock: Clock
    decoders: dict[str, InboundDecoder] = field(default_factory=dict)  # raw updates, by platform
    spool: InboundSpool | None = None  # SQLite: raw updates wait in a file of their own

    def store(self, messages: Sequence[IncomingMessage]) -> int:
        return inbound.store(self.engine, messages, self.clock.now())

    def store_raw(self, updates: Sequence[RawUpdate]) -> None:
        if self.spool is not None:
            self.spool.append(updates)
        else:
            inbound.store_raw(self.engine, updates, self.clock.now())

    def process_pending(self, limit: int = 50) -> int:
        """Claim and process a batch; returns how many updates were handled."""
        if self.spool is not None:
            self.spool.move_into(self.engine, self.clock.now())
        ids = inbound.claim(self.engine, now=self.clock.now(), limit=limit, lease=LEASE)
        for inbound_id in ids:
            self.process(inbound_id)
        return len(ids)

    def process(self, inbound_id: int) -> None:
        for _attempt in range(CONFLICT_RETRIES):
            try:
                self._process_once(inbound_id)
                return
            except ConcurrencyConflict:
                log.info("conversation conflict on inbound %s; retrying", inbound_id)
            except UnreadableUpdate as exc:
                log.warning("inbound %s could not be read: %s", inbound_id, exc)
                self._fail(inbound_id, f"unreadable update: {exc}"[:500])
                return
            except Exception:
                log.exception("handler failed on inbound %s", inbound_id)
                self._fail(inbound_id, "handler error")
                return
        self._fail(inbound_id, "conversation kept changing")

    def _process_once(self, inbound_id: int) -> None:
        now = self.clock.now()
        with Session(self.engine) as session, session.begin():
            row = session.get(InboundUpdate, inbound_id)
            if row is None or row.status in (InboundStatus.DONE, InboundStatus.FAILED):
                return
            if row.body is None:
                row.status = InboundStatus.DONE
                return
            message = self._message_of(session, row)
            if message is None:  # a raw update of a kind that is acknowledged and ignored
                self._finish(row, now)
                return
            identity = members.touch_identity(
                session, platform=row.platform, platform_user_id=row.sender_id, now=now
            )
            if message.kind == InboundKind.UNFOLLOW:
                identity.blocked_at = now
                replies: list[OutgoingMessage] = []
            elif message.kind == InboundKind.UNBLOCKED:
                replies = []
            else:
                replies = self._dispatch(session, message, identity, now)
            outbox.enqueue(
                session,
                identity=identity,
                messages=replies,
                dedupe_prefix=f"reply:{row.id}",
                now=now,
            )
            if message.kind != InboundKind.UNFOLLOW:
                outbox.release_held(session, identity_id=identity.id, now=now)  # type: ignore[arg-type]
            self._finish(row, now)

    @staticmethod
    def _finish(row: InboundUpdate, now: datetime) -> None:
        row.status = InboundStatus.DONE
        row.body = None  # the text is not kept once answered
        row.processed_at = now
        row.lease_until = None

    def _decode(self, row: InboundUpdate) -> IncomingMessage | None:
        decoder = self.decoders.get(row.platform)
        if decoder is None:
            raise UnreadableUpdate(f"no decoder for {row.platform} in this process")
        try:
            return decoder.decode(row.body or "")
        except ValueError as exc:
            raise UnreadableUpdate(str(exc)) from exc

    def _message_of(self, session: Session, row: InboundUpdate) -> IncomingMessage | None:
        """The stored message, or a raw update read by its platform's decoder; a button key
        becomes the payload it stands for (an unknown key: a stale button, empty payload)."""
        if not row.raw:
            return IncomingMessage.from_json(row.body or "")
        message = self._decode(row)
        if message is None:
            return None
        row.sender_id = inbound.safe_id(message.sender_id)
        if message.button_key is not None:
            found = session.get(ButtonPayload, message.button_key)
            message = replace(message, payload=found.payload if found else "", button_key=None)
        return message

    def _dispatch(self, session: Session, message: IncomingMessage, identity, now):  # type: ignore[no-untyped-def]
        member = session.get(Member, identity.member_id) if identity.member_id else None
        conv = conversation.load(session, identity.id)
        text = clean(message.text)[:MAX_INBOUND_TEXT]
        if message.referral and not text:
            text = f"/start {message.referral}"  # a deep link or m.me ref, joined or not
        elif message.kind == InboundKind.FOLLOW and not text:
            text = "/start"
        if message.kind == InboundKind.CONTACT:
            text = ""
        ctx = Context(
            session=session,
            message=message,
            identity=identity,
            member=member,
            conv=conv,
            catalogs=self.catalogs,
            config=self.config,
            now=now,
            text=text,
        )
        replies = contact.on_shared_contact(ctx) if message.kind == InboundKind.CONTACT else None
        if replies is None:
            replies = self.dispatcher.dispatch(ctx)
        conversation.save(session, conv)
        return replies

    def _fail(self, inbound_id: int, error: str) -> None:
        """Our bug: keep the update for inspection, tell the person, never loop on it."""
        now = self.clock.now()
        with Session(self.engine) as session, session.begin():
            row = session.get(InboundUpdate, inbound_id)
            if row is None or row.status == InboundStatus.DONE:
                return
            row.status = InboundStatus.FAILED
            row.error = error
            row.lease_until = None
            row.processed_at = now
            row.sender_id = sender = self._sender_of(row)
            if not sender:  # nobody to apologise to: the update never said who sent it
                return
            identity = members.touch_identity(
                session, platform=row.platform, platform_user_id=sender, now=now
            )
            member = session.get(Member, identity.member_id) if identity.member_id else None
            t = self.catalogs.translator(member.locale if member else None, self.config.timezone)
            text = t.gettext(
                "Sorry, something went wrong on our side. Please try again in a moment."
            )
            outbox.enqueue(
                session,
                identity=identity,
                messages=[reply(text)],
                dedupe_prefix=f"apology:{row.id}",
                now=now,
            )

    def _sender_of(self, row: InboundUpdate) -> str:
        if row.sender_id or not row.raw:
            return row.sender_id
        try:
            message = self._decode(row)
        except UnreadableUpdate:
            return ""
        return inbound.safe_id(message.sender_id) if message is not None else ""


class UnreadableUpdate(Exception):
    """A raw update that its platform's decoder cannot read, or no decoder for it here."""
