"""The `CredentialStore` port on the `channel_credential` table.

A rotation keeps one transaction open while the adapter calls the platform's token endpoint.
It starts with a no-op UPDATE of the platform's row: on PostgreSQL that takes the row lock,
on SQLite the database write lock, so a second rotation in any process waits and then reads
the pair the first one saved, instead of spending the same single-use refresh token.
The steps of that transaction run on a thread of their own: a pool shared with other work
could be exhausted by writers waiting for this very lock, and the commit would never run.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TypeVar

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from core.clock import utcnow
from core.errors import ConcurrencyConflict
from core.ports import Credential
from core.storage.models import ChannelCredential

T = TypeVar("T")


def _as_credential(row: ChannelCredential | None) -> Credential | None:
    if row is None or row.refresh_token is None:
        return None
    return Credential(
        platform=row.platform,
        access_token=row.access_token,
        refresh_token=row.refresh_token,
        access_expires_at=row.access_expires_at,
        version=row.version,
    )


class _DbRotation:
    def __init__(self, engine: Engine, platform: str) -> None:
        self.engine = engine
        self.platform = platform
        self.current: Credential | None = None
        self.saved = False
        self._session: Session | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"rotate-{platform}")

    async def _run(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, fn)

    def _lock_and_read(self) -> None:
        session = self._session = Session(self.engine, expire_on_commit=False)
        session.begin()
        session.execute(
            update(ChannelCredential)
            .where(col(ChannelCredential.platform) == self.platform)
            .values(version=ChannelCredential.version)
            .execution_options(synchronize_session=False)
        )
        self.current = _as_credential(session.get(ChannelCredential, self.platform))

    def _save(
        self, access_token: str, refresh_token: str, access_expires_at: datetime | None
    ) -> Credential:
        assert self._session is not None and self.current is not None
        session = self._session
        done = session.execute(
            update(ChannelCredential)
            .where(
                col(ChannelCredential.platform) == self.platform,
                col(ChannelCredential.version) == self.current.version,
            )
            .values(
                access_token=access_token,
                refresh_token=refresh_token,
                access_expires_at=access_expires_at,
                version=ChannelCredential.version + 1,
                updated_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            raise ConcurrencyConflict(f"{self.platform} credential changed during a rotation")
        session.commit()
        self.saved = True
        return Credential(
            platform=self.platform,
            access_token=access_token,
            refresh_token=refresh_token,
            access_expires_at=access_expires_at,
            version=self.current.version + 1,
        )

    async def save(
        self, *, access_token: str, refresh_token: str, access_expires_at: datetime | None
    ) -> Credential:
        if self.current is None:
            raise ConcurrencyConflict(f"no stored {self.platform} credential to rotate")
        return await self._run(lambda: self._save(access_token, refresh_token, access_expires_at))

    def _end(self) -> None:
        if self._session is not None:
            if not self.saved:
                self._session.rollback()
            self._session.close()

    async def close(self) -> None:
        try:
            await self._run(self._end)
        finally:
            self._thread.shutdown(wait=False)


class DbCredentialStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _load(self, platform: str) -> Credential | None:
        with Session(self.engine) as session:
            return _as_credential(session.get(ChannelCredential, platform))

    async def load(self, platform: str) -> Credential | None:
        return await asyncio.to_thread(self._load, platform)

    def _seed(
        self,
        platform: str,
        access_token: str | None,
        refresh_token: str,
        access_expires_at: datetime | None,
    ) -> Credential:
        values = {
            "access_token": access_token,
            "refresh_token": refresh_token,
            "access_expires_at": access_expires_at,
            "updated_at": utcnow(),
        }
        with Session(self.engine) as session, session.begin():
            filled = session.execute(  # a row made by a health flag holds no tokens yet
                update(ChannelCredential)
                .where(
                    col(ChannelCredential.platform) == platform,
                    col(ChannelCredential.refresh_token).is_(None),
                )
                .values(version=ChannelCredential.version + 1, **values)
                .execution_options(synchronize_session=False)
            )
            if filled.rowcount == 0 and session.get(ChannelCredential, platform) is None:  # type: ignore[attr-defined]
                session.add(ChannelCredential(platform=platform, version=1, **values))
        stored = self._load(platform)
        assert stored is not None
        return stored

    async def seed(
        self,
        platform: str,
        *,
        access_token: str | None,
        refresh_token: str,
        access_expires_at: datetime | None,
    ) -> Credential:
        try:
            return await asyncio.to_thread(
                self._seed, platform, access_token, refresh_token, access_expires_at
            )
        except IntegrityError:  # another process seeded first: theirs stands
            stored = await self.load(platform)
            assert stored is not None
            return stored

    @contextlib.asynccontextmanager
    async def rotation(self, platform: str) -> AsyncIterator[_DbRotation]:
        rotation = _DbRotation(self.engine, platform)
        try:
            await rotation._run(rotation._lock_and_read)
            yield rotation
        finally:
            await rotation.close()
