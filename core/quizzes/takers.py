"""One attempt per person, even after /forget and rejoining.

When a person forgets while a quiz is open, their attempts stay with the pseudonymous member
(the union's results), and `quiz_former_taker` keeps, until the quiz closes, the number of
attempts under a keyed hash of the quiz and each messenger account they had. A person who
joins again from one of those accounts starts after those attempts: a retake counts no
points. Nothing else about them is kept, and nothing at all once the quiz closes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from core.members.models import Identity
from core.quizzes.models import Quiz, QuizAttempt, QuizFormerTaker
from core.storage.secrets import keyed_hash


def taker_hash(key: bytes, *, quiz_id: int, platform: str, platform_user_id: str) -> str:
    return keyed_hash(key, "quiz-taker", quiz_id, platform, platform_user_id)


def _hashes(key: bytes, quiz_id: int, identities: Iterable[Identity]) -> list[str]:
    return [
        taker_hash(key, quiz_id=quiz_id, platform=i.platform, platform_user_id=i.platform_user_id)
        for i in identities
    ]


def former_attempts(
    session: Session, *, key: bytes, quiz_id: int, identities: Iterable[Identity]
) -> int:
    """Attempts at the quiz made by a forgotten member from one of these accounts (the most
    found under any of them: one person's accounts all carry the same count)."""
    hashes = _hashes(key, quiz_id, identities)
    if not hashes:
        return 0
    found = session.exec(
        select(func.max(QuizFormerTaker.attempts)).where(
            QuizFormerTaker.quiz_id == quiz_id, col(QuizFormerTaker.taker).in_(hashes)
        )
    ).one()
    return int(found or 0)


def remember(
    session: Session, *, key: bytes, member_id: int, identities: list[Identity], now: datetime
) -> None:
    """Before a member is forgotten: for each quiz still open that they attempted, their
    attempts under the hash of each of their accounts (added to what an earlier forgetting
    left, if they had joined again)."""
    counts = session.exec(
        select(QuizAttempt.quiz_id, func.count())
        .join(Quiz, col(Quiz.id) == QuizAttempt.quiz_id)
        .where(QuizAttempt.member_id == member_id, Quiz.closes_at > now)
        .group_by(col(QuizAttempt.quiz_id))
    ).all()
    for quiz_id, count in counts:
        earlier = former_attempts(session, key=key, quiz_id=quiz_id, identities=identities)
        total = earlier + int(count)
        for taker in _hashes(key, quiz_id, identities):
            row = session.exec(
                select(QuizFormerTaker).where(
                    QuizFormerTaker.quiz_id == quiz_id, QuizFormerTaker.taker == taker
                )
            ).first()
            if row is None:
                session.add(QuizFormerTaker(quiz_id=quiz_id, taker=taker, attempts=total))
            else:
                row.attempts = total
    session.flush()


def purge_closed(session: Session, *, now: datetime) -> int:
    """The hashes of quizzes that have closed: no longer needed."""
    closed = select(Quiz.id).where(Quiz.closes_at <= now)
    result = session.execute(
        delete(QuizFormerTaker).where(col(QuizFormerTaker.quiz_id).in_(closed))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
