"""Erasing a person while the union's records stay true.

The member row stays as a pseudonym: no name, phone or preferred messenger, `forgotten_at`
set, its unit and the group and post it declared kept (the reports count commendations of
direct workers without a leadership post). Everything that points at it (initiatives with each
author's share, commendations, the points ledger and the scores, quiz attempts, broadcast
audiences) stays, so every report and unit total is what it was, shown as "a former member".
What identifies the person goes in the same transaction: their other messengers, consents'
link to a live person (withdrawn, dated), officer roles, sign-in and link codes, API tokens,
the name preference, drafts (their files are swept once nothing refers to them), conversation
states, message bodies in the outbox and the web chat history, and the name where the
union's free text carries it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, update
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
from core.members.models import Consent, Identity, Member, OfficerRole, RosterEntry
from core.storage.models import ConversationState, OutboxMessage, OutboxStatus, WebchatMessage
from core.websignin.models import WebSigninCode

WEBCHAT = "webchat"
# Rows still waiting to go are deleted; rows being handed to a messenger right now keep their
# body until the send is recorded (a lease of seconds); every other row keeps its record of
# delivery (the broadcasts' reports count them) without the text.
_UNSENT = (OutboxStatus.PENDING, OutboxStatus.HELD)
_IN_FLIGHT = (OutboxStatus.LEASED, OutboxStatus.SENDING)


def forget_member(
    session: Session, *, member: Member, keep_identity: Identity, now: datetime
) -> None:
    """Erase a person. `keep_identity`, the messenger they wrote from, stays unlinked with
    its platform id only (as for anyone who writes to the bot) so that the confirmation
    reaches them; its conversation state is the caller's to end."""
    member_id = member.id
    assert member_id is not None
    names = _name_forms(member.full_name)
    identities = list(session.exec(select(Identity).where(Identity.member_id == member_id)))
    if keep_identity not in identities:
        identities.append(keep_identity)
    _erase_messages(session, identities=identities)
    others = [i.id for i in identities if i.id != keep_identity.id]
    if others:
        session.execute(
            delete(ConversationState).where(col(ConversationState.identity_id).in_(others))
        )
        session.execute(delete(Identity).where(col(Identity.id).in_(others)))
    keep_identity.member_id = None
    _erase_accounts(session, member_id=member_id, now=now)
    _erase_drafts(session, member_id=member_id)
    _scrub_free_text(session, member_id=member_id, names=names)
    member.full_name = None
    member.phone = None
    member.preferred_platform = None
    member.forgotten_at = now
    session.flush()


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
    for model in (OfficerRole, OneTimeCode, WebSigninCode, OfficerToken, NamePreference):
        session.execute(delete(model).where(col(model.member_id) == member_id))  # type: ignore[attr-defined]
    session.execute(
        update(RosterEntry).where(col(RosterEntry.member_id) == member_id).values(member_id=None)
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
    """The union's records keep their text, without the person's name (a reason "for Mr Nguyễn
    Văn A's ..." becomes "for Mr [a former member]'s ..."). The replacement is fixed and
    language-neutral: it is stored, and read in either language."""
    if not names:
        return
    former = "[…]"
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
