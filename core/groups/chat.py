"""/linkgroup in a private chat: an officer chooses the unit of their subtree a group chat is
for and gets the one-time code that links the group to it, with how to send it there.

`/linkgroup` alone offers the officer's own units and the units directly below them (a
grassroots officer with one unit gets the code at once); `/linkgroup <part of a name>` finds
the units of their subtree whose name contains it, without case or diacritics."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from core.dispatch import Context, Router, button, reply
from core.errors import Forbidden, NotFound
from core.groups import service
from core.groups.buttons import LinkGroupFor
from core.groups.service import CODE_TTL
from core.members import service as members
from core.members.models import UnionUnit
from core.members.rules import key_of
from core.messages import OutgoingMessage

router = Router()
OFFERED = 8  # units offered at once: more are found by typing part of the name


@router.command("linkgroup", members_only=True)
def on_linkgroup(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    assert ctx.member is not None
    units = members.officer_units(ctx.session, member_id=ctx.member.id)  # type: ignore[arg-type]
    if not units:
        return [reply(_("Only an officer of the union can link a group chat."))]
    if not ctx.config.group_links:
        return [reply(_("Group chats are not connected on this service yet."))]
    typed = ctx.text.strip().split(maxsplit=1)[1:]
    if typed:
        found, more = _search(ctx.session, units, typed[0][:100])
        if len(found) == 1:
            return _code_for(ctx, found[0])
        return _choose(ctx, found, more, searched=typed[0][:100])
    offered = _own_and_below(ctx.session, units)
    if len(offered) == 1:
        return _code_for(ctx, offered[0])
    return _choose(ctx, offered[:OFFERED], len(offered) > OFFERED, searched=None)


@router.button(LinkGroupFor, members_only=True)
def on_unit_chosen(ctx: Context, data: LinkGroupFor) -> list[OutgoingMessage]:
    assert ctx.member is not None
    if not ctx.config.group_links:
        return [reply(ctx.t.gettext("Group chats are not connected on this service yet."))]
    try:
        unit = members.require_scope(ctx.session, member_id=ctx.member.id, unit_id=data.unit)  # type: ignore[arg-type]
    except (Forbidden, NotFound):
        return [reply(ctx.t.gettext("Only an officer of that unit can link a group chat to it."))]
    return _code_for(ctx, unit)


def _own_and_below(session: Session, units: list[UnionUnit]) -> list[UnionUnit]:
    """The officer's own units (the highest first), then those directly below them."""
    own = sorted(units, key=lambda u: (u.path.count("/"), u.name, u.id))
    seen = {u.id for u in own}
    below: list[UnionUnit] = []
    for unit in own:
        for child in _open(session, select(UnionUnit).where(UnionUnit.parent_id == unit.id)):
            if child.id not in seen:
                seen.add(child.id)
                below.append(child)
    return own + below


def _open(session: Session, query: Any) -> list[UnionUnit]:
    """Up to OFFERED + 1 open units of the query, by name."""
    query = query.where(col(UnionUnit.closed_at).is_(None))
    return list(
        session.exec(query.order_by(col(UnionUnit.name), col(UnionUnit.id)).limit(OFFERED + 1))
    )


def _search(session: Session, units: list[UnionUnit], typed: str) -> tuple[list[UnionUnit], bool]:
    """The open units of the officer's subtrees whose name contains `typed` (or whose code is
    it) without case or diacritics, by name; and whether there are more than OFFERED. Only
    ids, names and codes are read to match (core/organisation/picking.py reads alike)."""
    wanted = key_of(typed)
    if not wanted:
        return [], False
    query = select(UnionUnit.id, UnionUnit.name, UnionUnit.code).where(
        or_(*(members.subtree_filter(unit) for unit in units)),
        col(UnionUnit.closed_at).is_(None),
    )
    hits = sorted(
        (name, unit_id)
        for unit_id, name, code in session.execute(query)
        if wanted in key_of(name) or (code and wanted == key_of(code))
    )
    ids = [unit_id for _name, unit_id in hits[:OFFERED]]
    return _open(session, select(UnionUnit).where(col(UnionUnit.id).in_(ids))), len(hits) > OFFERED


def _choose(
    ctx: Context, units: list[UnionUnit], more: bool, *, searched: str | None
) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    if not units:
        text = _(
            "None of your units has “{typed}” in its name. Send /linkgroup and part of the "
            "unit's name, for example: /linkgroup Minh Phát",
            typed=searched or "",
        )
        return [reply(text)]
    lines = [_("Which unit is the group chat for?")]
    if more:
        lines.append(
            _(
                "Not in the list? Send /linkgroup and part of the unit's name, for example: "
                "/linkgroup Minh Phát"
            )
        )
    buttons = [button(unit.name[:60], LinkGroupFor(unit.id)) for unit in units]  # type: ignore[arg-type]
    return [reply("\n".join(lines), *buttons)]


def _code_for(ctx: Context, unit: UnionUnit) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    assert ctx.member is not None
    code = service.issue_code(
        ctx.session,
        actor=service.Officer(ctx.member.id),  # type: ignore[arg-type]
        unit_id=unit.id,  # type: ignore[arg-type]
        now=ctx.now,
    )
    lines = [
        _(
            "To post the announcements of {unit} in a group chat, send this in the group "
            "within {minutes} minutes (the code works once):",
            unit=unit.name,
            minutes=int(CODE_TTL.total_seconds() // 60),
        )
    ]
    for _platform, links in sorted(ctx.config.group_links.items()):
        lines.append(f"{links.command} {code}")
        lines.append(
            _(
                "The bot must be in the group first: add {mention}, or open {link} and "
                "choose the group (the code is then sent for you).",
                mention=links.mention,
                link=links.add_to_group(code),
            )
        )
    lines.append(_("The groups of your units are listed on the officer desk."))
    return [reply("\n".join(lines))]
