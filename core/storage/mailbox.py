"""The web chat mailbox (the `Mailbox` port) and the short-key payload store."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.clock import SystemClock
from core.messages import OutgoingMessage
from core.ports import Clock
from core.storage.models import ButtonPayload, WebchatMessage


class DbMailbox:
    """Messages delivered to web chat sessions. A browser long-polls `wait`; within one
    process only that session's waiters are woken, at once; another process that delivers
    announces the session to `listeners` and the waiting process calls `wake` (`thidua
    serve`'s child, bots/supervisor.py); otherwise a waiter re-reads every `recheck` seconds."""

    def __init__(self, engine: Engine, recheck: float = 1.0, clock: Clock | None = None) -> None:
        self.engine = engine
        self.recheck = recheck
        self.clock = clock or SystemClock()  # dates the rows, for the retention purge
        self._waiters: dict[str, set[asyncio.Event]] = {}
        self.listeners: list[Callable[[str], None]] = []  # told each session that got a message
        self._closing = False

    def close(self) -> None:
        """The server is stopping: every long poll answers now with what it has, and none
        waits any more, so that no request is left for the server to cancel (the page polls
        again once the server is back). Call from the event loop's thread."""
        self._closing = True
        for waiters in self._waiters.values():
            for event in waiters:
                event.set()

    def _put(self, session_id: str, message: OutgoingMessage) -> int:
        with Session(self.engine) as session, session.begin():
            row = WebchatMessage(
                session_id=session_id, body=message.to_json(), created_at=self.clock.now()
            )
            session.add(row)
            session.flush()
            return row.id  # type: ignore[return-value]

    async def put(self, session_id: str, message: OutgoingMessage) -> int:
        new_id = await asyncio.to_thread(self._put, session_id, message)
        self.wake(session_id)
        for listener in self.listeners:
            listener(session_id)
        return new_id

    def wake(self, session_id: str) -> None:
        """Long polls of this session read again now (call from the event loop's thread)."""
        for event in self._waiters.get(session_id, ()):
            event.set()

    def _read(self, session_id: str, after_id: int) -> list[tuple[int, OutgoingMessage]]:
        with Session(self.engine) as session:
            rows = session.exec(
                select(WebchatMessage)
                .where(WebchatMessage.session_id == session_id, col(WebchatMessage.id) > after_id)
                .order_by(col(WebchatMessage.id))
                .limit(100)
            ).all()
            return [(r.id, OutgoingMessage.from_json(r.body)) for r in rows]  # type: ignore[misc]

    async def read_after(self, session_id: str, after_id: int) -> list[tuple[int, OutgoingMessage]]:
        return await asyncio.to_thread(self._read, session_id, after_id)

    async def wait(
        self, session_id: str, after_id: int, timeout: float
    ) -> list[tuple[int, OutgoingMessage]]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        event = asyncio.Event()
        self._waiters.setdefault(session_id, set()).add(event)
        try:
            while True:
                event.clear()
                found = await self.read_after(session_id, after_id)
                remaining = deadline - loop.time()
                if found or remaining <= 0 or self._closing:
                    return found
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), min(self.recheck, remaining))
        finally:
            waiters = self._waiters.get(session_id)
            if waiters is not None:
                waiters.discard(event)
                if not waiters:
                    del self._waiters[session_id]


class DbPayloadStore:
    """Long button payloads behind 16-character keys; the same payload always gets one key."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _key_for(self, payload: str) -> str:
        with Session(self.engine) as session:
            found = session.exec(
                select(ButtonPayload.key).where(ButtonPayload.payload == payload)
            ).first()
            if found:
                return found
            key = secrets.token_urlsafe(12)
            session.add(ButtonPayload(key=key, payload=payload))
            try:
                session.commit()
            except IntegrityError:  # another worker stored the same payload first
                session.rollback()
                return session.exec(
                    select(ButtonPayload.key).where(ButtonPayload.payload == payload)
                ).one()
            return key

    def _payload_for(self, key: str) -> str | None:
        with Session(self.engine) as session:
            row = session.get(ButtonPayload, key)
            return row.payload if row else None

    async def key_for(self, payload: str) -> str:
        return await asyncio.to_thread(self._key_for, payload)

    async def payload_for(self, key: str) -> str | None:
        return await asyncio.to_thread(self._payload_for, key)
