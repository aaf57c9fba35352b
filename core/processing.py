"""Processing one stored update: one unit of work, the dispatcher, the outbox, one commit."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core import conversation, outbox
from core.dispatch import ChatConfig, Context, Dispatcher, reply
from core.errors import ConcurrencyConflict
from core.i18n import Catalogs
from core.members import contact, touch
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
BATCH = 50  # updates claimed, and committed, together
_UNPLACED = -1  # a batch failed outside any one update's unit of work
_PAYLOAD = select(ButtonPayload.__table__.c.payload).where(  # type: ignore[attr-defined]
    ButtonPayload.__table__.c.key == bindparam("key")  # type: ignore[attr-defined]
)


class _Batch:
    """The shared transaction of a batch and what is written once for all its updates."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.connection = session.connection()
        self.touches: list[dict[str, object]] = []
        self.done: list[tuple[int, str]] = []  # (inbound id, sender)

    def finish(self, now: datetime) -> None:
        touch.record_touches(self.connection, self.touches)
        inbound.mark_done(self.connection, self.done, now)


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

    def process_pending(self, limit: int = BATCH) -> int:
        """Claim a batch and process it; returns how many updates were handled."""
        if self.spool is not None:
            self.spool.move_into(self.engine, self.clock.now())
        claimed = inbound.claim_rows(self.engine, now=self.clock.now(), limit=limit, lease=LEASE)
        self.process_batch(claimed)
        return len(claimed)

    def process_batch(self, updates: Sequence[inbound.Claimed]) -> None:
        """All the updates in one transaction, in the order claimed, each its own unit of work
        inside it (one person's updates therefore run in order and see each other's changes).
        When one fails, the transaction is rolled back; the ones before it run again as a
        batch, the failing one runs alone (where it is retried on a conflict and marked failed
        on an error), and the batch goes on after it."""
        rest = list(updates)
        while rest:
            failed = self._try_batch(rest)
            if failed is None:
                return
            if failed == _UNPLACED:  # the commit failed: nobody to blame, so each alone
                for update in rest:
                    self._process_alone(update)
                return
            if failed:
                self.process_batch(rest[:failed])
            self._process_alone(rest[failed])
            rest = rest[failed + 1 :]

    def process(self, inbound_id: int) -> None:
        """One stored update on its own (if it is not done or failed already)."""
        with self.engine.connect() as conn:
            update = inbound.unfinished(conn, inbound_id)
        if update is not None:
            self._process_alone(update)

    def _try_batch(self, updates: Sequence[inbound.Claimed]) -> int | None:
        """None if all committed, else the index of the update that failed (or _UNPLACED)."""
        handled = 0
        in_loop = True
        try:
            with Session(self.engine) as session, session.begin():
                work = _Batch(session)
                for update in updates:
                    self._handle(work, update)
                    handled += 1
                in_loop = False
                work.finish(self.clock.now())
        except Exception as exc:
            log.info("batch of %d rolled back at %d: %r", len(updates), handled, exc)
            return handled if in_loop else _UNPLACED
        return None

    def _process_alone(self, update: inbound.Claimed) -> None:
        for _attempt in range(CONFLICT_RETRIES):
            try:
                with Session(self.engine) as session, session.begin():
                    if inbound.unfinished(session.connection(), update.id) is None:
                        return
                    work = _Batch(session)
                    self._handle(work, update)
                    work.finish(self.clock.now())
                return
            except ConcurrencyConflict:
                log.info("conversation conflict on inbound %s; retrying", update.id)
            except UnreadableUpdate as exc:
                log.warning("inbound %s could not be read: %s", update.id, exc)
                self._fail(update.id, f"unreadable update: {exc}"[:500])
                return
            except Exception:
                log.exception("handler failed on inbound %s", update.id)
                self._fail(update.id, "handler error")
                return
        self._fail(update.id, "conversation kept changing")

    def _handle(self, work: _Batch, update: inbound.Claimed) -> None:
        """One update's unit of work inside the batch's transaction."""
        session, now = work.session, self.clock.now()
        if update.body is None:
            work.done.append((update.id, update.sender_id))
            return
        message = self._message_of(work, update)
        if message is None:  # a raw update of a kind that is acknowledged and ignored
            work.done.append((update.id, update.sender_id))
            return
        sender = inbound.safe_id(message.sender_id) if update.raw else update.sender_id
        writer = touch.find_writer(session, platform=update.platform, platform_user_id=sender)
        if writer is None:
            writer = touch.new_writer(
                session, platform=update.platform, platform_user_id=sender, now=now
            )
        identity = writer.identity
        unfollow = message.kind == InboundKind.UNFOLLOW
        work.touches.append(touch.mark_seen(identity, now=now, blocked=unfollow))
        if unfollow or message.kind == InboundKind.UNBLOCKED:
            replies: list[OutgoingMessage] = []
        else:
            replies = self._dispatch(session, message, writer, now)
        outbox.enqueue_replies(
            work.connection,
            identity_id=identity.id,  # type: ignore[arg-type]
            platform=identity.platform,
            messages=replies,
            dedupe_prefix=f"reply:{update.id}",
            now=now,
        )
        if not unfollow and writer.holds_messages:
            outbox.release_held(session, identity_id=identity.id, now=now)  # type: ignore[arg-type]
        work.done.append((update.id, sender))

    def _decode(self, platform: str, body: str) -> IncomingMessage | None:
        decoder = self.decoders.get(platform)
        if decoder is None:
            raise UnreadableUpdate(f"no decoder for {platform} in this process")
        try:
            return decoder.decode(body)
        except ValueError as exc:
            raise UnreadableUpdate(str(exc)) from exc

    def _message_of(self, work: _Batch, update: inbound.Claimed) -> IncomingMessage | None:
        """The stored message, or a raw update read by its platform's decoder; a button key
        becomes the payload it stands for (an unknown key: a stale button, empty payload).

        A raw update's time is the earlier of what the platform says and when the webhook
        stored it: a Telegram button tap carries no time of its own."""
        if not update.raw:
            return IncomingMessage.from_json(update.body or "")
        message = self._decode(update.platform, update.body or "")
        if message is None:
            return None
        if update.received_at < message.received_at:
            message = replace(message, received_at=update.received_at)
        if message.button_key is not None:
            payload = work.connection.execute(_PAYLOAD, {"key": message.button_key}).scalar()
            message = replace(message, payload=payload or "", button_key=None)
        return message

    def _dispatch(
        self, session: Session, message: IncomingMessage, writer: touch.Writer, now: datetime
    ) -> list[OutgoingMessage]:
        identity = writer.identity
        conv = conversation.from_row(identity.id, *writer.conversation)  # type: ignore[arg-type]
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
            member=writer.member,
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
            message = self._decode(row.platform, row.body or "")
        except UnreadableUpdate:
            return ""
        return inbound.safe_id(message.sender_id) if message is not None else ""


class UnreadableUpdate(Exception):
    """A raw update that its platform's decoder cannot read, or no decoder for it here."""
