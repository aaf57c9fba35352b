"""Who is acting: an officer (confined to their units' subtrees) or the operator (all units)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, col, select

from core.errors import Forbidden, NotFound
from core.members import service as members
from core.members.models import UnionUnit


@dataclass(frozen=True)
class Actor:
    member_id: int | None  # None: the operator's THIDUA_ADMIN_TOKEN
    operator: bool = False

    @classmethod
    def officer(cls, member_id: int) -> Actor:
        return cls(member_id=member_id)

    @classmethod
    def admin(cls) -> Actor:
        return cls(member_id=None, operator=True)

    def units(self, session: Session) -> list[UnionUnit]:
        """The roots of this actor's scope (empty for someone who is not an officer)."""
        if self.operator:
            return list(session.exec(select(UnionUnit).where(col(UnionUnit.parent_id).is_(None))))
        assert self.member_id is not None
        return members.officer_units(session, member_id=self.member_id)

    def is_officer(self, session: Session) -> bool:
        return self.operator or bool(self.units(session))

    def require_unit(self, session: Session, unit_id: int) -> UnionUnit:
        if self.operator:
            unit = session.get(UnionUnit, unit_id)
            if unit is None:
                raise NotFound("unit_unknown")
            return unit
        if self.member_id is None:
            raise Forbidden("not_an_officer")
        return members.require_scope(session, member_id=self.member_id, unit_id=unit_id)

    def unit_filter(self, session: Session):  # type: ignore[no-untyped-def]
        """A WHERE clause on UnionUnit for every unit in scope."""
        if self.operator:
            return col(UnionUnit.id).is_not(None)
        roots = members.officer_units(session, member_id=self.member_id or 0)
        if not roots:
            return col(UnionUnit.id).is_(None)
        return or_(*(members.subtree_filter(root) for root in roots))
