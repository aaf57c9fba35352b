"""A commendation's form (danh hiệu thi đua, Giấy khen, Bằng khen) and the union level that
issues it (cấp khen), for a title confirmed at a campaign's final review
(core/emulation/title_proposals.py) and for a direct commendation alike (issue #17). An officer
chooses an issuing level among the levels of the commended people's grassroots union and the
unions above it that the officer acts for: an officer of an industrial zone's union may record
the zone's Giấy khen for a member of an enterprise union below it, not the province's."""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Session, col, select

from core.campaigns.scope import Actor
from core.errors import InvalidInput
from core.i18n import N_, Translator
from core.members.models import UnionUnit, UnitKind


class Form(StrEnum):
    TITLE = "title"  # danh hiệu thi đua
    CERTIFICATE = "certificate"  # Giấy khen
    MERIT = "merit"  # Bằng khen


class Level(StrEnum):
    """Who issues it (cấp khen)."""

    GRASSROOTS = "grassroots"  # Ban Chấp hành Công đoàn cơ sở
    UPPER = "upper"  # Công đoàn cấp trên trực tiếp cơ sở
    PROVINCE = "province"  # LĐLĐ tỉnh, Công đoàn ngành Trung ương, Công đoàn Tổng Công ty
    CONFEDERATION = "confederation"  # Tổng Liên đoàn Lao động Việt Nam


LEVEL_OF_KIND = {
    UnitKind.CONFEDERATION: Level.CONFEDERATION,
    UnitKind.PROVINCIAL_FEDERATION: Level.PROVINCE,
    UnitKind.SECTOR_UNION: Level.PROVINCE,
    UnitKind.CORPORATION_UNION: Level.PROVINCE,
    UnitKind.UPPER_LEVEL_UNION: Level.UPPER,
    UnitKind.GRASSROOTS_UNION: Level.GRASSROOTS,
    UnitKind.UNION_DIVISION: Level.GRASSROOTS,
    UnitKind.UNION_GROUP: Level.GRASSROOTS,
}
FORM_LABELS = {
    Form.TITLE: N_("Emulation title"),
    Form.CERTIFICATE: N_("Certificate of merit (Giấy khen)"),
    Form.MERIT: N_("Diploma of merit (Bằng khen)"),
}
LEVEL_LABELS = {
    Level.GRASSROOTS: N_("Grassroots union"),
    Level.UPPER: N_("Upper-level union"),
    Level.PROVINCE: N_("Provincial federation or sector union"),
    Level.CONFEDERATION: N_("Vietnam General Confederation of Labour"),
}


def level_of(kind: str) -> Level:
    return LEVEL_OF_KIND[UnitKind(kind)]


def form_label(t: Translator, value: str) -> str:
    return t.gettext(FORM_LABELS[Form(value)])


def level_label(t: Translator, value: str) -> str:
    return t.gettext(LEVEL_LABELS[Level(value)])


def issuing_levels(session: Session, actor: Actor, home: UnionUnit) -> list[Level]:
    """The levels the actor may record a commendation of `home` (a grassroots union) as issued
    by: home's and those of the unions above it within the actor's scope, from home upwards."""
    ids = [int(part) for part in home.path.strip("/").split("/") if part.isdigit()]
    units = {u.id: u for u in session.exec(select(UnionUnit).where(col(UnionUnit.id).in_(ids)))}
    roots = [] if actor.operator else actor.units(session)
    levels: list[Level] = []
    for unit_id in reversed(ids):
        unit = units.get(unit_id)
        if unit is None:
            continue
        if not actor.operator and not any(unit.path.startswith(r.path) for r in roots):
            continue
        level = level_of(unit.kind)
        if level not in levels:
            levels.append(level)
    return levels


def chosen(
    session: Session, actor: Actor, home: UnionUnit, form: str | None, level: str | None
) -> tuple[str | None, str | None]:
    """The form and issuing level of a direct commendation, checked: none, or a form with a
    level the actor may record (home's own by default)."""
    if not form:
        if level:
            raise InvalidInput("commendation_form")
        return None, None
    if form not in {f.value for f in Form}:
        raise InvalidInput("commendation_form")
    allowed = issuing_levels(session, actor, home)
    if not level:
        return form, (allowed[0] if allowed else level_of(home.kind)).value
    if level not in {lv.value for lv in allowed}:
        raise InvalidInput("commendation_level")
    return form, level
