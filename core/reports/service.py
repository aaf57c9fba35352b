"""Report figures, computed from the rows, for the units in an actor's scope and a period
(local dates, both included). Definitions are in docs/initiatives.md."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from core.campaigns.scope import Actor
from core.commendations.models import Commendation, CommendationStatus, CommendedMember
from core.initiatives.models import Initiative
from core.initiatives.rules import Status
from core.members import service as members
from core.members.models import Member, UnionUnit, WorkerGroup


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    timezone: str = "Asia/Ho_Chi_Minh"

    def bounds(self) -> tuple[datetime, datetime]:
        tz = ZoneInfo(self.timezone)
        low = datetime.combine(self.start, time(0), tz).astimezone(UTC)
        high = datetime.combine(self.end + timedelta(days=1), time(0), tz).astimezone(UTC)
        return low, high


@dataclass
class InitiativeRow:
    unit: str
    status: str
    count: int = 0
    benefit_vnd: int = 0  # accepted and applied only
    reward_vnd: int = 0


@dataclass
class CommendationShare:
    unit: str
    people: int = 0  # people commended (a person in two commendations counts twice)
    direct_workers: int = 0
    without_post: int = 0
    by_group: dict[str, int] = field(default_factory=dict)
    leaders: int = 0
    verified: int = 0  # of `people`, those whose group and post come from the union's roster

    @property
    def direct_share(self) -> float:
        return self.direct_workers / self.people if self.people else 0.0

    @property
    def without_post_share(self) -> float:
        return self.without_post / self.people if self.people else 0.0


def initiatives_by_status(
    session: Session, *, actor: Actor, period: Period, within: UnionUnit | None = None
) -> list[InitiativeRow]:
    """Initiatives submitted in the period, by unit and status, with the benefit and the
    rewards of those accepted (accepted or applied)."""
    low, high = period.bounds()
    rows = session.exec(
        select(UnionUnit.name, Initiative)
        .join(UnionUnit, col(UnionUnit.id) == Initiative.unit_id)
        .where(
            actor.unit_filter(session),
            members.subtree_filter(within) if within else col(UnionUnit.id).is_not(None),
            Initiative.status != Status.DRAFT,
            col(Initiative.submitted_at) >= low,
            col(Initiative.submitted_at) < high,
        )
    ).all()
    table: dict[tuple[str, str], InitiativeRow] = {}
    for unit_name, item in rows:
        row = table.setdefault(
            (unit_name, item.status), InitiativeRow(unit=unit_name, status=item.status)
        )
        row.count += 1
        if item.status in (Status.ACCEPTED, Status.APPLIED):
            row.benefit_vnd += item.benefit_vnd or 0
            row.reward_vnd += item.reward_vnd or 0
    return [table[k] for k in sorted(table)]


def commendation_shares(
    session: Session, *, actor: Actor, period: Period, within: UnionUnit | None = None
) -> list[CommendationShare]:
    """Approved commendations decided in the period, per unit: how many people, by worker
    group and leadership post, and the shares going to direct production workers and to
    staff without a leadership post (the seed's priority). Group and post as at nomination;
    `verified` says how many of them are the roster's (the person was found on it) rather
    than what the person declared."""
    low, high = period.bounds()
    rows = session.exec(
        select(UnionUnit.name, CommendedMember, Member.verified_at)
        .join(Commendation, col(Commendation.id) == CommendedMember.commendation_id)
        .join(Member, col(Member.id) == CommendedMember.member_id, isouter=True)
        .join(UnionUnit, col(UnionUnit.id) == Commendation.unit_id)
        .where(
            actor.unit_filter(session),
            members.subtree_filter(within) if within else col(UnionUnit.id).is_not(None),
            Commendation.status == CommendationStatus.APPROVED,
            col(Commendation.decided_at) >= low,
            col(Commendation.decided_at) < high,
        )
    ).all()
    shares: dict[str, CommendationShare] = defaultdict(lambda: CommendationShare(unit=""))
    for unit_name, person, verified_at in rows:
        share = shares[unit_name]
        share.unit = unit_name
        share.people += 1
        share.verified += verified_at is not None
        group = person.worker_group or "unknown"
        share.by_group[group] = share.by_group.get(group, 0) + 1
        if person.worker_group == WorkerGroup.DIRECT_WORKER:
            share.direct_workers += 1
        if person.holds_leadership_post is False:
            share.without_post += 1
        if person.holds_leadership_post:
            share.leaders += 1
    return [shares[k] for k in sorted(shares)]
