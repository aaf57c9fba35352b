"""Drafts: an initiative being written in chat, step by step, kept in the database so it can
be continued on any linked messenger; its co-authors, files and the duplicate check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from core.campaigns import service as campaigns
from core.campaigns.models import Campaign
from core.chat.attachments import AttachmentLimits
from core.errors import DomainError, Forbidden, InvalidInput, NotFound
from core.initiatives import rules
from core.initiatives.models import Initiative, InitiativeAttachment, InitiativeAuthor
from core.initiatives.people import author_names, authors_of, grassroots_of, unit_members
from core.initiatives.rules import BenefitKind, Status
from core.initiatives.texts import CATEGORIES as CATEGORY_KEYS
from core.members import service as members
from core.members.models import Member, UnionUnit
from core.messages import Attachment

MAX_TITLE = 200
MAX_TEXT = 3000
MAX_AUTHORS = 10
MAX_ATTACHMENTS = 10
SIMILAR_SCAN = 500  # recent initiatives of the unit compared for the duplicate check


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
    limits: AttachmentLimits,
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


# ---- the chat's steps -----------------------------------------------------------------------

ORDER = (
    "title",
    "problem",
    "solution",
    "benefit_kind",
    "benefit",
    "files",
    "coauthors",
    "category",
    "campaign",
    "confirm",
)


@dataclass(frozen=True)
class Summary:
    """What the last step shows before the draft is sent."""

    draft: Initiative
    authors: str
    files: int
    similar: list[Initiative]
    campaign: str | None = None  # the title of the campaign it belongs to, if any


def step_of(draft: Initiative) -> str:
    return draft.draft_step if draft.draft_step in ORDER else "title"


def move_on(session: Session, *, draft: Initiative, after: str) -> str:
    """Move the draft to the step after `after`; the step it is now at."""
    draft.draft_step = ORDER[min(ORDER.index(after) + 1, len(ORDER) - 1)]
    session.flush()
    return draft.draft_step


def write(session: Session, *, draft: Initiative, text: str) -> str:
    """Keep what was typed at the draft's step (title, problem, solution or benefit), checked;
    the step it moves to. InvalidInput names what is wrong."""
    step = step_of(draft)
    if step == "title":
        draft.title = check_text(text.split("\n")[0], limit=MAX_TITLE, code="title")
    elif step in ("problem", "solution"):
        setattr(draft, step, check_text(text, limit=MAX_TEXT, code=step))
    elif step == "benefit" and draft.benefit_kind == BenefitKind.TIME:
        amount = rules.parse_hours(text)
        if amount is None:
            raise InvalidInput("benefit_bad_hours")
        draft.benefit_amount = amount
    elif step == "benefit":
        amount = rules.parse_amount(text)
        if amount is None:
            raise InvalidInput("benefit_bad")
        draft.benefit_amount = amount
    else:
        raise InvalidInput("answer_by_choice")
    return move_on(session, draft=draft, after=step)


def choose_benefit_kind(session: Session, *, draft: Initiative, kind: BenefitKind) -> str:
    draft.benefit_kind = kind
    return move_on(session, draft=draft, after="benefit_kind")


def choose_category(session: Session, *, draft: Initiative, key: str) -> str:
    if key not in CATEGORY_KEYS:
        raise InvalidInput("category_unknown")
    draft.category = key
    return move_on(session, draft=draft, after="category")


def running_campaigns(session: Session, *, member: Member, limit: int = 5) -> list[Campaign]:
    """The campaigns the draft may belong to: those running for the member."""
    return campaigns.running_for_member(session, member=member)[:limit]


def choose_campaign(
    session: Session, *, draft: Initiative, member: Member, campaign_id: int | None
) -> str:
    """Tie the draft to a campaign the member can see (None: to none)."""
    if campaign_id is not None:
        campaigns.member_may_see(session, member=member, campaign_id=campaign_id)
    draft.campaign_id = campaign_id
    return move_on(session, draft=draft, after="campaign")


def skip_campaign(session: Session, *, draft: Initiative) -> str:
    return move_on(session, draft=draft, after="campaign")


def discard(session: Session, *, draft: Initiative) -> None:
    session.delete(draft)
    session.flush()


def summary(session: Session, *, draft: Initiative) -> Summary:
    return Summary(
        draft=draft,
        authors=author_names(session, initiative_id=draft.id),  # type: ignore[arg-type]
        files=len(attachments_of(session, initiative_id=draft.id)),  # type: ignore[arg-type]
        similar=[item for item, _score in similar_in_unit(session, initiative=draft)],
        campaign=_campaign_title(session, draft.campaign_id),
    )


def _campaign_title(session: Session, campaign_id: int | None) -> str | None:
    campaign = session.get(Campaign, campaign_id) if campaign_id is not None else None
    return campaign.title if campaign is not None else None
