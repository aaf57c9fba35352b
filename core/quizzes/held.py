"""Quiz answers held for a batch (core/held.py): the answer rows and the moves of their
attempts, written with one statement each when the batch is flushed.

The answer rows are one multi-row INSERT: a question answered twice breaks the unique key
(attempt, question), which rolls the batch back, and processing then runs the updates one by
one, where the second answer is refused and changes nothing. The attempts are one
`executemany` of the same guarded UPDATE that an answer issues on its own (only where the
attempt is still at the answered question); fewer rows moved than held means another
transaction moved one first, and the batch is rolled back the same way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from core.errors import ConcurrencyConflict
from core.quizzes.models import QuizAnswer, QuizAttempt
from core.storage.prepared import Prepared

_answers = QuizAnswer.__table__  # type: ignore[attr-defined]
_attempts = QuizAttempt.__table__  # type: ignore[attr-defined]
_ANSWER_COLUMNS = (
    "attempt_id",
    "question_id",
    "option",
    "correct",
    "late",
    "elapsed_ms",
    "points",
    "answered_at",
)
# run on the cursor (core/storage/prepared.py): SQLAlchemy's handling of each row cost more
# than the database's work on it
_INSERT = Prepared(insert(_answers).values({c: bindparam(c) for c in _ANSWER_COLUMNS}))
_MOVE = Prepared(
    update(_attempts)
    .where(_attempts.c.id == bindparam("b_id"), _attempts.c.position == bindparam("b_position"))
    .values(
        streak=bindparam("streak"),
        score=_attempts.c.score + bindparam("earned"),
        correct_count=_attempts.c.correct_count + bindparam("correct"),
        finished_at=bindparam("finished_at"),
    ),
    key=("b_id",),
)


class HeldAnswers:
    """The answers held in one batch, and who gave them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.answers: list[dict[str, Any]] = []
        self.moves: list[dict[str, Any]] = []
        self.after: dict[int, tuple[int, int, int, datetime | None]] = {}  # attempt -> _MOVED
        self.members: set[int] = set()

    def __bool__(self) -> bool:
        return bool(self.answers)

    def holds(self, member_id: int) -> bool:
        return member_id in self.members

    def hold(
        self,
        *,
        member_id: int,
        answer: dict[str, Any],
        move: dict[str, Any],
        after: tuple[int, int, int, datetime | None],
    ) -> None:
        """`answer`: the quiz_answer row; `move`: the parameters of the attempt's guarded
        update; `after`: the attempt's streak, score, correct count and finish time with it."""
        assert member_id not in self.members, "a member is held once per batch"
        self.members.add(member_id)
        self.answers.append(answer)
        self.moves.append(move)
        self.after[move["b_id"]] = after

    def flush(self, connection: Connection) -> None:
        _INSERT.many(connection, self.answers)
        moved = _MOVE.many(connection, self.moves)
        if moved != len(self.moves):
            raise ConcurrencyConflict(f"{len(self.moves) - moved} held attempts moved on")
        session = self.session
        for attempt_id, values in self.after.items():
            held = session.identity_map.get(session.identity_key(QuizAttempt, attempt_id))
            if held is not None:  # loaded earlier in this transaction: keep it true
                for name, value in zip(
                    ("streak", "score", "correct_count", "finished_at"), values, strict=True
                ):
                    set_committed_value(held, name, value)
        self.answers.clear()
        self.moves.clear()
        self.after.clear()
        self.members.clear()
