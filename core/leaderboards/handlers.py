"""Leaderboards in chat: people (this week, all time, a campaign, a quiz) with "my rank", and
grassroots unions by points per member and by participation rate. An officer sees the boards
of their own unit's subtree.

Payloads: leaderboard:menu · leaderboard:i:<scope> · leaderboard:u:<p|t>:<scope>, where scope
is a (all time), w (this week), c<id> (a campaign), q<id> (a quiz).
"""

from __future__ import annotations

from sqlmodel import col, select

from core.campaigns.models import Campaign
from core.dispatch import Context, Router, payload_arg, reply
from core.leaderboards import service
from core.leaderboards.rules import UnitMeasure
from core.members import service as members
from core.members.buttons import Menu, MenuItem
from core.members.menu import main_menu
from core.members.models import UnionUnit
from core.messages import Button, OutgoingMessage
from core.points.models import MemberScore
from core.points.rules import ALL_TIME, campaign_scope, quiz_scope, week_scope
from core.quizzes.models import Quiz

router = Router()
TOP = 10


def scope_of(ctx: Context, code: str) -> str | None:
    if code == "a":
        return ALL_TIME
    if code == "w":
        return week_scope(ctx.now, ctx.config.timezone)
    if code[:1] in {"c", "q"} and code[1:].isdigit() and len(code) <= 11:
        number = int(code[1:])
        return campaign_scope(number) if code[0] == "c" else quiz_scope(number)
    return None


def scope_title(ctx: Context, code: str) -> str:
    _ = ctx.t.gettext
    if code == "a":
        return _("all time")
    if code == "w":
        return _("this week")
    if code.startswith("q"):
        quiz = ctx.session.get(Quiz, int(code[1:]))
        return _("quiz “{title}”", title=quiz.title) if quiz else _("a quiz")
    campaign = ctx.session.get(Campaign, int(code[1:]))
    if campaign is not None:
        return _("campaign “{title}”", title=campaign.title)
    return _("campaign no. {number}", number=code[1:])


def viewer_scope(ctx: Context) -> UnionUnit | None:
    """An officer's boards cover the highest unit they serve; a member sees every union."""
    assert ctx.member is not None
    units = members.officer_units(ctx.session, member_id=ctx.member.id)  # type: ignore[arg-type]
    return min(units, key=lambda u: len(u.path)) if units else None


@router.payload("leaderboard", members_only=True)
def on_leaderboard(ctx: Context) -> list[OutgoingMessage]:
    parts = payload_arg(ctx.message.payload or "").split(":")
    if parts == ["menu"]:
        return board_menu(ctx)
    if len(parts) == 2 and parts[0] == "i" and scope_of(ctx, parts[1]):
        return individual_board(ctx, parts[1])
    if len(parts) == 3 and parts[0] == "u" and parts[1] in {"p", "t"} and scope_of(ctx, parts[2]):
        measure: UnitMeasure = "per_member" if parts[1] == "p" else "participation"
        return unit_board(ctx, measure, parts[2])
    return [main_menu(ctx, ctx.t.gettext("That button is no longer active."))]


def board_menu(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    assert ctx.member is not None
    buttons = [
        Button(_("People: this week"), "leaderboard:i:w"),
        Button(_("People: all time"), "leaderboard:i:a"),
        Button(_("Unions: points per member"), "leaderboard:u:p:a"),
        Button(_("Unions: taking part"), "leaderboard:u:t:a"),
    ]
    campaigns = ctx.session.exec(
        select(MemberScore.scope)
        .where(
            MemberScore.member_id == ctx.member.id,
            col(MemberScore.scope).startswith("campaign:"),
        )
        .limit(3)
    ).all()
    for scope in campaigns:
        number = scope.split(":", 1)[1]
        buttons.append(
            Button(_("Campaign no. {number}", number=number), f"leaderboard:i:c{number}")
        )
    buttons.append(Button(_("Main menu"), "menu:main"))
    within = viewer_scope(ctx)
    text = _("Which leaderboard would you like to see?")
    if within is not None:
        text += "\n" + _("As an officer you see the boards of {unit}.", unit=within.name)
    return [reply(text, *buttons)]


def individual_board(ctx: Context, code: str) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    assert ctx.member is not None
    scope = scope_of(ctx, code)
    assert scope is not None
    within = viewer_scope(ctx)
    rows = service.top_members(ctx.session, scope=scope, limit=TOP, within=within)
    lines = [_("Leaderboard of members – {scope}", scope=scope_title(ctx, code))]
    if not rows:
        lines.append(_("Nobody has points here yet. Take a quiz to be the first!"))
    units = _unit_names(ctx, {r.unit_id for r in rows})
    for row in rows:
        lines.append(
            _(
                "{rank}. {name} ({unit}) – {points} points",
                rank=row.rank,
                name=row.name,
                unit=units.get(row.unit_id, ""),
                points=ctx.t.number(row.points),
            )
        )
    mine = service.my_rank(ctx.session, scope=scope, member_id=ctx.member.id)  # type: ignore[arg-type]
    lines.append("")
    if mine is None:
        lines.append(_("You have no points here yet."))
    else:
        lines.append(
            _(
                "Your rank: {rank} of {total}, with {points} points.",
                rank=ctx.t.number(mine.rank),
                total=ctx.t.number(mine.out_of),
                points=ctx.t.number(mine.points),
            )
        )
    return [reply("\n".join(lines), *_board_buttons(ctx))]


def _unit_names(ctx: Context, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    found = ctx.session.exec(select(UnionUnit).where(col(UnionUnit.id).in_(ids))).all()
    return {u.id: u.name for u in found}  # type: ignore[misc]


def unit_board(ctx: Context, measure: UnitMeasure, code: str) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    assert ctx.member is not None
    scope = scope_of(ctx, code)
    assert scope is not None
    ranked = service.unit_board(ctx.session, scope=scope, measure=measure, within=viewer_scope(ctx))
    if measure == "per_member":
        lines = [
            _("Grassroots unions by points per member – {scope}", scope=scope_title(ctx, code))
        ]
    else:
        lines = [
            _("Grassroots unions by members taking part – {scope}", scope=scope_title(ctx, code))
        ]
    if not ranked:
        lines.append(_("No union has points here yet."))
    for entry in ranked[:TOP]:
        row = entry.row
        if measure == "per_member":
            value = _(
                "{value} points per member",
                value=ctx.t.number(round(float(entry.value), 1)),
            )
        else:
            value = _(
                "{percent}% taking part ({participants} of {members})",
                percent=ctx.t.number(round(float(entry.value) * 100, 1)),
                participants=row.participants,
                members=row.members,
            )
        lines.append(f"{entry.rank}. {row.name} – {value}")
    own = next((e for e in ranked if e.row.unit_id == ctx.member.unit_id), None)
    if own is not None:
        lines.append("")
        lines.append(_("Your union: rank {rank} of {total}.", rank=own.rank, total=len(ranked)))
    return [reply("\n".join(lines), *_board_buttons(ctx))]


def _board_buttons(ctx: Context) -> tuple[Button, ...]:
    return (
        Button(ctx.t.gettext("Other leaderboards"), "leaderboard:menu"),
        Button(ctx.t.gettext("Main menu"), "menu:main"),
    )


@router.button(Menu, members_only=True, item=MenuItem.LEADERBOARD)
def on_menu_entry(ctx: Context, _data: Menu) -> list[OutgoingMessage]:
    return board_menu(ctx)
