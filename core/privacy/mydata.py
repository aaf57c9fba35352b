"""Everything thidua keeps about a member, gathered for /mydata: consents (withdrawn ones too),
messengers, points by source, quiz attempts, initiatives with their share, commendations
proposed and received."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.commendations.models import Commendation, CommendedMember
from core.initiatives.models import Initiative, InitiativeAuthor
from core.initiatives.rules import Status
from core.members.models import Consent, Identity
from core.points.models import PointsEntry
from core.quizzes.models import Quiz, QuizAttempt

LIMIT = 20  # items per list; the rest is counted


@dataclass(frozen=True)
class PointsBySource:
    source: str
    entries: int
    points: int


@dataclass(frozen=True)
class AttemptLine:
    title: str
    number: int
    score: int
    correct: int
    started_at: datetime


@dataclass(frozen=True)
class InitiativeLine:
    code: str | None
    title: str
    status: str
    submitter: bool
    share_vnd: int | None
    share_points: int | None


@dataclass(frozen=True)
class CommendationLine:
    reason: str
    status: str
    received: bool  # False: proposed by them
    created_at: datetime


@dataclass(frozen=True)
class MyData:
    consents: list[Consent]
    identities: list[Identity]
    points: list[PointsBySource]
    attempts: list[AttemptLine]
    initiatives: list[InitiativeLine]
    commendations: list[CommendationLine]


def gather(session: Session, *, member_id: int) -> MyData:
    return MyData(
        consents=list(
            session.exec(
                select(Consent).where(Consent.member_id == member_id).order_by(col(Consent.id))
            )
        ),
        identities=list(
            session.exec(
                select(Identity).where(Identity.member_id == member_id).order_by(col(Identity.id))
            )
        ),
        points=_points(session, member_id),
        attempts=_attempts(session, member_id),
        initiatives=_initiatives(session, member_id),
        commendations=_commendations(session, member_id),
    )


def _points(session: Session, member_id: int) -> list[PointsBySource]:
    rows = session.exec(
        select(PointsEntry.source, func.count(), func.coalesce(func.sum(PointsEntry.points), 0))
        .where(PointsEntry.member_id == member_id)
        .group_by(col(PointsEntry.source))
        .order_by(col(PointsEntry.source))
    ).all()
    return [PointsBySource(str(s), int(n), int(p)) for s, n, p in rows]


def _attempts(session: Session, member_id: int) -> list[AttemptLine]:
    rows = session.exec(
        select(Quiz.title, QuizAttempt)
        .join(QuizAttempt, col(QuizAttempt.quiz_id) == Quiz.id)
        .where(QuizAttempt.member_id == member_id)
        .order_by(col(QuizAttempt.started_at).desc())
    ).all()
    return [
        AttemptLine(title, a.number, a.score, a.correct_count, a.started_at) for title, a in rows
    ]


def _initiatives(session: Session, member_id: int) -> list[InitiativeLine]:
    rows = session.exec(
        select(Initiative, InitiativeAuthor)
        .join(InitiativeAuthor, col(InitiativeAuthor.initiative_id) == Initiative.id)
        .where(InitiativeAuthor.member_id == member_id, Initiative.status != Status.DRAFT)
        .order_by(col(Initiative.id).desc())
    ).all()
    return [
        InitiativeLine(
            item.code,
            item.title,
            item.status,
            item.submitter_id == member_id,
            author.share_vnd,
            author.share_points,
        )
        for item, author in rows
    ]


def _commendations(session: Session, member_id: int) -> list[CommendationLine]:
    received = select(CommendedMember.commendation_id).where(CommendedMember.member_id == member_id)
    rows = session.exec(
        select(Commendation, col(Commendation.id).in_(received))
        .where(col(Commendation.id).in_(received) | (Commendation.nominated_by == member_id))
        .order_by(col(Commendation.id).desc())
    ).all()
    return [
        CommendationLine(item.reason, item.status, bool(got), item.created_at) for item, got in rows
    ]
