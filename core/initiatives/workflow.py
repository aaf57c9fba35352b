"""The review workflow: submission, the officers' decisions (review, questions and answers,
rejection, acceptance with its reward, application, assignment) and who is told.

A rule that says no raises a DomainError whose code the chat and the API turn into words.
Notifications are written to the outbox in the same transaction, so nothing is told that did
not happen.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from core.broadcasts import service as broadcasts
from core.broadcasts.models import BroadcastKind
from core.campaigns.scope import Actor
from core.errors import DomainError, Forbidden, InvalidInput, NotFound
from core.initiatives import rules, texts
from core.initiatives.drafts import MAX_TEXT, check_text, draft_problem
from core.initiatives.models import Initiative, InitiativeAuthor, InitiativeEvent
from core.initiatives.notify import Notifier
from core.initiatives.people import author_names, authors_of, grassroots_of, public_names, reviewers
from core.initiatives.reward_bands import Reward, compute_reward
from core.initiatives.rules import Status
from core.members import service as members
from core.members.models import Member, UnionUnit
from core.points import service as points
from core.points.models import PointsSource


def _event(
    session: Session,
    item: Initiative,
    status: str,
    actor_id: int | None,
    note: str | None,
    now: datetime,
) -> InitiativeEvent:
    event = InitiativeEvent(
        initiative_id=item.id,  # type: ignore[arg-type]
        status=status,
        actor_id=actor_id,
        note=note,
        created_at=now,
    )
    session.add(event)
    session.flush()
    return event


def history_of(session: Session, *, initiative_id: int) -> list[InitiativeEvent]:
    return list(
        session.exec(
            select(InitiativeEvent)
            .where(InitiativeEvent.initiative_id == initiative_id)
            .order_by(col(InitiativeEvent.id))
        )
    )


def _tell_authors(
    session: Session,
    notifier: Notifier,
    item: Initiative,
    event: InitiativeEvent,
    now: datetime,
    *,
    skip: int | None = None,
) -> None:
    """Tell each author of the new status; not `skip`, who was answered already."""
    for author, member in authors_of(session, initiative_id=item.id):  # type: ignore[arg-type]
        if member.id == skip:
            continue
        notifier.tell(
            session,
            member_id=member.id,  # type: ignore[arg-type]
            compose=lambda t, a=author: texts.status_message(
                t, item, share_vnd=a.share_vnd, points=a.share_points
            ),
            key=f"ini:{item.id}:{event.id}:{member.id}",
            now=now,
        )


def tell_reviewers(
    session: Session,
    notifier: Notifier,
    item: Initiative,
    key: str,
    now: datetime,
    *,
    reminder: bool = False,
) -> int:
    targets = (
        [item.assignee_id]
        if item.assignee_id is not None
        else [m.id for m in reviewers(session, unit_id=item.unit_id)]
    )
    names = author_names(session, initiative_id=item.id)  # type: ignore[arg-type]
    if item.hide_name:
        names += " 🔒"
    told = 0
    for officer_id in targets:
        told += notifier.tell(
            session,
            member_id=officer_id,  # type: ignore[arg-type]
            compose=lambda t: texts.review_card(t, item, names, reminder=reminder),
            key=f"{key}:{officer_id}",
            now=now,
        )
    return told


def submit(
    session: Session,
    *,
    initiative: Initiative,
    notifier: Notifier,
    now: datetime,
    hide_name: bool | None = None,
    submitter_answered: bool = False,
) -> Initiative:
    """Send the draft (`hide_name`: without the authors' names in announcements). The
    co-authors are told it was received; the submitter too, unless `submitter_answered`
    (the chat answers them itself, in the conversation where they tapped «Send»)."""
    if initiative.status != Status.DRAFT:
        raise DomainError("already_submitted")
    if hide_name is not None:
        initiative.hide_name = hide_name
    problem = draft_problem(initiative)
    if problem:
        raise InvalidInput(problem)
    year = now.astimezone(notifier.translator(None).tz).year
    initiative.code = rules.tracking_code(year, initiative.id)  # type: ignore[arg-type]
    initiative.status = Status.RECEIVED
    initiative.draft_step = None
    initiative.submitted_at = initiative.status_changed_at = now
    initiative.folded = rules.normalised(
        " ".join((initiative.title, initiative.problem, initiative.solution))
    )
    session.flush()
    event = _event(session, initiative, Status.RECEIVED, initiative.submitter_id, None, now)
    skip = initiative.submitter_id if submitter_answered else None
    _tell_authors(session, notifier, initiative, event, now, skip=skip)
    tell_reviewers(session, notifier, initiative, f"ini:{initiative.id}:review", now)
    return initiative


def for_member(session: Session, *, member_id: int) -> list[Initiative]:
    return list(
        session.exec(
            select(Initiative)
            .join(InitiativeAuthor, col(InitiativeAuthor.initiative_id) == Initiative.id)
            .where(InitiativeAuthor.member_id == member_id, Initiative.status != Status.DRAFT)
            .order_by(col(Initiative.id).desc())
        )
    )


def get(session: Session, *, actor: Actor, initiative_id: int, forbid: bool = False) -> Initiative:
    """The initiative, if the actor's scope covers its unit. Outside the scope: NotFound in
    chat (an officer outside the subtree learns nothing, not even that it exists), or
    Forbidden("outside_scope") with `forbid` (the admin API answers 403 and logs it)."""
    item = session.get(Initiative, initiative_id)
    if item is None or item.status == Status.DRAFT:
        raise NotFound("initiative_unknown")
    try:
        actor.require_unit(session, item.unit_id)
    except Forbidden as exc:
        if forbid:
            raise Forbidden("outside_scope") from exc
        raise NotFound("initiative_unknown") from exc
    return item


def in_scope(
    session: Session,
    *,
    actor: Actor,
    statuses: tuple[str, ...] = (),
    limit: int = 200,
    within: UnionUnit | None = None,
    after_id: int = 0,
) -> list[Initiative]:
    """Sent initiatives of the units in the actor's scope (optionally of one unit's subtree),
    oldest first, `limit` of them after the id `after_id` (paging)."""
    query = (
        select(Initiative)
        .join(UnionUnit, col(UnionUnit.id) == Initiative.unit_id)
        .where(
            actor.unit_filter(session),
            Initiative.status != Status.DRAFT,
            col(Initiative.id) > after_id,
        )
    )
    if within is not None:
        query = query.where(members.subtree_filter(within))
    if statuses:
        query = query.where(col(Initiative.status).in_(statuses))
    return list(session.exec(query.order_by(col(Initiative.id)).limit(limit)))


def _move(
    session: Session,
    *,
    item: Initiative,
    target: Status,
    actor_id: int | None,
    note: str | None,
    notifier: Notifier,
    now: datetime,
) -> InitiativeEvent:
    if item.status == target:
        raise DomainError(f"already_{target}")
    if not rules.may_move(item.status, target):
        raise DomainError("wrong_status")
    item.status = target
    item.status_changed_at = now
    item.reminded_at = None
    session.flush()
    event = _event(session, item, target, actor_id, note, now)
    _tell_authors(session, notifier, item, event, now)
    return event


def start_review(
    session: Session, *, actor: Actor, initiative_id: int, notifier: Notifier, now: datetime
) -> Initiative:
    item = _lock(session, actor, initiative_id)
    if item.status == Status.RECEIVED:
        _move(
            session,
            item=item,
            target=Status.UNDER_REVIEW,
            actor_id=actor.member_id,
            note=None,
            notifier=notifier,
            now=now,
        )
    return item


def _lock(session: Session, actor: Actor, initiative_id: int) -> Initiative:
    """The initiative in scope, its row locked for the decision (PostgreSQL; SQLite has one
    writer at a time), so that two officers deciding at once decide once."""
    get(session, actor=actor, initiative_id=initiative_id)
    item = session.exec(
        select(Initiative)
        .where(Initiative.id == initiative_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    return item


def ask_info(
    session: Session,
    *,
    actor: Actor,
    initiative_id: int,
    question: str,
    notifier: Notifier,
    now: datetime,
) -> Initiative:
    question = check_text(question, limit=MAX_TEXT, code="question")
    item = _lock(session, actor, initiative_id)
    item.info_request = question
    _move(
        session,
        item=item,
        target=Status.NEEDS_INFO,
        actor_id=actor.member_id,
        note=question,
        notifier=notifier,
        now=now,
    )
    if actor.member_id is not None and item.assignee_id is None:
        item.assignee_id = actor.member_id
    return item


def answer_info(
    session: Session,
    *,
    member: Member,
    initiative_id: int,
    answer: str,
    notifier: Notifier,
    now: datetime,
) -> Initiative:
    answer = check_text(answer, limit=MAX_TEXT, code="answer")
    item = session.get(Initiative, initiative_id)
    if item is None or not any(
        m.id == member.id for _a, m in authors_of(session, initiative_id=initiative_id)
    ):
        raise NotFound("initiative_unknown")
    if item.status != Status.NEEDS_INFO:
        raise DomainError("no_question_open")
    event = _move(
        session,
        item=item,
        target=Status.UNDER_REVIEW,
        actor_id=member.id,
        note=answer,
        notifier=notifier,
        now=now,
    )
    item.solution = f"{item.solution}\n\n[{item.info_request}]\n{answer}"
    item.folded = rules.normalised(" ".join((item.title, item.problem, item.solution)))
    tell_reviewers(session, notifier, item, f"ini:{item.id}:{event.id}:review", now)
    return item


def reject(
    session: Session,
    *,
    actor: Actor,
    initiative_id: int,
    reason: str,
    notifier: Notifier,
    now: datetime,
) -> Initiative:
    reason = check_text(reason, limit=MAX_TEXT, code="reason")
    item = _lock(session, actor, initiative_id)
    item.reject_reason = reason
    item.decided_at, item.decided_by = now, actor.member_id
    _move(
        session,
        item=item,
        target=Status.REJECTED,
        actor_id=actor.member_id,
        note=reason,
        notifier=notifier,
        now=now,
    )
    return item


def mark_applied(
    session: Session, *, actor: Actor, initiative_id: int, notifier: Notifier, now: datetime
) -> Initiative:
    item = _lock(session, actor, initiative_id)
    _move(
        session,
        item=item,
        target=Status.APPLIED,
        actor_id=actor.member_id,
        note=None,
        notifier=notifier,
        now=now,
    )
    return item


def assign(
    session: Session,
    *,
    actor: Actor,
    initiative_id: int,
    assignee_id: int,
    notifier: Notifier,
    now: datetime,
) -> Initiative:
    item = _lock(session, actor, initiative_id)
    if Status(item.status) not in rules.OPEN:
        raise DomainError("wrong_status")
    try:
        members.require_scope(session, member_id=assignee_id, unit_id=item.unit_id)
    except Forbidden as exc:
        raise Forbidden("assignee_not_officer") from exc
    item.assignee_id = assignee_id
    item.reminded_at = None
    item.status_changed_at = now
    event = _event(session, item, item.status, actor.member_id, f"assigned:{assignee_id}", now)
    tell_reviewers(session, notifier, item, f"ini:{item.id}:{event.id}:assign", now)
    return item


def accept(
    session: Session, *, actor: Actor, initiative_id: int, notifier: Notifier, now: datetime
) -> tuple[Initiative, Reward]:
    """Accept once: the reward from the table in force today, split among the authors and
    written to the ledger (idempotent per author). A second acceptance is refused."""
    item = _lock(session, actor, initiative_id)
    if item.status in (Status.ACCEPTED, Status.APPLIED):
        raise DomainError("already_accepted")
    if not rules.may_move(item.status, Status.ACCEPTED):
        raise DomainError("wrong_status")
    today = now.astimezone(ZoneInfo(notifier.config.timezone)).date()
    reward = compute_reward(session, item=item, on=today)
    item.benefit_vnd, item.reward_vnd, item.reward_points = (
        reward.benefit_vnd,
        reward.reward_vnd,
        reward.points,
    )
    item.reward_table_id = reward.table_id
    item.decided_at, item.decided_by = now, actor.member_id
    for author, _member in authors_of(session, initiative_id=initiative_id):
        share = next(s for s in reward.shares if s[0] == author.member_id)
        author.share_vnd, author.share_points = share[1], share[2]
        points.award(
            session,
            member_id=author.member_id,
            points=share[2],
            source=PointsSource.INITIATIVE,
            source_id=f"{initiative_id}:{author.member_id}",
            now=now,
            campaign_id=item.campaign_id,
            tz=notifier.config.timezone,
        )
    session.flush()
    _move(
        session,
        item=item,
        target=Status.ACCEPTED,
        actor_id=actor.member_id,
        note=None,
        notifier=notifier,
        now=now,
    )
    announce_accepted(session, item=item, notifier=notifier, actor_id=actor.member_id, now=now)
    return item, reward


def announce_accepted(
    session: Session, *, item: Initiative, notifier: Notifier, actor_id: int | None, now: datetime
) -> None:
    """Tell the initiative's grassroots union (and the units below it) through the broadcast
    path: members who withdrew announcements (/stop) hear nothing, the authors' names only
    as they chose. One broadcast per initiative (its key), whatever is retried."""
    home = grassroots_of(session, item.unit_id)
    t = notifier.translator(None)
    names = public_names(session, item=item)
    text = texts.accepted_announcement(
        t, item, ", ".join(names) if names else t.gettext("a member of our union")
    )
    broadcasts.create(
        session,
        key=f"initiative:{item.id}:accepted",
        kind=BroadcastKind.MESSAGE,
        audience=broadcasts.Audience(home, include_subtree=True),
        text=text,
        now=now,
        policy=notifier.config.delivery,
        created_by=actor_id,
    )
