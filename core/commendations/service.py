"""Commendations: a member nominates a colleague or a team (never themselves), an officer may
commend directly; an officer of the unit approves; on approval points go to the ledger and the
unit hears of it, naming only the people who agreed to be named."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from core import initiatives
from core.broadcasts import service as broadcasts
from core.broadcasts.models import BroadcastKind
from core.campaigns.scope import Actor
from core.commendations import forms
from core.commendations.buttons import Approve, NameShown, Reject
from core.commendations.models import Commendation, CommendationStatus, CommendedMember
from core.dispatch import button, reply
from core.errors import DomainError, Forbidden, InvalidInput, NotFound
from core.i18n import Translator
from core.initiatives.notify import Notifier
from core.members import service as members
from core.members.labels import name_of
from core.members.models import Member, UnionUnit
from core.messages import OutgoingMessage
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
    notifier: Notifier | None = None,
    form: str | None = None,
    level: str | None = None,
) -> Commendation:
    """A nomination of one person (one id) or a team (a name and two ids or more), all of the
    nominator's grassroots union. `as_officer` is a direct commendation by an officer of it,
    which may carry a form and its issuing level (core/commendations/forms.py)."""
    home = initiatives.grassroots_of(session, by.unit_id)
    if as_officer:
        members.require_scope(session, member_id=by.id, unit_id=home.id)  # type: ignore[arg-type]
        form, level = forms.chosen(session, Actor.officer(by.id), home, form, level)  # type: ignore[arg-type]
    elif form or level:
        raise Forbidden("not_an_officer")
    return _nominate(
        session,
        home=home,
        by_id=by.id,
        as_officer=as_officer,
        member_ids=member_ids,
        reason=reason,
        now=now,
        team_name=team_name,
        adhoc=adhoc,
        notifier=notifier,
        form=(form, level),
    )


def officer_nominate(
    session: Session,
    *,
    actor: Actor,
    unit_id: int,
    member_ids: list[int],
    reason: str,
    now: datetime,
    team_name: str | None = None,
    adhoc: bool = False,
    notifier: Notifier | None = None,
    form: str | None = None,
    level: str | None = None,
) -> Commendation:
    """A direct commendation by an officer (or the operator) of a unit in their scope; the
    commendation belongs to the unit's grassroots union. It may carry a form and the level
    that issues it, among those the actor may record (core/commendations/forms.py)."""
    actor.require_unit(session, unit_id)
    home = initiatives.grassroots_of(session, unit_id)
    actor.require_unit(session, home.id)  # type: ignore[arg-type]
    chosen = forms.chosen(session, actor, home, form, level)
    return _nominate(
        session,
        home=home,
        by_id=actor.member_id,
        as_officer=True,
        member_ids=member_ids,
        reason=reason,
        now=now,
        team_name=team_name,
        adhoc=adhoc,
        notifier=notifier,
        form=chosen,
    )


def _nominate(
    session: Session,
    *,
    home: UnionUnit,
    by_id: int | None,
    as_officer: bool,
    member_ids: list[int],
    reason: str,
    now: datetime,
    team_name: str | None,
    adhoc: bool,
    notifier: Notifier | None,
    form: tuple[str | None, str | None] = (None, None),
) -> Commendation:
    reason = initiatives.check_text(reason, limit=MAX_REASON, code="reason")
    if team_name is not None:
        team_name = initiatives.check_text(team_name, limit=120, code="team_name")
    ids = list(dict.fromkeys(member_ids))
    if not ids:
        raise InvalidInput("member_unknown")
    if team_name is None and len(ids) != 1:
        raise InvalidInput("team_empty")
    if team_name is not None and len(ids) < 2:
        raise InvalidInput("team_empty")
    if by_id is not None and by_id in ids:
        raise Forbidden("nominate_self")  # officers too: someone else must propose them
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
        nominated_by=by_id,
        by_officer=as_officer,
        created_at=now,
        form=form[0],
        issuing_level=form[1],
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
    if notifier is not None:
        _tell_nomination(session, notifier, item, nominees, now)
    return item


def who_text(t: Translator, item: Commendation, people: list[Member]) -> str:
    names = ", ".join(name_of(t, p) for p in people)
    return f"{item.team_name} ({names})" if item.team_name else names


def review_card(
    t: Translator, item: Commendation, people: list[Member], nominator: Member | None
) -> list[OutgoingMessage]:
    """What the unit's officers get for a nomination: who, why, and the decision buttons. A
    nominator who used /forget is "a former member"."""
    kind = t.gettext("Ad-hoc commendation") if item.adhoc else t.gettext("Commendation")
    text = t.gettext(
        "{kind} proposed by {nominator} for {who}:\n«{reason}»",
        kind=kind,
        nominator=name_of(t, nominator) if nominator else "?",
        who=who_text(t, item, people),
        reason=item.reason,
    )
    return [
        reply(
            text,
            button(t.gettext("Approve"), Approve(item.id)),  # type: ignore[arg-type]
            button(t.gettext("Do not approve"), Reject(item.id)),  # type: ignore[arg-type]
        )
    ]


def _tell_nomination(
    session: Session, notifier: Notifier, item: Commendation, people: list[Member], now: datetime
) -> None:
    by = session.get(Member, item.nominated_by) if item.nominated_by else None
    for officer in initiatives.reviewers(session, unit_id=item.unit_id):
        notifier.tell(
            session,
            member_id=officer.id,  # type: ignore[arg-type]
            compose=lambda t: review_card(t, item, people, by),
            key=f"commend:{item.id}:review:{officer.id}",
            now=now,
        )
    for person in people:
        if initiatives.name_shown(session, member_id=person.id) is not None:  # type: ignore[arg-type]
            continue  # they already said whether their name may be announced
        notifier.tell(
            session,
            member_id=person.id,  # type: ignore[arg-type]
            compose=lambda t: consent_question(t, item),
            key=f"commend:{item.id}:consent:{person.id}",
            now=now,
        )


def consent_question(t: Translator, item: Commendation) -> list[OutgoingMessage]:
    return [
        reply(
            t.gettext(
                "You have been proposed for a commendation: «{reason}». If it is approved, "
                "the union will announce it to your colleagues. May the announcement say "
                "your name?",
                reason=item.reason,
            ),
            button(t.gettext("Yes, say my name"), NameShown(show=True)),
            button(t.gettext("No, keep my name out"), NameShown(show=False)),
        )
    ]


def _tell_nominator(
    session: Session, notifier: Notifier, item: Commendation, now: datetime
) -> None:
    if item.nominated_by is None or item.by_officer:
        return
    people = commended(session, commendation_id=item.id)  # type: ignore[arg-type]

    def compose(t: Translator) -> list[OutgoingMessage]:
        who = who_text(t, item, people)
        if item.status == CommendationStatus.APPROVED:
            text = t.gettext("Your proposal to commend {who} was approved. Thank you!", who=who)
        else:
            text = t.gettext(
                "Your proposal to commend {who} was not approved. Reason: {reason}",
                who=who,
                reason=item.reject_reason or "",
            )
        return [reply(text)]

    notifier.tell(
        session,
        member_id=item.nominated_by,
        compose=compose,
        key=f"commend:{item.id}:decided",
        now=now,
    )


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


def named(session: Session, people: list[Member]) -> list[str]:
    """The names an announcement may say: only of people with a standing "show my name"
    (/showname); anyone who has not said so, or said /hidename, stays unnamed."""
    return [
        p.full_name or ""
        for p in people
        if initiatives.name_shown(session, member_id=p.id) is True  # type: ignore[arg-type]
    ]


def preview(session: Session, t: Translator, item: Commendation) -> str:
    """The announcement the union would get if the commendation were approved now."""
    people = commended(session, commendation_id=item.id)  # type: ignore[arg-type]
    return announcement(t, item, named(session, people))


def _announce(
    session: Session,
    item: Commendation,
    people: list[Member],
    notifier: Notifier,
    actor: Actor,
    now: datetime,
    text: str | None,
) -> None:
    unit = session.get(UnionUnit, item.unit_id)
    assert unit is not None
    t = notifier.translator(None)
    broadcasts.create(
        session,
        key=f"commendation:{item.id}",
        kind=BroadcastKind.MESSAGE,
        audience=broadcasts.Audience(unit, include_subtree=True),
        text=text.strip() if text is not None else announcement(t, item, named(session, people)),
        now=now,
        policy=notifier.config.delivery,
        created_by=actor.member_id,
    )


def approve(
    session: Session,
    *,
    actor: Actor,
    commendation_id: int,
    notifier: Notifier,
    now: datetime,
    award_points: int = DEFAULT_POINTS,
    announcement_text: str | None = None,
) -> Commendation:
    """`announcement_text`: the announcement as the officer edited it after its preview
    (`preview`); None: as `preview` writes it."""
    item = _decidable(session, actor, commendation_id)
    if announcement_text is not None:
        broadcasts.check_text(announcement_text.strip())
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
    _announce(session, item, people, notifier, actor, now, announcement_text)
    item.announced_at = now
    session.flush()
    _tell_nominator(session, notifier, item, now)
    return item


def reject(
    session: Session,
    *,
    actor: Actor,
    commendation_id: int,
    reason: str,
    now: datetime,
    notifier: Notifier | None = None,
) -> Commendation:
    reason = initiatives.check_text(reason, limit=MAX_REASON, code="reason")
    item = _decidable(session, actor, commendation_id)
    item.status = CommendationStatus.REJECTED
    item.reject_reason = reason
    item.decided_by, item.decided_at = actor.member_id, now
    session.flush()
    if notifier is not None:
        _tell_nominator(session, notifier, item, now)
    return item


def get(session: Session, *, actor: Actor, commendation_id: int) -> Commendation:
    item = session.get(Commendation, commendation_id)
    if item is None:
        raise NotFound("commendation_unknown")
    actor.require_unit(session, item.unit_id)
    return item


def in_scope(
    session: Session,
    *,
    actor: Actor,
    statuses: tuple[str, ...] = (),
    limit: int = 200,
    after_id: int = 0,
) -> list[Commendation]:
    query = (
        select(Commendation)
        .join(UnionUnit, col(UnionUnit.id) == Commendation.unit_id)
        .where(actor.unit_filter(session), col(Commendation.id) > after_id)
    )
    if statuses:
        query = query.where(col(Commendation.status).in_(statuses))
    return list(session.exec(query.order_by(col(Commendation.id)).limit(limit)))


def names_of(session: Session, t: Translator, *, member_ids: list[int]) -> str:
    """The people's names, in the order given, for the chat's "proposed so far" (one who used
    /forget meanwhile is "a former member")."""
    people = [session.get(Member, i) for i in member_ids]
    return ", ".join(name_of(t, p) for p in people if p is not None)


def check_nominee(session: Session, *, by: Member, member_id: int) -> None:
    """Refuse, with the reason, a person `by` may not propose: themselves, someone who has not
    joined, or a member of another grassroots union."""
    if member_id == by.id:
        raise Forbidden("nominate_self")
    person = session.get(Member, member_id)
    if person is None or person.onboarded_at is None:
        raise NotFound("member_unknown")
    unit = session.get(UnionUnit, person.unit_id)
    home = initiatives.grassroots_of(session, by.unit_id)
    if unit is None or not members.is_in_subtree(unit, home):
        raise Forbidden("nominee_other_unit")


def colleagues_named(session: Session, *, by: Member, typed: str, limit: int = 6) -> list[Member]:
    """Members of `by`'s grassroots union whose name contains the typed words (diacritics and
    case ignored)."""
    wanted = initiatives.rules.normalised(typed)
    if not wanted:
        return []
    home = initiatives.grassroots_of(session, by.unit_id)
    found = [
        m
        for m in initiatives.unit_members(session, unit=home)
        if wanted in initiatives.rules.normalised(m.full_name or "")
    ]
    return found[:limit]


def may_commend_directly(session: Session, *, actor: Actor, by: Member) -> bool:
    """Whether `by` is an officer of their own grassroots union (their proposal is then a
    direct commendation)."""
    try:
        actor.require_unit(session, initiatives.grassroots_of(session, by.unit_id).id)  # type: ignore[arg-type]
    except DomainError:
        return False
    return True


def waiting_cards(
    session: Session, *, actor: Actor, t: Translator, limit: int = 10
) -> list[OutgoingMessage]:
    """The review cards of the proposals waiting in the officer's scope."""
    waiting = in_scope(session, actor=actor, statuses=(CommendationStatus.NOMINATED,), limit=limit)
    out: list[OutgoingMessage] = []
    for item in waiting:
        people = commended(session, commendation_id=item.id)  # type: ignore[arg-type]
        by = session.get(Member, item.nominated_by) if item.nominated_by else None
        out += review_card(t, item, people, by)
    return out
