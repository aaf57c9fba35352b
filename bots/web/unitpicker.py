"""The desk's unit picker: a page offers the unit chosen (from its query string), the way down
to it, the units directly below it and a search by name (a GET form, so that it works without
JavaScript), never the whole tree; forms on the page offer only `choices`. The reading is
core/organisation/picking.py; the form is the `unit_picker` macro in _macros.html."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from sqlmodel import Session
from starlette.datastructures import QueryParams

from bots.web.context import Me
from core.members.models import UnionUnit
from core.organisation import picking


@dataclass(frozen=True)
class UnitPicker:
    picked: picking.Picked
    action: str  # the page's address
    name: str = "unit"  # the query parameter of the unit; its search is `<name>_q`
    keep: dict[str, str] = field(default_factory=dict)  # the page's other parameters

    @property
    def chosen(self) -> UnionUnit:
        return self.picked.chosen

    @property
    def choices(self) -> list[UnionUnit]:
        return self.picked.choices

    @property
    def field_id(self) -> str:
        return f"{self.name}-q"

    def href(self, unit: UnionUnit) -> str:
        return f"{self.action}?{urlencode({**self.keep, self.name: unit.id})}"


def unit_param(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def picker(
    s: Session,
    me: Me,
    *,
    action: str,
    unit: str = "",
    q: str = "",
    name: str = "unit",
    keep: dict[str, str] | None = None,
    open_only: bool = False,
) -> UnitPicker:
    """The picker of `name` on the page `action` for the raw query values `unit` and `q`."""
    picked = picking.pick(
        s,
        actor=me.actor,
        unit_id=unit_param(unit),
        q=q[:100],
        open_only=open_only,
        roots=list(me.units),
    )
    kept = {k: v for k, v in (keep or {}).items() if v}
    return UnitPicker(picked, action, name, kept)


def asked(params: QueryParams, name: str = "unit") -> tuple[str, str]:
    """The unit and the search the page's address asks the picker `name` for."""
    return params.get(name, ""), params.get(f"{name}_q", "")


def within(me: Me, unit: UnionUnit) -> bool:
    """Whether the unit is one of the officer's units or below one (read from its path)."""
    return any(unit.path.startswith(own.path) for own in me.units)
