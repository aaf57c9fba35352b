"""Erasing a person while the union's records stay true.

The member row stays as a pseudonym: no name, phone or preferred messenger, `forgotten_at`
set, its unit and the group and post it declared kept (the reports count commendations of
direct workers without a leadership post). Everything that points at it (initiatives with each
author's share, commendations, the points ledger and the scores, quiz attempts, broadcast
audiences) stays, so every report and unit total is what it was, shown as "a former member".
What identifies the person goes in the same transaction: their other messengers, consents'
link to a live person (withdrawn, dated), a request to join still waiting (withdrawn),
officer roles, sign-in and link codes, API tokens, the name preference, drafts (their files
are swept once nothing refers to them), conversation states, message bodies in the outbox and
the web chat history, and the name where the union's free text carries it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import String, TypeDecorator, delete, func, update
from sqlalchemy.types import TypeEngine
from sqlmodel import Session, col, select

from core.campaigns.models import OfficerToken
from core.commendations.models import Commendation, CommendedMember
from core.initiatives import rules as initiative_rules
from core.initiatives.models import (
    Initiative,
    InitiativeAuthor,
    InitiativeEvent,
    NamePreference,
)
from core.initiatives.rules import Status
from core.linking.models import OneTimeCode
from core.members.models import (
    Consent,
    Identity,
    JoinRequest,
    JoinRequestStatus,
    Member,
    MemberChange,
    OfficerRole,
    OfficerRoleKind,
    RosterEntry,
)
from core.points import service as points
from core.quizzes import takers
from core.schema import metadata
from core.storage.models import (
    ConversationState,
    InboundUpdate,
    OutboxMessage,
    OutboxStatus,
    WebchatMessage,
)
from core.websignin.models import WebSession, WebSigninCode

WEBCHAT = "webchat"
FORMER = "[…]"  # what replaces the name in stored text
# Columns the name and phone are not replaced in: other members' names and phones (a
# namesake keeps theirs) and the union's own roster (imported by its officers from the
# union's membership file; unlinked from the member here).
_NOT_SCRUBBED = {
    ("member", "full_name"),
    ("member", "phone"),
    ("member", "name_key"),
    ("roster_entry", "full_name"),
    ("roster_entry", "name_key"),
    ("roster_entry", "phone"),
}
# Rows still waiting to go are deleted; rows being handed to a messenger right now keep their
# body until the send is recorded (a lease of seconds); every other row keeps its record of
# delivery (the broadcasts' reports count them) without the text.
_UNSENT = (OutboxStatus.PENDING, OutboxStatus.HELD)
_IN_FLIGHT = (OutboxStatus.LEASED, OutboxStatus.SENDING)
_OPEN = (Status.RECEIVED, Status.UNDER_REVIEW, Status.NEEDS_INFO)


def forget_member(
    session: Session, *, member: Member, keep_identity: Identity | None, now: datetime, key: bytes
) -> None:
    """Erase a person. `keep_identity`, the messenger they wrote from, stays unlinked with
    its platform id only (as for anyone who writes to the bot) so that the confirmation
    reaches them; its conversation state is the caller's to end (None: an officer removes a
    person who has no messenger). `key`: the privacy key of the hashes that keep a quiz at one
    attempt per person until it closes."""
    member_id = member.id
    assert member_id is not None
    names = _name_forms(member.full_name)
    identities = list(session.exec(select(Identity).where(Identity.member_id == member_id)))
    if keep_identity is not None and keep_identity not in identities:
        identities.append(keep_identity)
    takers.remember(session, key=key, member_id=member_id, identities=identities, now=now)
    points.unrank(session, member_id=member_id)
    _erase_messages(session, identities=identities)
    kept = keep_identity.id if keep_identity is not None else None
    others = [i.id for i in identities if i.id != kept]
    if others:
        session.execute(
            delete(ConversationState).where(col(ConversationState.identity_id).in_(others))
        )
        session.execute(delete(Identity).where(col(Identity.id).in_(others)))
    if keep_identity is not None:
        keep_identity.member_id = None
    member.former_post = _post_held(session, member_id=member_id)
    _erase_accounts(session, member_id=member_id, now=now)
    _erase_drafts(session, member_id=member_id)
    # open initiatives assigned to them (an officer) go back to their unit's reviewers
    session.execute(
        update(Initiative)
        .where(col(Initiative.assignee_id) == member_id, col(Initiative.status).in_(_OPEN))
        .values(assignee_id=None)
    )
    _scrub_free_text(session, member_id=member_id, names=names)
    phone = (member.phone or "").strip()
    _scrub_everywhere(
        session,
        texts=[n for n in names if len(n.split()) >= 2] + ([phone] if len(phone) >= 8 else []),
    )
    _erase_inbound(session, identities=[i for i in identities if i.id != kept])
    member.full_name = None
    member.phone = None
    member.preferred_platform = None
    member.forgotten_at = now
    session.flush()


def _post_held(session: Session, *, member_id: int) -> str | None:
    """The post their decisions stay attributed to: chair if they chaired a unit."""
    held = set(session.exec(select(OfficerRole.role).where(OfficerRole.member_id == member_id)))
    if not held:
        return None
    return OfficerRoleKind.CHAIR if OfficerRoleKind.CHAIR in held else OfficerRoleKind.OFFICER


def _erase_messages(session: Session, *, identities: list[Identity]) -> None:
    ids = [i.id for i in identities]
    session.execute(
        delete(OutboxMessage).where(
            col(OutboxMessage.identity_id).in_(ids), col(OutboxMessage.status).in_(_UNSENT)
        )
    )
    session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.identity_id).in_(ids),
            col(OutboxMessage.status).not_in(_IN_FLIGHT),
        )
        .values(body="", last_error=None)
    )
    sessions = [i.platform_user_id for i in identities if i.platform == WEBCHAT]
    if sessions:
        session.execute(delete(WebchatMessage).where(col(WebchatMessage.session_id).in_(sessions)))


def _erase_accounts(session: Session, *, member_id: int, now: datetime) -> None:
    session.execute(
        update(Consent)
        .where(col(Consent.member_id) == member_id, col(Consent.withdrawn_at).is_(None))
        .values(withdrawn_at=now)
    )
    for model in (
        OfficerRole,
        OneTimeCode,
        WebSigninCode,
        WebSession,
        OfficerToken,
        NamePreference,
    ):
        session.execute(delete(model).where(col(model.member_id) == member_id))  # type: ignore[attr-defined]
    session.execute(
        update(RosterEntry).where(col(RosterEntry.member_id) == member_id).values(member_id=None)
    )
    # a request to join still waiting is withdrawn: no officer is asked about a former member
    session.execute(
        update(JoinRequest)
        .where(
            col(JoinRequest.member_id) == member_id,
            col(JoinRequest.status) == JoinRequestStatus.PENDING,
        )
        .values(status=JoinRequestStatus.WITHDRAWN, decided_at=now)
    )
    # officers' changes to them stay (who, when, what kind) without the names and phones, nor
    # the reasons given (free text that may name them)
    session.execute(
        update(MemberChange)
        .where(col(MemberChange.member_id) == member_id)
        .values(before=None, after=None, why=None)
    )


def _erase_drafts(session: Session, *, member_id: int) -> None:
    """Drafts were never sent to the union: they go, with their authors and attachment rows
    (the files are swept once no row refers to them)."""
    drafts = select(Initiative.id).where(
        Initiative.submitter_id == member_id, Initiative.status == Status.DRAFT
    )
    session.execute(delete(Initiative).where(col(Initiative.id).in_(drafts)))


def _name_forms(full_name: str | None) -> list[str]:
    if not full_name or not full_name.strip():
        return []
    name = full_name.strip()
    return sorted({name, initiative_rules.normalised(name)}, key=len, reverse=True)


def _scrub(text: str | None, names: Iterable[str], former: str) -> str | None:
    if not text:
        return text
    for name in names:
        text = re.sub(re.escape(name), former, text, flags=re.IGNORECASE)
    return text


def _scrub_free_text(session: Session, *, member_id: int, names: list[str]) -> None:
    """The union's records keep their text, without the person's name (a reason "for Nguyễn
    Văn A's ..." becomes "for […]'s ..."), whatever its case. The replacement is fixed and
    language-neutral: it is stored, and read in either language."""
    if not names:
        return
    former = FORMER
    initiative_ids = select(InitiativeAuthor.initiative_id).where(
        InitiativeAuthor.member_id == member_id
    )
    items = session.exec(
        select(Initiative).where(
            (col(Initiative.id).in_(initiative_ids)) | (Initiative.submitter_id == member_id)
        )
    )
    for item in items:
        for field in ("title", "problem", "solution", "folded", "info_request", "reject_reason"):
            setattr(item, field, _scrub(getattr(item, field), names, former))
    events = session.exec(
        select(InitiativeEvent).where(col(InitiativeEvent.initiative_id).in_(initiative_ids))
    )
    for event in events:
        event.note = _scrub(event.note, names, former)
    commended = select(CommendedMember.commendation_id).where(
        CommendedMember.member_id == member_id
    )
    for item in session.exec(
        select(Commendation).where(
            col(Commendation.id).in_(commended) | (Commendation.nominated_by == member_id)
        )
    ):
        item.reason = _scrub(item.reason, names, former) or ""
        item.team_name = _scrub(item.team_name, names, former)
        item.reject_reason = _scrub(item.reject_reason, names, former)


def is_text(type_: TypeEngine[object]) -> bool:
    """A column that holds text (String, Text, and SQLModel's AutoString over String)."""
    if isinstance(type_, TypeDecorator):
        type_ = type_.impl_instance
    return isinstance(type_, String)


def _scrub_everywhere(session: Session, *, texts: list[str]) -> None:
    """The full name (as written and folded) and the phone replaced in every text column of
    every table (announcements sent to others, web chat history, officers' notes ...): one
    UPDATE per column, only where it occurs. The caller leaves out a name of one word, too
    common to replace blindly (it stays where the records above did not hold it), and a
    phone of fewer than 8 characters."""
    if not texts:
        return
    for table in metadata.sorted_tables:
        for column in table.columns:
            if (table.name, column.name) in _NOT_SCRUBBED:
                continue
            if not is_text(column.type) or column.primary_key:
                continue
            for name in texts:
                pattern = (
                    "%" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                )
                session.execute(
                    update(table)
                    .where(column.like(pattern, escape="\\"))
                    .values({column.name: func.replace(column, name, FORMER)})
                )


def _erase_inbound(session: Session, *, identities: list[Identity]) -> None:
    """Updates kept for de-duplication from the person's other messengers: they go (the one
    they wrote from keeps only ids once answered, as anyone's)."""
    for identity in identities:
        session.execute(
            delete(InboundUpdate).where(
                InboundUpdate.platform == identity.platform,
                InboundUpdate.sender_id == identity.platform_user_id,
            )
        )
