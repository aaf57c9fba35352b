"""Recognising a person who joins by chat on their union's roster (verified membership).

The person types one key the roster has: their membership card number, their phone, or their
date of birth (which, with the name they gave, finds them). Exactly one entry of the unit's
roster (the unit they joined and the units below it) that nobody else has claimed makes them a
verified member, with the roster's unit, worker group and leadership post.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, or_, select

from core.members.models import Member, RosterEntry, UnionUnit
from core.members.rules import key_of, normalise_phone, parse_date


class Outcome(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    SEVERAL = "several"  # the key fits more than one person: ask for another
    TAKEN = "taken"  # the entry belongs to someone who already joined


@dataclass(frozen=True, slots=True)
class Match:
    outcome: Outcome
    entry_id: int | None = None


def has_roster(session: Session, *, unit: UnionUnit) -> bool:
    return (
        session.exec(
            select(RosterEntry.id)
            .where(
                col(RosterEntry.unit_id).in_(_units_under(unit)),
                col(RosterEntry.removed_at).is_(None),
            )
            .limit(1)
        ).first()
        is not None
    )


def find(session: Session, *, unit: UnionUnit, full_name: str, answer: str) -> Match:
    """The roster entry the typed key names, for the person called `full_name`."""
    query = select(RosterEntry.id, RosterEntry.member_id).where(
        col(RosterEntry.unit_id).in_(_units_under(unit)), col(RosterEntry.removed_at).is_(None)
    )
    born = parse_date(answer)
    phone = normalise_phone(answer) if born is None else None
    if born is not None:
        query = query.where(
            RosterEntry.birth_date == born, RosterEntry.name_key == key_of(full_name)
        )
    elif phone is not None:
        card = answer.replace(" ", "").upper()
        query = query.where(or_(RosterEntry.phone == phone, RosterEntry.card == card))
    else:
        query = query.where(RosterEntry.card == answer.replace(" ", "").upper())
    found = session.exec(query.limit(3)).all()
    free = [entry_id for entry_id, member_id in found if member_id is None]
    if len(found) > 1:
        return Match(Outcome.SEVERAL)
    if not found:
        return Match(Outcome.NOT_FOUND)
    if not free:
        return Match(Outcome.TAKEN)
    return Match(Outcome.FOUND, free[0])


def verify(session: Session, *, member: Member, entry_id: int, now: datetime) -> None:
    """Link the member to their roster entry and take the roster's facts about them."""
    entry = session.get(RosterEntry, entry_id)
    assert entry is not None and entry.member_id in (None, member.id)
    entry.member_id = member.id
    member.unit_id = entry.unit_id
    member.verified_at = now
    if entry.worker_group is not None:
        member.worker_group = entry.worker_group
    if entry.holds_leadership_post is not None:
        member.holds_leadership_post = entry.holds_leadership_post
    session.flush()


def _units_under(unit: UnionUnit):  # type: ignore[no-untyped-def]
    return select(UnionUnit.id).where(col(UnionUnit.path).startswith(unit.path))
