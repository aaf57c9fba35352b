"""/reward_table: an officer reads the reward table of their union and sends a new one."""

from __future__ import annotations

from datetime import date, datetime

from core.dispatch import Context, Router, button
from core.errors import DomainError
from core.initiatives import reward_bands, rules
from core.initiatives.buttons import StopEditing
from core.initiatives.chat.common import actor, refusal, say
from core.initiatives.steps import RewardTableEdit, RewardTableState
from core.members.menu import main_menu
from core.messages import OutgoingMessage

router = Router()
EXAMPLE = "01/01/2027; 50000\n0 - 10tr: 500k, 10\n10tr - 50tr: 2tr, 30\n50tr - +: 5tr, 80"


def band_line(ctx: Context, band: rules.Band) -> str:
    upper = ctx.t.money(band.max_vnd) if band.max_vnd is not None else "+"
    return ctx.t.gettext(
        "• {low} – {high}: {money}, {points} points",
        low=ctx.t.money(band.min_vnd),
        high=upper,
        money=ctx.t.money(band.reward_vnd),
        points=ctx.t.number(band.points),
    )


@router.command("reward_table", "rewardtable", members_only=True)
def on_reward_table(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    units = actor(ctx).units(ctx.session)
    if not units:
        return refusal(ctx, "not_an_officer")
    unit = units[0]
    lines = [_("Reward table of {unit}:", unit=unit.name)]
    table = reward_bands.table_in_force(ctx.session, unit_id=unit.id, on=ctx.now.date())  # type: ignore[arg-type]
    if table is None:
        lines.append(_("No table is in force yet."))
    else:
        lines.append(
            _(
                "In force since {day}; an hour saved is worth {money}.",
                day=ctx.t.date(table.effective_from),
                money=ctx.t.money(table.vnd_per_hour),
            )
        )
        bands = reward_bands.bands_of(ctx.session, table_id=table.id)  # type: ignore[arg-type]
        lines += [band_line(ctx, b) for b in bands]
    lines += [
        "",
        _(
            "To set a new table, send it in one message: the first line is the date it takes "
            "effect and the value of an hour saved, then one line per band "
            "FROM - TO: REWARD, POINTS («+» for no upper end). For example:"
        ),
        EXAMPLE,
    ]
    ctx.conv.enter(RewardTableEdit.table, RewardTableState(unit=unit.id or 0))
    return say("\n".join(lines), button(_("Cancel"), StopEditing()))


@router.button(StopEditing, members_only=True)
def on_stop(ctx: Context, _data: StopEditing) -> list[OutgoingMessage]:
    if ctx.conv.at(RewardTableEdit.table):
        ctx.conv.end()
    return [main_menu(ctx, ctx.t.gettext("The reward table was not changed."))]


def _parse_day(text: str) -> date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


@router.step(RewardTableEdit.table)
def on_table_text(ctx: Context) -> list[OutgoingMessage]:
    _ = ctx.t.gettext
    lines = [line for line in ctx.text.splitlines() if line.strip()]
    example = _(
        "Please follow the example: first the date and the value of an hour, then "
        "one band per line."
    )
    if len(lines) < 2:
        return say(example)
    head = [p.strip() for p in lines[0].replace(",", ";").split(";")]
    day = _parse_day(head[0])
    hour_value = rules.parse_amount(head[1]) if len(head) > 1 else 0
    if day is None or hour_value is None:
        return say(
            _("I could not read the first line «{line}».", line=lines[0][:60]) + "\n" + example
        )
    bands = []
    for number, line in enumerate(lines[1:], start=2):
        band = rules.parse_band_line(line)
        if band is None:
            unread = _("I could not read line {n}: «{line}».", n=number, line=line[:60])
            return say(unread + "\n" + example)
        bands.append(band)
    try:
        table = reward_bands.set_reward_table(
            ctx.session,
            actor=actor(ctx),
            unit_id=ctx.conv.state(RewardTableState).unit,
            effective_from=day,
            bands=bands,
            vnd_per_hour=hour_value,
            now=ctx.now,
        )
    except DomainError as err:
        return refusal(ctx, err)
    ctx.conv.end()
    saved = _(
        "The reward table is saved. It takes effect on {day}.", day=ctx.t.date(table.effective_from)
    )
    return say("\n".join([saved] + [band_line(ctx, b) for b in sorted(bands)]))
