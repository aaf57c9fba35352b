"""The only officer of a unit may use /forget (issue 15): the unit is then without an officer.
The desk's «Officers and access» page of the units above lists it among the units without an
officer (core/organisation/access.py::vacant_units) and offers an officer code for
it; here the officers of the nearest unit above that has officers are told, in the transaction
of the /forget, so that the unit is not left unnoticed."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from core.dispatch import reply
from core.i18n import Translator
from core.initiatives.notify import Teller
from core.members import service as members
from core.members.models import OfficerRole, UnionUnit
from core.messages import OutgoingMessage


def sole_units(session: Session, *, member_id: int) -> list[UnionUnit]:
    """The open units of which this member is the only officer."""
    held = list(
        session.exec(
            select(UnionUnit)
            .join(OfficerRole, col(OfficerRole.unit_id) == UnionUnit.id)
            .where(OfficerRole.member_id == member_id, col(UnionUnit.closed_at).is_(None))
            .order_by(col(UnionUnit.path))
        )
    )
    shared = set(
        session.exec(
            select(OfficerRole.unit_id).where(
                col(OfficerRole.unit_id).in_([u.id for u in held]),
                OfficerRole.member_id != member_id,
            )
        )
    )
    return [u for u in held if u.id not in shared]


def officers_above(session: Session, *, unit: UnionUnit) -> list[int]:
    """The officers of the nearest unit above `unit` that has any."""
    return members.nearest_officers(session, unit=unit, above=True)


def notice(t: Translator, unit: UnionUnit) -> list[OutgoingMessage]:
    return [
        reply(
            t.gettext(
                "{unit} has no officer on thidua any more: its only officer asked for their "
                "data to be erased. Their decisions stay on record. To give the role to "
                "someone, open «Officers and access» on the officer desk and print an officer "
                "code for this unit.",
                unit=unit.name,
            )
        )
    ]


def tell_above(
    session: Session,
    teller: Teller,
    *,
    units: list[UnionUnit],
    former_id: int,
    now: datetime,
) -> None:
    """Tell the officers above each unit left without an officer (after the roles went)."""
    for unit in units:
        for officer_id in officers_above(session, unit=unit):
            teller.tell(
                session,
                member_id=officer_id,
                compose=lambda t, unit=unit: notice(t, unit),  # type: ignore[misc]
                key=f"no-officer:{unit.id}:{former_id}:{officer_id}",
                now=now,
            )
