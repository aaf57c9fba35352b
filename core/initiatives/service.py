"""Initiative services: drafts, submission, the review workflow, rewards and the reward table.

Keyword-only functions over a session; a rule that says no raises a DomainError whose code the
handlers and the API turn into words. Notifications are written to the outbox in the same
transaction, so nothing is told that did not happen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_
from sqlmodel import Session, col, select

from core.broadcasts import service as broadcasts
from core.broadcasts.models import BroadcastKind
from core.campaigns.scope import Actor
from core.errors import DomainError, Forbidden, InvalidInput, NotFound
from core.initiatives import rules, texts
from core.initiatives.attachments import Limits
from core.initiatives.models import (
    Initiative,
    InitiativeAttachment,
    InitiativeAuthor,
    InitiativeEvent,
    NamePreference,
    RewardBand,
    RewardTable,
)
from core.initiatives.notify import Notifier
from core.initiatives.rules import Band, BenefitKind, Status
from core.members import service as members
from core.members.models import Member, OfficerRole, UnionUnit, UnitKind
from core.messages import Attachment
from core.points import service as points
from core.points.models import PointsSource

MAX_TITLE = 200
MAX_TEXT = 3000
MAX_AUTHORS = 10
MAX_ATTACHMENTS = 10
SIMILAR_SCAN = 500  # recent initiatives of the unit compared for the duplicate check


# ---- units and people -----------------------------------------------------------------------


def grassroots_of(session: Session, unit_id: int) -> UnionUnit:
    """The grassroots union a unit belongs to: itself, or its nearest grassroots ancestor
    (the unit itself when there is none, e.g. a member of an upper-level union)."""
    unit = session.get(UnionUnit, unit_id)
    if unit is None:
        raise NotFound("unit_unknown")
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    for ancestor_id in reversed(ids):
        ancestor = session.get(UnionUnit, ancestor_id)
        if ancestor is not None and ancestor.kind == UnitKind.GRASSROOTS_UNION:
            return ancestor
    return unit


def unit_members(session: Session, *, unit: UnionUnit) -> list[Member]:
    return list(
        session.exec(
            select(Member)
            .join(UnionUnit, col(UnionUnit.id) == Member.unit_id)
            .where(members.subtree_filter(unit), col(Member.onboarded_at).is_not(None))
            .order_by(col(Member.full_name), col(Member.id))
        )
    )


def reviewers(session: Session, *, unit_id: int) -> list[Member]:
    """The officers who review a unit's initiatives: those of the nearest level (the unit,
    then its ancestors) that has officers."""
    unit = session.get(UnionUnit, unit_id)
    if unit is None:
        return []
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    for level in reversed(ids):
        found = list(
            session.exec(
                select(Member)
                .join(OfficerRole, col(OfficerRole.member_id) == Member.id)
                .where(col(OfficerRole.unit_id) == level)
                .order_by(col(Member.id))
            )
        )
        if found:
            return found
    return []


def name_shown(session: Session, *, member_id: int) -> bool | None:
    pref = session.get(NamePreference, member_id)
    return None if pref is None else pref.show_name


def set_name_shown(session: Session, *, member_id: int, show: bool, now: datetime) -> None:
    pref = session.get(NamePreference, member_id)
    if pref is None:
        session.add(NamePreference(member_id=member_id, show_name=show, updated_at=now))
    else:
        pref.show_name, pref.updated_at = show, now
    session.flush()


# ---- drafts ---------------------------------------------------------------------------------


def draft_of(session: Session, *, member_id: int) -> Initiative | None:
    return session.exec(
        select(Initiative).where(
            Initiative.submitter_id == member_id, Initiative.status == Status.DRAFT
        )
    ).first()


def start_draft(session: Session, *, member: Member, now: datetime) -> Initiative:
    """A new draft (the old one, if any, is thrown away)."""
    old = draft_of(session, member_id=member.id)  # type: ignore[arg-type]
    if old is not None:
        session.delete(old)
        session.flush()
    draft = Initiative(
        unit_id=member.unit_id,
        submitter_id=member.id,  # type: ignore[arg-type]
        status=Status.DRAFT,
        draft_step="title",
        created_at=now,
        status_changed_at=now,
    )
    session.add(draft)
    session.flush()
    session.add(InitiativeAuthor(initiative_id=draft.id, member_id=member.id, position=0))  # type: ignore[arg-type]
    session.flush()
    return draft


def check_text(value: str, *, limit: int, code: str) -> str:
    value = value.strip()
    if not value or not any(ch.isalnum() for ch in value):
        raise InvalidInput(f"{code}_empty")
    if len(value) > limit:
        raise InvalidInput(f"{code}_too_long")
    return value


def authors_of(session: Session, *, initiative_id: int) -> list[tuple[InitiativeAuthor, Member]]:
    return list(
        session.exec(
            select(InitiativeAuthor, Member)
            .join(Member, col(Member.id) == InitiativeAuthor.member_id)
            .where(InitiativeAuthor.initiative_id == initiative_id)
            .order_by(col(InitiativeAuthor.position))
        ).all()
    )


def add_coauthor(session: Session, *, initiative: Initiative, member_id: int) -> Member:
    """A co-author must be a member of the submitter's grassroots union."""
    other = session.get(Member, member_id)
    if other is None or other.onboarded_at is None:
        raise NotFound("member_unknown")
    home = grassroots_of(session, initiative.unit_id)
    theirs = session.get(UnionUnit, other.unit_id)
    if theirs is None or not members.is_in_subtree(theirs, home):
        raise Forbidden("coauthor_other_unit")
    current = authors_of(session, initiative_id=initiative.id)  # type: ignore[arg-type]
    if any(m.id == member_id for _a, m in current):
        raise DomainError("coauthor_already")
    if len(current) >= MAX_AUTHORS:
        raise InvalidInput("too_many_authors")
    session.add(
        InitiativeAuthor(
            initiative_id=initiative.id,  # type: ignore[arg-type]
            member_id=member_id,
            position=max(a.position for a, _m in current) + 1,
        )
    )
    session.flush()
    return other


def find_unit_members(
    session: Session, *, initiative: Initiative, query: str, limit: int = 6
) -> list[Member]:
    """Members of the submitter's grassroots union whose name contains what was typed
    (case and diacritics ignored), not already authors."""
    wanted = rules.normalised(query)
    if not wanted:
        return []
    taken = {m.id for _a, m in authors_of(session, initiative_id=initiative.id)}  # type: ignore[arg-type]
    home = grassroots_of(session, initiative.unit_id)
    found = [
        m
        for m in unit_members(session, unit=home)
        if m.id not in taken and wanted in rules.normalised(m.full_name or "")
    ]
    return found[:limit]


def add_attachment(
    session: Session,
    *,
    initiative: Initiative,
    attachment: Attachment,
    platform: str,
    limits: Limits,
    now: datetime,
) -> InitiativeAttachment:
    problem = rules.attachment_problem(
        kind=attachment.kind,
        name=attachment.name,
        mime=attachment.mime,
        size=attachment.size,
        max_bytes=limits.max_bytes,
        extensions=limits.extensions,
    )
    if problem:
        raise InvalidInput(problem)
    count = len(attachments_of(session, initiative_id=initiative.id))  # type: ignore[arg-type]
    if count >= MAX_ATTACHMENTS:
        raise InvalidInput(rules.AttachmentProblem.TOO_MANY)
    row = InitiativeAttachment(
        initiative_id=initiative.id,  # type: ignore[arg-type]
        platform=platform,
        kind=attachment.kind,
        ref=attachment.ref,
        name=attachment.name,
        mime=attachment.mime,
        size=attachment.size,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def attachments_of(session: Session, *, initiative_id: int) -> list[InitiativeAttachment]:
    return list(
        session.exec(
            select(InitiativeAttachment)
            .where(InitiativeAttachment.initiative_id == initiative_id)
            .order_by(col(InitiativeAttachment.id))
        )
    )


def similar_in_unit(session: Session, *, initiative: Initiative) -> list[tuple[Initiative, float]]:
    """Initiatives of the same grassroots union that read alike (the duplicate check)."""
    home = grassroots_of(session, initiative.unit_id)
    text = " ".join((initiative.title, initiative.problem, initiative.solution))
    rows = session.exec(
        select(Initiative)
        .join(UnionUnit, col(UnionUnit.id) == Initiative.unit_id)
        .where(
            members.subtree_filter(home),
            Initiative.status != Status.DRAFT,
            col(Initiative.id) != initiative.id,
        )
        .order_by(col(Initiative.id).desc())
        .limit(SIMILAR_SCAN)
    ).all()
    by_id = {r.id: r for r in rows}
    hits = rules.similar(text, [(r.id, r.folded) for r in rows])  # type: ignore[misc]
    return [(by_id[cid], score) for cid, score in hits]


def draft_problem(item: Initiative) -> str | None:
    if not item.title.strip():
        return "title_empty"
    if not item.problem.strip():
        return "problem_empty"
    if not item.solution.strip():
        return "solution_empty"
    if item.benefit_kind is None or item.benefit_amount is None:
        return "benefit_missing"
    return None


# ---- submission and the workflow ------------------------------------------------------------


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


def author_names(session: Session, *, initiative_id: int) -> str:
    return ", ".join(
        m.full_name or "?" for _a, m in authors_of(session, initiative_id=initiative_id)
    )


def _tell_authors(
    session: Session, notifier: Notifier, item: Initiative, event: InitiativeEvent, now: datetime
) -> None:
    for author, member in authors_of(session, initiative_id=item.id):  # type: ignore[arg-type]
        notifier.tell(
            session,
            member_id=member.id,  # type: ignore[arg-type]
            compose=lambda t, a=author: texts.status_message(
                t, item, share_vnd=a.share_vnd, points=a.share_points
            ),
            key=f"ini:{item.id}:{event.id}:{member.id}",
            now=now,
        )


def _tell_reviewers(
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
    session: Session, *, initiative: Initiative, notifier: Notifier, now: datetime
) -> Initiative:
    if initiative.status != Status.DRAFT:
        raise DomainError("already_submitted")
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
    _tell_authors(session, notifier, initiative, event, now)
    _tell_reviewers(session, notifier, initiative, f"ini:{initiative.id}:review", now)
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
    _tell_reviewers(session, notifier, item, f"ini:{item.id}:{event.id}:review", now)
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
    _tell_reviewers(session, notifier, item, f"ini:{item.id}:{event.id}:assign", now)
    return item


@dataclass(frozen=True)
class Reward:
    benefit_vnd: int
    reward_vnd: int
    points: int
    table_id: int
    shares: tuple[tuple[int, int, int], ...]  # (member_id, vnd, points)


def table_in_force(session: Session, *, unit_id: int, on: date) -> RewardTable | None:
    """The reward table of the unit's grassroots union (or the nearest ancestor that has one)
    in force on a day."""
    unit = session.get(UnionUnit, unit_id)
    if unit is None:
        return None
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    for level in reversed(ids):
        tables = session.exec(
            select(RewardTable.effective_from, RewardTable.id).where(RewardTable.unit_id == level)
        ).all()
        chosen = rules.effective_table([(d, i) for d, i in tables], on)  # type: ignore[misc]
        if chosen is not None:
            return session.get(RewardTable, chosen)
    return None


def table_by_id(session: Session, *, table_id: int) -> RewardTable:
    table = session.get(RewardTable, table_id)
    if table is None:
        raise NotFound("reward_table_missing")
    return table


def bands_of(session: Session, *, table_id: int) -> list[Band]:
    rows = session.exec(select(RewardBand).where(RewardBand.table_id == table_id)).all()
    return sorted(Band(r.min_vnd, r.max_vnd, r.reward_vnd, r.points) for r in rows)


def compute_reward(session: Session, *, item: Initiative, on: date) -> Reward:
    table = table_in_force(session, unit_id=item.unit_id, on=on)
    if table is None:
        raise DomainError("reward_table_missing")
    assert table.id is not None and item.benefit_kind is not None
    benefit = rules.benefit_vnd(
        BenefitKind(item.benefit_kind), item.benefit_amount or 0, table.vnd_per_hour
    )
    band = rules.band_for(bands_of(session, table_id=table.id), benefit)
    reward_vnd, reward_points = (band.reward_vnd, band.points) if band else (0, 0)
    authors = [m.id for _a, m in authors_of(session, initiative_id=item.id)]  # type: ignore[arg-type]
    vnd = rules.split(reward_vnd, len(authors))
    pts = rules.split(reward_points, len(authors))
    return Reward(
        benefit_vnd=benefit,
        reward_vnd=reward_vnd,
        points=reward_points,
        table_id=table.id,
        shares=tuple(zip(authors, vnd, pts, strict=True)),  # type: ignore[arg-type]
    )


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


def public_names(session: Session, *, item: Initiative) -> list[str]:
    """The authors an announcement may name: none when the initiative was sent "without my
    name", else those who did not say /hidename."""
    if item.hide_name:
        return []
    return [
        m.full_name or ""
        for _a, m in authors_of(session, initiative_id=item.id)  # type: ignore[arg-type]
        if name_shown(session, member_id=m.id) is not False  # type: ignore[arg-type]
    ]


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


# ---- the reward table -----------------------------------------------------------------------


def set_reward_table(
    session: Session,
    *,
    actor: Actor,
    unit_id: int,
    effective_from: date,
    bands: list[Band],
    vnd_per_hour: int,
    now: datetime,
) -> RewardTable:
    """Store a unit's table; a table of the same unit and date is replaced. Refused when bands
    overlap (or are empty, negative ...)."""
    actor.require_unit(session, unit_id)
    problem = rules.table_problem(bands)
    if problem:
        raise InvalidInput(problem[0], f"band {problem[1]}")
    if vnd_per_hour < 0:
        raise InvalidInput("table_negative")
    table = session.exec(
        select(RewardTable).where(
            RewardTable.unit_id == unit_id, RewardTable.effective_from == effective_from
        )
    ).first()
    if table is None:
        table = RewardTable(unit_id=unit_id, effective_from=effective_from, created_at=now)
        session.add(table)
    table.vnd_per_hour = vnd_per_hour
    table.created_by = actor.member_id
    table.created_at = now
    session.flush()
    session.execute(delete(RewardBand).where(col(RewardBand.table_id) == table.id))
    for band in sorted(bands):
        session.add(
            RewardBand(
                table_id=table.id,  # type: ignore[arg-type]
                min_vnd=band.min_vnd,
                max_vnd=band.max_vnd,
                reward_vnd=band.reward_vnd,
                points=band.points,
            )
        )
    session.flush()
    return table


# ---- reminders ------------------------------------------------------------------------------


def send_review_reminders(
    session: Session, *, notifier: Notifier, now: datetime, days: int, limit: int = 200
) -> int:
    """Remind the assignee (or the unit's officers) of each initiative waiting for review
    (received or under review) whose status has not moved for `days` days, once per `days`
    days. The rows are claimed with FOR UPDATE SKIP LOCKED, and each reminder's dedupe key is
    the waiting period's number: two scheduler instances remind once."""
    cutoff = now - timedelta(days=days)
    due = session.exec(
        select(Initiative)
        .where(
            col(Initiative.status).in_([Status.RECEIVED, Status.UNDER_REVIEW]),
            col(Initiative.status_changed_at) <= cutoff,
            or_(col(Initiative.reminded_at).is_(None), col(Initiative.reminded_at) <= cutoff),
        )
        .order_by(col(Initiative.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for item in due:
        item.reminded_at = now
        period = rules.waiting_periods(item.status_changed_at, now, days)
        since = int(item.status_changed_at.timestamp())
        _tell_reviewers(
            session, notifier, item, f"ini:{item.id}:remind:{since}:{period}", now, reminder=True
        )
    session.flush()
    return len(due)


def officers_for_assignment(session: Session, *, item: Initiative) -> list[Member]:
    """Every officer whose scope covers the initiative's unit."""
    unit = session.get(UnionUnit, item.unit_id)
    if unit is None:
        return []
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    return list(
        session.exec(
            select(Member)
            .join(OfficerRole, col(OfficerRole.member_id) == Member.id)
            .where(col(OfficerRole.unit_id).in_(ids))
            .order_by(col(Member.id))
            .distinct()
        )
    )
