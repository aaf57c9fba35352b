"""The officers' month report in chat (/report_initiatives, and «Report of this month» under
the review queue): initiatives by status with the accepted benefit and the rewards, and the
commendations with the shares going to direct production workers and to staff without a
leadership post, over the officer's units."""

from __future__ import annotations

from datetime import datetime, timedelta

from babel.numbers import format_percent

from core.campaigns.scope import Actor
from core.dispatch import Context, Router, parse_command, reply
from core.initiatives import MonthReport, problem_text, texts
from core.messages import OutgoingMessage
from core.reports import service as reports
from core.reports.service import CommendationShare, InitiativeRow, Period

router = Router()


def _period(ctx: Context, arg: str) -> Period | None:
    """`YYYY-MM` (a month), or nothing: this month up to today (local dates)."""
    today = ctx.now.astimezone(ctx.t.tz).date()
    if not arg:
        return Period(today.replace(day=1), today, ctx.config.timezone)
    try:
        first = datetime.strptime(arg.strip(), "%Y-%m").date()
    except ValueError:
        return None
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return Period(first, following - timedelta(days=1), ctx.config.timezone)


def _share(ctx: Context, part: int, whole: int) -> str:
    return format_percent(part / whole, locale=ctx.t.babel_locale) if whole else "–"


def _initiative_lines(ctx: Context, rows: list[InitiativeRow]) -> list[str]:
    _ = ctx.t.gettext
    lines = [_("Initiatives sent: {n}", n=ctx.t.number(sum(r.count for r in rows)))]
    by_status: dict[str, int] = {}
    for row in rows:
        by_status[row.status] = by_status.get(row.status, 0) + row.count
    lines += [
        f"• {texts.status(ctx.t, status)}: {ctx.t.number(count)}"
        for status, count in sorted(by_status.items())
    ]
    lines.append(
        _(
            "Accepted benefit: {benefit}; rewards: {rewards}",
            benefit=ctx.t.money(sum(r.benefit_vnd for r in rows)),
            rewards=ctx.t.money(sum(r.reward_vnd for r in rows)),
        )
    )
    return lines


def _commendation_lines(ctx: Context, shares: list[CommendationShare]) -> list[str]:
    _ = ctx.t.gettext
    people = sum(s.people for s in shares)
    direct = sum(s.direct_workers for s in shares)
    no_post = sum(s.without_post for s in shares)
    verified = sum(s.verified for s in shares)
    return [
        _("People commended: {n}", n=ctx.t.number(people)),
        _(
            "• direct production workers: {n} ({share})",
            n=ctx.t.number(direct),
            share=_share(ctx, direct, people),
        ),
        _(
            "• staff without a leadership post: {n} ({share})",
            n=ctx.t.number(no_post),
            share=_share(ctx, no_post, people),
        ),
        _(
            "Group and post from the union's members' list for {n} of them; the others' as "
            "they declared.",
            n=ctx.t.number(verified),
        ),
    ]


def _unit_lines(
    ctx: Context, rows: list[InitiativeRow], shares: list[CommendationShare]
) -> list[str]:
    units = sorted({r.unit for r in rows} | {s.unit for s in shares})
    if len(units) < 2:
        return []
    lines = ["", ctx.t.gettext("By unit:")]
    for unit in units:
        lines.append(
            ctx.t.gettext(
                "• {unit}: {sent} initiatives, {people} people commended",
                unit=unit,
                sent=ctx.t.number(sum(r.count for r in rows if r.unit == unit)),
                people=ctx.t.number(sum(s.people for s in shares if s.unit == unit)),
            )
        )
    return lines


def report_summary(ctx: Context, arg: str = "") -> list[OutgoingMessage]:
    """The month's figures over the officer's units (`arg`: YYYY-MM, or this month)."""
    _ = ctx.t.gettext
    assert ctx.member is not None and ctx.member.id is not None
    actor = Actor.officer(ctx.member.id)
    if not actor.is_officer(ctx.session):
        return [reply(problem_text(ctx.t, "not_an_officer"))]
    period = _period(ctx, arg)
    if period is None:
        return [reply(_("Send the month as YYYY-MM, for example /report_initiatives 2026-11."))]
    rows = reports.initiatives_by_status(ctx.session, actor=actor, period=period)
    shares = reports.commendation_shares(ctx.session, actor=actor, period=period)
    lines = [
        _(
            "Report from {start} to {end}:",
            start=ctx.t.date(period.start),
            end=ctx.t.date(period.end),
        ),
        "",
        *_initiative_lines(ctx, rows),
        "",
        *_commendation_lines(ctx, shares),
        *_unit_lines(ctx, rows, shares),
        "",
        _("The full tables: thidua report, or the admin API /api/v1/reports."),
    ]
    return [reply("\n".join(lines))]


@router.command("report_initiatives", "reportinitiatives", members_only=True)
def on_report(ctx: Context) -> list[OutgoingMessage]:
    parsed = parse_command(ctx.text)
    return report_summary(ctx, parsed[1] if parsed else "")


@router.button(MonthReport, members_only=True)
def on_month_report(ctx: Context, _data: MonthReport) -> list[OutgoingMessage]:
    return report_summary(ctx)
