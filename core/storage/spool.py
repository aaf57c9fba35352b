"""The inbound spool: on SQLite, raw webhook updates are appended to a file of their own.

SQLite has one writer at a time per database file, and its busy handler waits by sleeping
(1, 2, 5 ... 100 ms) until the lock is free. Processing holds the write lock for most of
each update it handles, so a webhook storing into the same file waits behind it: with a
backlog, acknowledgements took seconds. The spool is a second file that only the webhooks
append to; processing moves its rows into `inbound_update` (where the unique key drops
redeliveries) and deletes them from the spool afterwards. A crash between the two moves the
same rows again, which the unique key makes harmless.

PostgreSQL has row locks, but each insert is a round trip to a server that shares the
machine's cores: the webhook acknowledged at about a third of a bare FastAPI app's rate. With
`THIDUA_INBOUND_SPOOL` set, each instance appends to a local file of its own and its
processing moves the updates into the shared database, where the unique key drops an update
that two instances (or two moves) bring.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from core.errors import StoreUnavailable
from core.messages import RawUpdate
from core.storage import inbound

try:
    import fcntl
except ImportError:  # not on Windows: there, two processes starting at once may still race
    fcntl = None  # type: ignore[assignment]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS spool (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    platform TEXT NOT NULL,
    external_id TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at TEXT
)
"""


def spool_path_for(engine: Engine) -> Path | None:
    """`<database>.inbound.db` beside a SQLite file; None for PostgreSQL or in-memory SQLite."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database)
    return path.with_name(path.name + ".inbound.db")


@contextlib.contextmanager
def _one_setup_at_a_time(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `<spool>.lock` (released when the file closes, or the process
    dies). The web process and the worker open the spool as they start: when both turned a
    new file to WAL at the same moment, one failed at once with "database is locked" (SQLite
    does not call its busy handler for that lock, so the connection's timeout did not apply)."""
    if fcntl is None:
        yield
        return
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


class InboundSpool:
    """Append from any thread; `move_into` is called by processing only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with _one_setup_at_a_time(path):
            self._conn = sqlite3.connect(path, timeout=30, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute(_SCHEMA)
            columns = {row[1] for row in self._conn.execute("PRAGMA table_info(spool)")}
            if "received_at" not in columns:  # a spool written before the column existed
                self._conn.execute("ALTER TABLE spool ADD COLUMN received_at TEXT")
            self._conn.commit()

    def append(self, updates: Sequence[RawUpdate], now: datetime) -> None:
        """Durable (as the main database is: WAL, synchronous=NORMAL) once this returns.
        `now` is kept as the updates' time of arrival: a quiz answer's speed is judged by it,
        however long the updates wait here. Raises StoreUnavailable when the file cannot be
        written."""
        received = now.isoformat()
        rows = [(u.platform, u.external_id, u.body, received) for u in updates]
        try:
            with self._lock, self._conn:
                self._conn.executemany(
                    "INSERT INTO spool (platform, external_id, body, received_at) "
                    "VALUES (?, ?, ?, ?)",
                    rows,
                )
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(f"inbound spool: {exc}") from exc

    def move_into(self, engine: Engine, now: datetime, limit: int = 1000) -> int:
        """Move up to `limit` of the oldest spooled updates into `inbound_update`, each with
        the time it was appended (`now` for a row spooled before that was kept)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, platform, external_id, body, received_at FROM spool "
                "ORDER BY id LIMIT ?",
                (limit,),
            ).fetchall()
            self._conn.commit()  # ends the read snapshot
        if not rows:
            return 0
        inbound.store_raw(
            engine,
            [RawUpdate(p, e, b) for _id, p, e, b, _at in rows],
            now,
            received=[datetime.fromisoformat(at) if at else now for *_row, at in rows],
        )
        with self._lock, self._conn:
            self._conn.execute("DELETE FROM spool WHERE id <= ?", (rows[-1][0],))
        return len(rows)

    def pending(self) -> int:
        with self._lock:
            (count,) = self._conn.execute("SELECT count(*) FROM spool").fetchone()
            self._conn.commit()
            return int(count)

    def close(self) -> None:
        with self._lock:
            self._conn.close()
