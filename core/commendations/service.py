"""Commendations: a member nominates a colleague or a team (never themselves), an officer may
commend directly; an officer of the unit approves; on approval points go to the ledger and the
unit hears of it, naming only the people who agreed to be named."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from core.broadcasts import service as broadcasts
from core.broadcasts.models import BroadcastKind
from core.campaigns.scope import Actor
from core.commendations.models import Commendation, CommendationStatus, CommendedMember
from core.dispatch import reply
from core.errors import DomainError, Forbidden, InvalidInput, NotFound
from core.i18n import Translator
from core.initiatives import service as initiatives
from core.initiatives.notify import Notifier
from core.members import service as members
from core.members.models import Member, UnionUnit
from core.points import service as points
from core.points.models import PointsSource

DEFAULT_POINTS = 20
MAX_REASON = 2000


def nominate(
    session: Session,
    *,
    by: Member,
    member_ids: list[int],
    reason: str,
    now: datetime,
    team_name: str | None = None,
    adhoc: bool = False,
    as_officer: bool = False,
) -> Commendation:
    """A nomination of one person (one id) or a team (a name and two ids or more), all of the
    nominator's grassroots union. `as_officer` is a direct commendation by an officer of it."""
    reason = initiatives.check_text(reason, limit=MAX_REASON, code="reason")
    ids = list(dict.fromkeys(member_ids))
    if not ids:
        raise InvalidInput("member_unknown")
    if team_name is None and len(ids) != 1:
        raise InvalidInput("team_empty")
    if team_name is not None and len(ids) < 2:
        raise InvalidInput("team_empty")
    if by.id in ids and not as_officer:
        raise Forbidden("nominate_self")
    home = initiatives.grassroots_of(session, by.unit_id)
    if as_officer:
        members.require_scope(session, member_id=by.id, unit_id=home.id)  # type: ignore[arg-type]
    nominees: list[Member] = []
    for member_id in ids:
        nominee = session.get(Member, member_id)
        if nominee is None or nominee.onboarded_at is None:
            raise NotFound("member_unknown")
        unit = session.get(UnionUnit, nominee.unit_id)
        if unit is None or not members.is_in_subtree(unit, home):
            raise Forbidden("nominee_other_unit")
        nominees.append(nominee)
    item = Commendation(
        unit_id=home.id,  # type: ignore[arg-type]
        team_name=team_name,
        reason=reason,
        adhoc=adhoc,
        nominated_by=by.id,
        by_officer=as_officer,
        created_at=now,
    )
    session.add(item)
    session.flush()
    for nominee in nominees:
        session.add(
            CommendedMember(
                commendation_id=item.id,  # type: ignore[arg-type]
                member_id=nominee.id,  # type: ignore[arg-type]
                worker_group=nominee.worker_group,
                holds_leadership_post=nominee.holds_leadership_post,
            )
        )
    session.flush()
    return item


def commended(session: Session, *, commendation_id: int) -> list[Member]:
    return list(
        session.exec(
            select(Member)
            .join(CommendedMember, col(CommendedMember.member_id) == Member.id)
            .where(CommendedMember.commendation_id == commendation_id)
            .order_by(col(Member.id))
        )
    )


def _decidable(session: Session, actor: Actor, commendation_id: int) -> Commendation:
    item = session.exec(
        select(Commendation).where(Commendation.id == commendation_id).with_for_update()
    ).first()
    if item is None:
        raise NotFound("commendation_unknown")
    actor.require_unit(session, item.unit_id)  # an officer of another unit: Forbidden
    if item.status != CommendationStatus.NOMINATED:
        raise DomainError("already_decided")
    return item


def announcement(t: Translator, item: Commendation, names: list[str]) -> str:
    kind = t.gettext("An ad-hoc commendation") if item.adhoc else t.gettext("A commendation")
    who = item.team_name or (", ".join(names) if names else t.gettext("a member of our union"))
    return t.gettext("{kind} for {who}: {reason}", kind=kind, who=who, reason=item.reason)


def approve(
    session: Session,
    *,
    actor: Actor,
    commendation_id: int,
    notifier: Notifier,
    now: datetime,
    award_points: int = DEFAULT_POINTS,
) -> Commendation:
    item = _decidable(session, actor, commendation_id)
    if award_points < 0:
        raise InvalidInput("table_negative")
    item.status = CommendationStatus.APPROVED
    item.points = award_points
    item.decided_by, item.decided_at = actor.member_id, now
    people = commended(session, commendation_id=commendation_id)
    for person in people:
        points.award(
            session,
            member_id=person.id,  # type: ignore[arg-type]
            points=award_points,
            source=PointsSource.COMMENDATION,
            source_id=f"{commendation_id}:{person.id}",
            now=now,
            tz=notifier.config.timezone,
        )
        notifier.tell(
            session,
            member_id=person.id,  # type: ignore[arg-type]
            compose=lambda t: [
                reply(
                    t.gettext(
                        "You have been commended: {reason} (+{points} points). Congratulations!",
                        reason=item.reason,
                        points=t.number(award_points),
                    )
                )
            ],
            key=f"commend:{commendation_id}:{person.id}",
            now=now,
        )
    # Named only with consent: a standing "show my name" (/showname); anyone who has not said
    # so, or said /hidename, stays unnamed.
    names = [
        p.full_name or ""
        for p in people
        if initiatives.name_shown(session, member_id=p.id) is True  # type: ignore[arg-type]
    ]
    unit = session.get(UnionUnit, item.unit_id)
    assert unit is not None
    t = notifier.translator(None)
    broadcasts.create(
        session,
        key=f"commendation:{commendation_id}",
        kind=BroadcastKind.MESSAGE,
        audience=broadcasts.Audience(unit, include_subtree=True),
        text=announcement(t, item, names),
        now=now,
        policy=notifier.config.delivery,
        created_by=actor.member_id,
    )
    item.announced_at = now
    session.flush()
    return item


def reject(
    session: Session, *, actor: Actor, commendation_id: int, reason: str, now: datetime
) -> Commendation:
    reason = initiatives.check_text(reason, limit=MAX_REASON, code="reason")
    item = _decidable(session, actor, commendation_id)
    item.status = CommendationStatus.REJECTED
    item.reject_reason = reason
    item.decided_by, item.decided_at = actor.member_id, now
    session.flush()
    return item
