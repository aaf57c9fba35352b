"""The people around an initiative: the grassroots union of a unit and its members, the
officers who review, the authors, and whether a member's name may appear in announcements."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from core.errors import NotFound
from core.i18n import Translator
from core.initiatives.models import Initiative, InitiativeAuthor, NamePreference
from core.members import consents
from core.members import service as members
from core.members.labels import name_of
from core.members.models import ConsentPurpose, Member, OfficerRole, UnionUnit, UnitKind


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
            .where(
                members.subtree_filter(unit),
                col(Member.onboarded_at).is_not(None),
                col(Member.forgotten_at).is_(None),
            )
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
    """/showname or /hidename, else the answer given when joining (the consent to the name
    beyond one's union), else None (not said)."""
    pref = session.get(NamePreference, member_id)
    if pref is not None:
        return pref.show_name
    if consents.names_public(session, member_ids={member_id}):
        return True
    return None


def set_name_shown(session: Session, *, member_id: int, show: bool, now: datetime) -> None:
    """The same choice for announcements, leaderboards and exports: the preference and the
    dated consent row of the purpose."""
    pref = session.get(NamePreference, member_id)
    if pref is None:
        session.add(NamePreference(member_id=member_id, show_name=show, updated_at=now))
    else:
        pref.show_name, pref.updated_at = show, now
    consents.set_consent(
        session, member_id=member_id, purpose=ConsentPurpose.PUBLIC_NAME, granted=show, now=now
    )
    session.flush()


def authors_of(session: Session, *, initiative_id: int) -> list[tuple[InitiativeAuthor, Member]]:
    return list(
        session.exec(
            select(InitiativeAuthor, Member)
            .join(Member, col(Member.id) == InitiativeAuthor.member_id)
            .where(InitiativeAuthor.initiative_id == initiative_id)
            .order_by(col(InitiativeAuthor.position))
        ).all()
    )


def author_names(session: Session, *, initiative_id: int, t: Translator | None = None) -> str:
    """The authors, a forgotten one as "a former member" (in `t`'s language; "?" without)."""
    return ", ".join(
        name_of(t, m) if t is not None else m.full_name or "?"
        for _a, m in authors_of(session, initiative_id=initiative_id)
    )


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


def officers_for_assignment(session: Session, *, item: Initiative) -> list[Member]:
    """Every officer whose scope covers the initiative's unit, the unit's own officers first,
    then those of each level above (the province's officer last, not the default)."""
    unit = session.get(UnionUnit, item.unit_id)
    if unit is None:
        return []
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    rows = session.exec(
        select(Member, OfficerRole.unit_id)
        .join(OfficerRole, col(OfficerRole.member_id) == Member.id)
        .where(col(OfficerRole.unit_id).in_(ids))
        .order_by(col(Member.id))
    ).all()
    ordered: dict[int, Member] = {}
    for member, _unit in sorted(rows, key=lambda row: -ids.index(row[1])):
        ordered.setdefault(member.id, member)  # type: ignore[arg-type]
    return list(ordered.values())
