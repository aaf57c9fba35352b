"""A stored review as an officer reads it (the desk's page, the workbook, the API): its frozen
figures with the names of today (unions, criteria, blocks, people; a person who used /forget
is "A former member"), and whether each person may be named beyond their union."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session

from core.broadcasts.models import Broadcast
from core.campaigns.models import Campaign
from core.emulation import review
from core.emulation.models import EmulationCriterion
from core.emulation.review import Review
from core.emulation.review_models import EmulationReview
from core.i18n import Translator


@dataclass(frozen=True)
class Shown:
    row: EmulationReview
    campaign: Campaign
    figures: Review
    units: dict[int, str]
    criteria: dict[int, EmulationCriterion]
    blocks: dict[int, str]
    people: dict[int, tuple[str | None, bool]]  # member -> (name, None if forgotten; public)
    broadcast: Broadcast | None

    def unit(self, unit_id: int) -> str:
        return self.units.get(unit_id, "?")

    def person(self, t: Translator, member_id: int) -> str:
        name, _public = self.people.get(member_id, (None, False))
        return name or t.gettext("A former member")

    def public(self, member_id: int) -> bool:
        return self.people.get(member_id, (None, False))[1]

    def criterion(self, criterion_id: int) -> str:
        found = self.criteria.get(criterion_id)
        return found.name if found is not None else "?"

    def block(self, block_id: int | None) -> str:
        return self.blocks.get(block_id, "") if block_id is not None else ""

    def share(self, part: str, whole: str) -> Decimal | None:
        """One total over another (0 to 1), None when the second is 0."""
        total = self.figures.total(whole)
        return Decimal(self.figures.total(part)) / total if total else None


def shown(session: Session, row: EmulationReview, campaign: Campaign) -> Shown:
    figures = review.figures_of(row)
    unit_ids = {u.unit_id for u in figures.units} | {b.owner_unit_id for b in figures.blocks}
    unit_ids |= {p.unit_id for p in figures.people}
    return Shown(
        row=row,
        campaign=campaign,
        figures=figures,
        units=review.unit_names(session, unit_ids),
        criteria=review.criterion_rows(session, figures),
        blocks=review.block_names(session, figures),
        people=review.names(session, (p.member_id for p in figures.people)),
        broadcast=session.get(Broadcast, row.broadcast_id) if row.broadcast_id else None,
    )
