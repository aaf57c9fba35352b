"""Leaderboards in chat: people (this week, all time, a campaign) with "my rank", and
grassroots unions by points per member and by participation rate. An officer sees the boards
of their own unit's subtree. A quiz's own board is shown by the quizzes feature with
`people_board`."""

from __future__ import annotations

from core.dispatch import Context, Router, button, reply
from core.leaderboards import service
from core.leaderboards.buttons import Board, Period, Ranking
from core.leaderboards.rules import UnitMeasure
from core.members import consents
from core.members import service as members
from core.members.buttons import Menu, MenuItem
from core.members.labels import initials
from core.members.menu import main_menu
from core.members.models import UnionUnit
from core.messages import Button, OutgoingMessage
from core.points.rules import ALL_TIME, campaign_scope, week_scope

router = Router()
TOP = 10
MEASURES: dict[Ranking, UnitMeasure] = {
    Ranking.POINTS_PER_MEMBER: "per_member",
    Ranking.TAKING_PART: "participation",
}


def scope_of(ctx: Context, board: Board) -> str | None:
    if board.period == Period.ALL_TIME:
        return ALL_TIME
    if board.period == Period.THIS_WEEK:
        return week_scope(ctx.now, ctx.config.timezone)
    return campaign_scope(board.campaign) if board.campaign is not None else None


def scope_title(ctx: Context, board: Board) -> str:
    _ = ctx.t.gettext
    if board.period == Period.ALL_TIME:
        return _("all time")
    if board.period == Period.THIS_WEEK:
        return _("this week")
    title = service.campaign_title(ctx.session, campaign_id=board.campaign or 0)
    if title is not None:
        return _("campaign “{title}”", title=title)
    return _("campaign no. {number}", number=board.campaign)


def viewer_scope(ctx: Context) -> UnionUnit | None:
    """An officer's boards cover the highest unit they serve; a member sees every union."""
    assert ctx.member is not None
    units = members.officer_units(ctx.session, member_id=ctx.member.id)  # type: ignore[arg-type]
    return min(units, key=lambda u: len(u.path)) if units else None


@router.button(Menu, members_only=True, item=MenuItem.LEADERBOARD)
def on_menu_entry(ctx: Context, _data: Menu) -> list[OutgoingMessage]:
    return board_menu(ctx)


@router.button(Board, members_only=True)
def on_board(ctx: Context, board: Board) -> list[OutgoingMessage]:
    scope = scope_of(ctx, board)
    if scope is None:
        return [main_menu(ctx, ctx.t.gettext("That button is no longer active."))]
    if board.ranking == Ranking.PEOPLE:
        return people_board(ctx, scope, scope_title(ctx, board))
    return unit_board(ctx, MEASURES[board.ranking], scope, scope_title(ctx, board))


def board_menu(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    assert ctx.member is not None
    buttons = [
        button(_("People: this week"), Board(Ranking.PEOPLE, Period.THIS_WEEK)),
        button(_("People: all time"), Board(Ranking.PEOPLE, Period.ALL_TIME)),
        button(_("Unions: points per member"), Board(Ranking.POINTS_PER_MEMBER, Period.ALL_TIME)),
        button(_("Unions: taking part"), Board(Ranking.TAKING_PART, Period.ALL_TIME)),
    ]
    for number in service.campaigns_scored(ctx.session, member_id=ctx.member.id):  # type: ignore[arg-type]
        buttons.append(
            button(
                _("Campaign no. {number}", number=number),
                Board(Ranking.PEOPLE, Period.CAMPAIGN, number),
            )
        )
    buttons.append(button(_("Main menu"), Menu(MenuItem.MAIN)))
    within = viewer_scope(ctx)
    text = _("Which leaderboard would you like to see?")
    if within is not None:
        text += "\n" + _("As an officer you see the boards of {unit}.", unit=within.name)
    return [reply(text, *buttons)]


def people_board(ctx: Context, scope: str, title: str) -> list[OutgoingMessage]:
    """The members' board of `scope` (named `title`), with the viewer's own rank."""
    _ = ctx.t.gettext
    assert ctx.member is not None
    rows = service.top_members(ctx.session, scope=scope, limit=TOP, within=viewer_scope(ctx))
    lines = [_("Leaderboard of members – {scope}", scope=title)]
    if not rows:
        lines.append(_("Nobody has points here yet. Take a quiz to be the first!"))
    units = service.unit_names(ctx.session, unit_ids={r.unit_id for r in rows})
    named = _named(ctx, rows)
    for row in rows:
        lines.append(
            _(
                "{rank}. {name} ({unit}) – {points} points",
                rank=row.rank,
                name=row.name if row.member_id in named else initials(row.name),
                unit=units.get(row.unit_id, ""),
                points=ctx.t.number(row.points),
            )
        )
    lines += ["", _my_rank_line(ctx, scope)]
    return [reply("\n".join(lines), *_board_buttons(ctx))]


def _named(ctx: Context, rows: list[service.BoardRow]) -> set[int]:
    """Whose full name the viewer may read, as the consent text promises: their own; that of
    members who agreed to be named beyond their union (/showname); and, for an officer, that
    of the members of the units they serve and the units below. Others show initials."""
    assert ctx.member is not None
    served = [
        u.path
        for u in members.officer_units(ctx.session, member_id=ctx.member.id)  # type: ignore[arg-type]
    ]
    named = {ctx.member.id} | consents.names_public(
        ctx.session, member_ids={r.member_id for r in rows}
    )
    for row in rows:
        unit = ctx.session.get(UnionUnit, row.unit_id)
        if unit is not None and any(unit.path.startswith(path) for path in served):
            named.add(row.member_id)
    return named  # type: ignore[return-value]


def _my_rank_line(ctx: Context, scope: str) -> str:
    assert ctx.member is not None
    mine = service.my_rank(ctx.session, scope=scope, member_id=ctx.member.id)  # type: ignore[arg-type]
    if mine is None:
        return ctx.t.gettext("You have no points here yet.")
    return ctx.t.gettext(
        "Your rank: {rank} of {total}, with {points} points.",
        rank=ctx.t.number(mine.rank),
        total=ctx.t.number(mine.out_of),
        points=ctx.t.number(mine.points),
    )


def _unit_heading(ctx: Context, measure: UnitMeasure, title: str) -> str:
    _ = ctx.t.gettext
    if measure == "per_member":
        return _("Grassroots unions by points per member – {scope}", scope=title)
    return _("Grassroots unions by members taking part – {scope}", scope=title)


def unit_board(ctx: Context, measure: UnitMeasure, scope: str, title: str) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    assert ctx.member is not None
    ranked = service.unit_board(ctx.session, scope=scope, measure=measure, within=viewer_scope(ctx))
    lines = [_unit_heading(ctx, measure, title)]
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
        button(ctx.t.gettext("Other leaderboards"), Menu(MenuItem.LEADERBOARD)),
        button(ctx.t.gettext("Main menu"), Menu(MenuItem.MAIN)),
    )
