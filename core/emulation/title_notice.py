"""Telling the people concerned that a title was confirmed (issue #17): when a campaign's list
is confirmed, each person on it is told their title or commendation form, and each officer of
a grassroots union on it is told the union's, in their own language, on the messenger that
reaches them best. Written to the outbox in the confirming transaction (core.initiatives.notify),
so the list is never confirmed without its messages, nor the messages sent for a list that was
not; a redone confirmation queues nothing twice (each message has its own key)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from core.campaigns.models import Campaign
from core.emulation.title_defaults import level_label
from core.emulation.title_models import TitleProposal
from core.i18n import N_, Translator
from core.initiatives.notify import Compose, Teller
from core.members.models import Member, OfficerRole, UnionUnit
from core.messages import OutgoingMessage

PERSON = N_(
    "Congratulations! {unit} has confirmed you for “{title}” (issuing level: {level}) in the "
    "campaign “{campaign}”. The confirmed list goes to the emulation and commendation council."
)
COLLECTIVE = N_(
    "Congratulations! {unit} has confirmed {union} for “{title}” (issuing level: {level}) in "
    "the campaign “{campaign}”. The confirmed list goes to the emulation and commendation "
    "council. You receive this as an officer of {union}."
)


def _compose(text: str, row: TitleProposal, campaign: Campaign, unit: str, union: str) -> Compose:
    def compose(t: Translator) -> list[OutgoingMessage]:
        said = t.gettext(
            text,
            unit=unit,
            union=union,
            title=row.name,
            level=level_label(t, row.level),
            campaign=campaign.title,
        )
        return [OutgoingMessage(text=said)]

    return compose


def _officers(session: Session, unit_id: int) -> list[int]:
    """The officers of a grassroots union who can still be told (not erased)."""
    return list(
        session.exec(
            select(OfficerRole.member_id)
            .join(Member, col(Member.id) == OfficerRole.member_id)
            .where(OfficerRole.unit_id == unit_id, col(Member.forgotten_at).is_(None))
            .order_by(col(OfficerRole.member_id))
        )
    )


def tell_confirmed(
    session: Session,
    *,
    teller: Teller,
    campaign: Campaign,
    rows: Iterable[TitleProposal],
    now: datetime,
) -> int:
    """Queue the messages of the confirmed rows; returns how many people will be told (those
    without a messenger that reaches them are not)."""
    owner = session.get(UnionUnit, campaign.unit_id)
    unit = owner.name if owner is not None else ""
    told = 0
    for row in rows:
        if row.member_id is not None:
            person = session.get(Member, row.member_id)
            if person is None or person.forgotten_at is not None:
                continue
            targets, compose = [row.member_id], _compose(PERSON, row, campaign, unit, "")
        else:
            union = session.get(UnionUnit, row.unit_id)
            name = union.name if union is not None else ""
            targets = _officers(session, row.unit_id)
            compose = _compose(COLLECTIVE, row, campaign, unit, name)
        for member_id in targets:
            key = f"title_confirmed:{row.id}:{member_id}"
            if teller.tell(session, member_id=member_id, compose=compose, key=key, now=now):
                told += 1
    return told
