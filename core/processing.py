"""Processing one stored update: one unit of work, the dispatcher, the outbox, one commit."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col
from sqlmodel import select as sql_select

from core import conversation, outbox
from core.dispatch import ChatConfig, Context, Dispatcher, reply
from core.errors import ConcurrencyConflict
from core.groups import inbound as group_inbound
from core.held import HeldWrites
from core.i18n import Catalogs
from core.members import contact, touch
from core.members import service as members
from core.members.models import Member, UnionUnit
from core.messages import InboundKind, IncomingMessage, OutgoingMessage, RawUpdate
from core.ports import Clock, InboundDecoder
from core.storage import inbound
from core.storage.models import REPLY_KEY, ButtonPayload, InboundStatus, InboundUpdate
from core.storage.spool import InboundSpool
from core.text import MAX_INBOUND_TEXT, clean

log = logging.getLogger(__name__)

CONFLICT_RETRIES = 5
LEASE = timedelta(seconds=60)
BATCH = 50  # updates claimed, and committed, together
_UNPLACED = -1  # a batch failed outside any one update's unit of work
_payload = ButtonPayload.__table__  # type: ignore[attr-defined]
_PAYLOADS = select(_payload.c.key, _payload.c.payload).where(
    _payload.c.key.in_(bindparam("keys", expanding=True))
)
_UNITS = sql_select(UnionUnit).where(col(UnionUnit.id).in_(bindparam("ids", expanding=True)))


class _Batch:
    """The shared transaction of a batch and what is written once for all its updates."""

    def __init__(self, session: Session, *, hold: bool = False) -> None:
        self.session = session
        self.connection = session.connection()
        # writes that batched handlers hold for the whole batch (core/held.py); none when an
        # update runs alone, so that it fails or conflicts on its own statements
        self.held = HeldWrites(self.connection) if hold else None
        # the replies and conversation states of the batch, held the same way
        # (`is not None`: a HeldWrites is false while it holds nothing)
        held = self.held
        self.replies = (
            held.part(outbox.HeldReplies.NAME, outbox.HeldReplies) if held is not None else None
        )
        self.states = held.part("states", conversation.HeldStates) if held is not None else None
        self.touches: list[dict[str, object]] = []
        self.done: list[tuple[int, str]] = []  # (inbound id, sender)

        self.writers: dict[tuple[str, str], touch.Writer] = {}
        self.payloads: dict[str, str] = {}
        self.units: list[UnionUnit] = []

    def prefetch(self, messages: Sequence[IncomingMessage], dispatcher: Dispatcher) -> None:
        """Everyone who wrote in the batch, and the payloads behind its button keys, read in
        one statement each; a person's later updates in the batch reuse what was read (the
        identity and member objects, and the conversation as the earlier update saved it)."""
        self.writers = touch.find_writers(
            self.session, {(m.platform, m.sender_id) for m in messages if m.group_id is None}
        )
        keys = {m.button_key for m in messages if m.button_key is not None}
        if keys:
            found = self.connection.execute(_PAYLOADS, {"keys": sorted(keys)})
            self.payloads = {key: payload for key, payload in found}
        # The writers' units, which handlers read by primary key (a welcome names the unit,
        # a quiz checks it): one statement, held here so that the session's identity map,
        # which holds objects weakly, answers those reads without a query.
        units = {w.member.unit_id for w in self.writers.values() if w.member is not None}
        if units:
            self.units = list(self.session.exec(_UNITS, params={"ids": sorted(units)}))
        # which of them are officers, asked by the main menu of every /start and free text
        ids = {w.member.id for w in self.writers.values() if w.member is not None}
        if ids and self.held is not None:
            known = members.officers_among(self.connection, sorted(ids))  # type: ignore[arg-type]
            self.held.reads[members.KnownOfficers.NAME] = known
        if self.held is not None:  # what batched routes read for the batch's taps
            taps = []
            for m in messages:
                writer = self.writers.get((m.platform, m.sender_id))
                payload = m.payload or self.payloads.get(m.button_key or "")
                if m.group_id is None and payload and writer and writer.member is not None:
                    taps.append((writer.member, payload, m.received_at))
            dispatcher.prefetch(self.session, self.held, taps)

    def settle(self) -> None:
        if self.held is not None:
            self.held.settle()

    def finish(self, now: datetime) -> None:
        self.settle()
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
            self.spool.append(updates, self.clock.now())
        else:
            inbound.store_raw(self.engine, updates, self.clock.now())

    def process_pending(self, limit: int = BATCH) -> int:
        """Claim a batch and process it; returns how many updates were handled.

        With a spool, its updates are moved into the database (up to a thousand at a time)
        only when what waits there cannot fill the batch. Moving before every batch moved up
        to a thousand updates for each fifty processed, so under a webhook burst every update
        was copied as it arrived: the worker, and the database server's backend that its
        niceness does not reach, spent CPU beside the webhooks on updates that would wait
        anyway (docs/benchmarks.md, P1)."""
        claimed = inbound.claim_rows(self.engine, now=self.clock.now(), limit=limit, lease=LEASE)
        while self.spool is not None and len(claimed) < limit:
            if not self.spool.move_into(self.engine, self.clock.now()):
                break
            claimed += inbound.claim_rows(
                self.engine, now=self.clock.now(), limit=limit - len(claimed), lease=LEASE
            )
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
            read = [self._read(update) for update in updates]  # no database work yet
        except UnreadableUpdate:
            return next(i for i, u in enumerate(updates) if not self._readable(u))
        try:
            with Session(self.engine) as session, session.begin():
                work = _Batch(session, hold=True)
                work.prefetch([m for m in read if m is not None], self.dispatcher)
                for update, message in zip(updates, read, strict=True):
                    self._handle(work, update, message)
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
                message = self._read(update)
                with Session(self.engine) as session, session.begin():
                    if inbound.unfinished(session.connection(), update.id) is None:
                        return
                    work = _Batch(session)
                    work.prefetch([message] if message is not None else [], self.dispatcher)
                    self._handle(work, update, message)
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

    def _handle(
        self, work: _Batch, update: inbound.Claimed, message: IncomingMessage | None
    ) -> None:
        """One update's unit of work inside the batch's transaction."""
        session, now = work.session, self.clock.now()
        if message is None:  # no body, or a raw update of a kind acknowledged and ignored
            work.done.append((update.id, update.sender_id))
            return
        if message.group_id is not None:  # a group chat: nobody in it is stored
            work.settle()
            self._handle_group(work, update, message, now)
            return
        if message.button_key is not None:  # a stale button's unknown key: empty payload
            payload = work.payloads.get(message.button_key, "")
            message = replace(message, payload=payload, button_key=None)
        sender = message.sender_id
        writer = work.writers.get((update.platform, sender))
        if writer is None:
            writer = touch.new_writer(
                session, platform=update.platform, platform_user_id=sender, now=now
            )
            work.writers[(update.platform, sender)] = writer
        identity = writer.identity
        unfollow = message.kind == InboundKind.UNFOLLOW
        work.touches.append(touch.mark_seen(identity, now=now, blocked=unfollow))
        member_before = identity.member_id
        if unfollow or message.kind == InboundKind.UNBLOCKED:
            replies: list[OutgoingMessage] = []
        else:
            replies = self._dispatch(work, message, writer, now)
        outbox.enqueue_replies(
            work.connection,
            identity_id=identity.id,  # type: ignore[arg-type]
            platform=identity.platform,
            messages=replies,
            dedupe_prefix=f"{REPLY_KEY}{update.id}",
            now=now,
            held=work.replies,
        )
        # A person who joined or linked in this update may have messages held on their other
        # messengers, which the read at the start of the batch could not see.
        linked = identity.member_id != member_before
        if not unfollow and (writer.holds_messages or linked):
            work.settle()  # the reply goes out before what was held
            outbox.release_held(session, identity_id=identity.id, now=now)  # type: ignore[arg-type]
        work.done.append((update.id, sender))

    def _handle_group(
        self, work: _Batch, update: inbound.Claimed, message: IncomingMessage, now: datetime
    ) -> None:
        config = self.config
        answer = group_inbound.handle(
            work.session,
            message,
            catalogs=self.catalogs,
            locale=config.default_locale,
            timezone=config.timezone,
            links=config.group_links.get(message.platform),
            now=now,
        )
        if answer.identity is not None:
            outbox.enqueue_replies(
                work.connection,
                identity_id=answer.identity.id,  # type: ignore[arg-type]
                platform=answer.identity.platform,
                messages=answer.replies,
                dedupe_prefix=f"{REPLY_KEY}{update.id}",
                now=now,
            )
        work.done.append((update.id, message.sender_id))

    def _decode(self, platform: str, body: str) -> IncomingMessage | None:
        decoder = self.decoders.get(platform)
        if decoder is None:
            raise UnreadableUpdate(f"no decoder for {platform} in this process")
        try:
            return decoder.decode(body)
        except ValueError as exc:
            raise UnreadableUpdate(str(exc)) from exc

    def _readable(self, update: inbound.Claimed) -> bool:
        try:
            self._read(update)
        except UnreadableUpdate:
            return False
        return True

    def _read(self, update: inbound.Claimed) -> IncomingMessage | None:
        """The stored message, or a raw update read by its platform's decoder, with its
        sender's id as stored; None for a row without a body or an ignored kind of update.

        Its time is the earlier of what the platform says and when we stored it (a Telegram
        button tap carries no time of its own, a web chat message is stamped by the app's
        clock): never when a backlog let us process it, which a quiz's speed is judged by."""
        if update.body is None:
            return None
        if not update.raw:
            message = IncomingMessage.from_json(update.body)
            if message.sender_id != update.sender_id:  # stored as inbound.safe_id made it
                message = replace(message, sender_id=update.sender_id)
            if update.received_at < message.received_at:
                message = replace(message, received_at=update.received_at)
            return message
        message = self._decode(update.platform, update.body)
        if message is None:
            return None
        sender, received_at = inbound.safe_id(message.sender_id), update.received_at
        if sender == message.sender_id and message.received_at <= received_at:
            return message  # as it is (a copy costs more than the check)
        return replace(message, sender_id=sender, received_at=min(message.received_at, received_at))

    def _dispatch(
        self, work: _Batch, message: IncomingMessage, writer: touch.Writer, now: datetime
    ) -> list[OutgoingMessage]:
        session, identity = work.session, writer.identity
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
            held=work.held,
        )
        if message.kind == InboundKind.CONTACT:
            ctx.settle()
        replies = contact.on_shared_contact(ctx) if message.kind == InboundKind.CONTACT else None
        if replies is None:
            replies = self.dispatcher.dispatch(ctx)
        conversation.save(session, conv, work.states)
        writer.conversation = conversation.as_row(conv)  # for the person's next update
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
