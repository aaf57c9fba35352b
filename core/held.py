"""Writes held back for a batch of updates, written once for all of them.

Processing runs a batch of updates in one transaction (core/processing.py). A handler that
declares itself batched (`Router.button(..., batched=True)`) may hold some of its writes here
instead of issuing them one update at a time: a quiz answer holds its answer row, the move of
its attempt, its ledger row and its score changes (core/quizzes/held.py,
core/points/held.py), and the batch writes them with one statement per table.

What is held must never be missed by a later reader in the same transaction, so the batch is
written (`flush`):
- before any handler that is not batched runs (the dispatcher calls `Context.settle`), so
  that a board, a `/quiz` or a "Next question" reads what earlier updates of the batch did;
- by a batched handler itself whenever holding would need what is held (the same person
  answering twice in one batch);
- at the end of the batch, before its commit.

The same goes the other way for what the batch reads once for its batched handlers
(`reads`, such as which of its writers are officers): it is forgotten before any handler
that is not batched runs, which might change it.

Each part is flushed in the order it was first asked for; a part that finds its rows changed
under it raises, which rolls the batch back (processing then runs its updates one by one,
with nothing held).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from sqlalchemy.engine import Connection


class HeldPart(Protocol):
    def flush(self, connection: Connection) -> None: ...

    def __bool__(self) -> bool: ...  # anything held


P = TypeVar("P", bound=HeldPart)
REPLIES = "replies"  # the part of a batch's replies (core/outbox.py::HeldReplies)


class HeldWrites:
    """The held parts of one batch's transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._parts: dict[str, HeldPart] = {}
        # What the batch read at its start for its batched handlers, by name (the writers'
        # officer roles): good only while nothing but batched handlers runs, so `settle`
        # forgets it before anything else may change it.
        self.reads: dict[str, object] = {}
        # how many times something held was written: a read that the held writes change
        # (the ranks read ahead for a batch's answers) is good only while this stays the same
        self.written = 0

    def part(self, name: str, make: Callable[[], P]) -> P:
        if name not in self._parts:
            self._parts[name] = make()
        return self._parts[name]  # type: ignore[return-value]

    def holds_reply_for(self, identity_id: int) -> bool:
        """Whether a reply to this identity waits in the batch's replies (`REPLIES`)."""
        replies = self._parts.get(REPLIES)
        return replies is not None and replies.holds_for(identity_id)  # type: ignore[attr-defined]

    def flush(self) -> None:
        for part in self._parts.values():
            if part:
                self.written += 1
                part.flush(self.connection)

    def settle(self) -> None:
        """Before a handler that is not batched: write what is held, forget what was read."""
        self.reads.clear()
        self.flush()

    def __bool__(self) -> bool:
        return any(self._parts.values())
