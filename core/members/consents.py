"""Consent per purpose (Law 91/2025/QH15 asks for a consent per purpose): each is given or
withdrawn on its own, and every change is a dated row with the version of the wording the
person was shown. Joining asks for each purpose separately (core/members/onboarding.py)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from core.members.models import Consent, ConsentPurpose

# The version of the text shown for each purpose; a new text gets a new version, so that a
# consent row says what the person agreed to.
WORDING: dict[ConsentPurpose, str] = {
    ConsentPurpose.DATA_PROCESSING: "2026-12-03",
    ConsentPurpose.ANNOUNCEMENTS: "2026-12-03",
    ConsentPurpose.PUBLIC_NAME: "2026-12-03",
}


def active(session: Session, *, member_id: int) -> set[ConsentPurpose]:
    rows = session.exec(
        select(Consent.purpose).where(
            Consent.member_id == member_id, col(Consent.withdrawn_at).is_(None)
        )
    ).all()
    return {ConsentPurpose(p) for p in rows}


def set_consent(
    session: Session, *, member_id: int, purpose: ConsentPurpose, granted: bool, now: datetime
) -> bool:
    """Give or withdraw one purpose; False when it was so already (nothing is written)."""
    current = list(
        session.exec(
            select(Consent).where(
                Consent.member_id == member_id,
                Consent.purpose == purpose,
                col(Consent.withdrawn_at).is_(None),
            )
        )
    )
    if granted == bool(current):
        return False
    if granted:
        session.add(
            Consent(member_id=member_id, purpose=purpose, granted_at=now, wording=WORDING[purpose])
        )
    else:
        for consent in current:
            consent.withdrawn_at = now
    session.flush()
    return True


def names_public(session: Session, *, member_ids: set[int]) -> set[int]:
    """Those of `member_ids` who agreed that their name be shown beyond their own union."""
    if not member_ids:
        return set()
    rows = session.exec(
        select(Consent.member_id).where(
            col(Consent.member_id).in_(member_ids),
            Consent.purpose == ConsentPurpose.PUBLIC_NAME,
            col(Consent.withdrawn_at).is_(None),
        )
    ).all()
    return set(rows)
