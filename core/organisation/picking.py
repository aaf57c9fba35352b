"""Choosing one unit in a tree of thousands without listing them all: the unit chosen, the
way down to it from the actor's own units, the units directly below it, and the units whose
name contains what was typed (without case or diacritics). Every read is bounded, so that a
page offering a unit costs the same for a grassroots union and for a province."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from core.campaigns.scope import Actor
from core.errors import Forbidden, NotFound
from core.members import service as members
from core.members.models import UnionUnit
from core.members.rules import key_of

LIMIT = 100  # units listed below the chosen one, or found by a search


@dataclass(frozen=True)
class Picked:
    chosen: UnionUnit
    trail: list[UnionUnit]  # the actor's units down to the chosen one's parent, from the top
    below: list[UnionUnit]  # units directly below the chosen one, by name
    more_below: bool  # more than `LIMIT` are below: a search finds the others
    q: str = ""
    found: list[UnionUnit] = field(default_factory=list)  # units matching `q`, by name
    more_found: bool = False

    @property
    def choices(self) -> list[UnionUnit]:
        """The units a form may offer now: the chosen one, those below it, those found."""
        seen: set[int | None] = set()
        out = []
        for unit in (self.chosen, *self.found, *self.below):
            if unit.id not in seen:
                seen.add(unit.id)
                out.append(unit)
        return out


def _in_scope(unit: UnionUnit, roots: list[UnionUnit], actor: Actor) -> bool:
    return actor.operator or any(unit.path.startswith(root.path) for root in roots)


def _trail(
    session: Session, unit: UnionUnit, roots: list[UnionUnit], actor: Actor
) -> list[UnionUnit]:
    """The units above `unit` that the actor may act on, from the top (read only when there
    are some: for an officer's own unit, none)."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part][:-1]
    if not actor.operator:
        own = {root.id for root in roots}
        tops = [i for i, unit_id in enumerate(ids) if unit_id in own]
        ids = ids[tops[0] :] if tops else []
    if not ids:
        return []
    above = {u.id: u for u in session.exec(select(UnionUnit).where(col(UnionUnit.id).in_(ids)))}
    return [above[i] for i in ids if i in above]


def _below(session: Session, unit: UnionUnit, open_only: bool) -> list[UnionUnit]:
    query = select(UnionUnit).where(UnionUnit.parent_id == unit.id)
    if open_only:
        query = query.where(col(UnionUnit.closed_at).is_(None))
    by_name = query.order_by(col(UnionUnit.name), col(UnionUnit.id))
    return list(session.exec(by_name.limit(LIMIT + 1)))


def _within(actor: Actor, roots: list[UnionUnit]) -> ColumnElement[bool]:
    """A WHERE clause on UnionUnit for the units of these subtrees (the operator: all)."""
    if actor.operator:
        return col(UnionUnit.id).is_not(None)
    if not roots:
        return col(UnionUnit.id).is_(None)
    return or_(*(members.subtree_filter(root) for root in roots))


def find(
    session: Session,
    *,
    where: ColumnElement[bool],
    q: str,
    open_only: bool = False,
    limit: int = LIMIT,
) -> tuple[list[UnionUnit], bool]:
    """The units `where` whose name contains `q` or whose code is `q`, both without case or
    diacritics (the folded `name_key` and `code_key`, migration 0029), by name; and whether
    more than `limit` match. One query: the database matches, sorts and stops at `limit`."""
    wanted = key_of(q)
    if not wanted:
        return [], False
    matches = or_(
        col(UnionUnit.name_key).contains(wanted, autoescape=True),
        col(UnionUnit.code_key) == wanted,
    )
    query = select(UnionUnit).where(where, matches)
    if open_only:
        query = query.where(col(UnionUnit.closed_at).is_(None))
    by_name = query.order_by(col(UnionUnit.name), col(UnionUnit.id)).limit(limit + 1)
    found = list(session.exec(by_name))
    return found[:limit], len(found) > limit


def search(
    session: Session,
    *,
    actor: Actor,
    q: str,
    open_only: bool = False,
    limit: int = LIMIT,
    roots: list[UnionUnit] | None = None,
) -> tuple[list[UnionUnit], bool]:
    """The units in the actor's scope whose name (or code) contains `q` without case or
    diacritics, by name; and whether more than `limit` match. `roots`: the actor's own units
    when the caller has read them already."""
    roots = actor.units(session) if roots is None and not actor.operator else roots
    where = _within(actor, roots or [])
    return find(session, where=where, q=q, open_only=open_only, limit=limit)


def pick(
    session: Session,
    *,
    actor: Actor,
    unit_id: int | None,
    q: str = "",
    open_only: bool = False,
    roots: list[UnionUnit] | None = None,
) -> Picked:
    """The unit `unit_id` (the actor's first unit when None; Forbidden outside their scope)
    with its way down, the units below it and the units matching `q`. `roots`: the actor's
    own units when the caller has read them already."""
    roots = actor.units(session) if roots is None else roots
    if unit_id is not None:
        chosen = session.get(UnionUnit, unit_id)
        if chosen is None:
            raise NotFound("unit_unknown")
        if not _in_scope(chosen, roots, actor):
            raise Forbidden("outside_scope")
    elif roots:
        chosen = min(roots, key=lambda u: (u.path.count("/"), u.name))
    else:
        raise Forbidden("not_an_officer")
    below = _below(session, chosen, open_only)
    found, more_found = (
        search(session, actor=actor, q=q, open_only=open_only, roots=roots) if q else ([], False)
    )
    return Picked(
        chosen=chosen,
        trail=_trail(session, chosen, roots, actor),
        below=below[:LIMIT],
        more_below=len(below) > LIMIT,
        q=q,
        found=found,
        more_found=more_found,
    )


def names_of(session: Session, unit_ids: set[int]) -> dict[int, str]:
    """The names of these units only (for the rows a page shows)."""
    if not unit_ids:
        return {}
    query = select(UnionUnit.id, UnionUnit.name).where(col(UnionUnit.id).in_(list(unit_ids)))
    return {int(unit_id): name for unit_id, name in session.execute(query)}
