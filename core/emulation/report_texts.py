"""Words of progress reports: periods, questions, refusals, the call, the reminder and the
progress a reporter sees."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from core.emulation.progress import Figure
from core.emulation.reporting import Item
from core.emulation.scoring import Kind
from core.emulation.scoring import progress as progress_of
from core.emulation.texts import figure as figure_text
from core.emulation.texts import problem as criteria_problem
from core.emulation.unit_standing import Standing
from core.i18n import N_, Translator

PROBLEMS = {
    "campaign_closed": N_("This campaign has ended: it takes no more reports."),
    "not_running": N_("This campaign is not running: it takes no reports."),
    "period_closed": N_(
        "The reporting period {period} has closed: it takes no more reports. Your union's "
        "officers can help if a figure is missing."
    ),
    "period_not_open": N_("The reporting period {period} is not open yet."),
    "not_reporter": N_("You have nothing to report in this campaign: it is not for your unit."),
    "report_negative": N_("A result cannot be below 0. Please type it again."),
    "number_not_yes_no": N_(
        "This criterion asks for a number (for example 12 or 1,5), not yes or no."
    ),
    "yes_no_not_number": N_("This criterion is answered yes or no, not with a number."),
    "evidence_not_a_photo": N_("The evidence must be a photo (an image), not another file."),
    "attachment_executable": N_("The evidence must be a photo (an image), not another file."),
    "attachment_unavailable": N_(
        "I could not fetch the photo from the messenger. Please send it again."
    ),
    "attachment_too_large": N_("This photo is too large. Photos up to {limit} MB are accepted."),
    "photo_expected": N_("Please send a photo as evidence."),
    "report_first": N_("Please report the figure first."),
}


def problem(t: Translator, code: str, *, period: str = "", limit: int = 0) -> str:
    message = PROBLEMS.get(code)
    if message:
        return t.gettext(message, period=period, limit=limit)
    return criteria_problem(t, code) or t.gettext("This cannot be done.")


def period_label(t: Translator, key: str) -> str:
    """ "tháng 12/2026", "quý 4/2026", "cả phong trào"."""
    if key == "all":
        return t.gettext("the whole campaign")
    year, part = key.split("-")
    if part.startswith("Q"):
        return t.gettext("quarter {quarter}/{year}", quarter=part[1:], year=year)
    return t.gettext("month {month}/{year}", month=int(part), year=year)


def yes_no(t: Translator, value: Decimal) -> str:
    return t.gettext("Yes") if value >= 1 else t.gettext("No")


def shown(t: Translator, item: Item, value: Decimal) -> str:
    if item.criterion.kind == Kind.YES_NO:
        return yes_no(t, value)
    return figure_text(t, item.criterion, value)


def question(
    t: Translator, item: Item, n: int, total: int, target: Decimal | None, unit: str | None
) -> str:
    """One criterion asked: its name, period, whose figure, the target."""
    lines = [
        t.gettext(
            "({n}/{total}) {name}, {period}",
            n=n,
            total=total,
            name=item.criterion.name,
            period=period_label(t, item.period.key),
        )
    ]
    if unit:
        lines.append(t.gettext("The figure of {unit}.", unit=unit))
    if item.criterion.kind == Kind.YES_NO:
        lines.append(t.gettext("Yes or no?"))
        return "\n".join(lines)
    if target is not None:
        lines.append(t.gettext("Target: {target}", target=figure_text(t, item.criterion, target)))
    lines.append(t.gettext("Type the figure, for example 12 or 1,5."))
    return "\n".join(lines)


def typed_hint(t: Translator, reported: bool, evidence: bool = False) -> str:
    """On a messenger without buttons: the words that skip, keep or stop."""
    if evidence:
        return t.gettext("Type «later» to send the photo later, or «stop» to stop here.")
    if reported:
        return t.gettext(
            "Type «same» to keep your figure, «skip» to leave this one, or «stop» to stop here."
        )
    return t.gettext("Type «skip» to leave this one, or «stop» to stop here.")


def already(t: Translator, item: Item, value: Decimal) -> str:
    return t.gettext(
        "You reported {value}: what you send now replaces it (the earlier figure is kept in "
        "the history).",
        value=shown(t, item, value),
    )


def unusual(t: Translator, item: Item, value: Decimal, target: Decimal) -> str:
    return t.gettext(
        "You typed {value}, more than ten times the target ({target}). Is that right?",
        value=figure_text(t, item.criterion, value),
        target=figure_text(t, item.criterion, target),
    )


def ask_photo(t: Translator, item: Item) -> str:
    return t.gettext("“{name}” asks for evidence: please send a photo.", name=item.criterion.name)


def progress(t: Translator, campaign: str, found: Sequence[Figure], place: Standing | None) -> str:
    lines = [t.gettext("Your progress in “{campaign}”:", campaign=campaign)]
    for f in found:
        name = f"{f.item.criterion.name} ({period_label(t, f.item.period.key)})"
        if f.value is None:
            lines.append(t.gettext("• {name}: not reported", name=name))
        elif f.item.criterion.kind == Kind.NUMBER and _has_target(f.item, f.target):
            lines.append(_against_target(t, name, f.item, f.value, f.target))
        else:
            lines.append(f"• {name}: {shown(t, f.item, f.value)}")
    lines.append(t.gettext("Points: {points}", points=t.number(sum(f.points for f in found))))
    if place is not None:
        lines.append(
            t.gettext(
                "{unit} stands {rank} of {units} units so far; {reported} of its {reporters} "
                "reporters have reported.",
                unit=place.unit.name,
                rank=place.rank,
                units=place.units,
                reported=place.reported,
                reporters=place.reporters,
            )
        )
    return "\n".join(lines)


def _has_target(item: Item, target: Decimal | None) -> bool:
    """A target to show the figure against: above 0, or a maximum of 0 where lower is better."""
    return target is not None and (target > 0 or (target == 0 and item.criterion.lower_is_better))


def _against_target(t: Translator, name: str, item: Item, value: Decimal, target: Decimal) -> str:
    """A figure and its target: the share reached, or where lower is better (the target is a
    maximum) met, or by how much it is above the maximum (scoring.progress)."""
    criterion = item.criterion
    reached = progress_of(value, target, lower_is_better=criterion.lower_is_better)
    figures = {
        "name": name,
        "value": figure_text(t, criterion, value),
        "target": figure_text(t, criterion, target),
    }
    if not criterion.lower_is_better:
        share = t.percent(value, target)
        return t.gettext("• {name}: {value} of {target} ({share})", share=share, **figures)
    if reached.met:
        return t.gettext("• {name}: {value}, at most {target} (met)", **figures)
    over = figure_text(t, criterion, reached.over)
    return t.gettext("• {name}: {value}, at most {target} ({over} above it)", over=over, **figures)


def call(t: Translator, campaign: str, items: Sequence[Item], due: str) -> str:
    names = "\n".join(f"• {i.criterion.name} ({period_label(t, i.period.key)})" for i in items[:8])
    return t.gettext(
        "Time to report your results in “{campaign}” (period ending {due}):\n{criteria}",
        campaign=campaign,
        due=due,
        criteria=names,
    )


def late(t: Translator, campaign: str, items: Sequence[Item], closes: str) -> str:
    names = "\n".join(f"• {i.criterion.name} ({period_label(t, i.period.key)})" for i in items[:8])
    return t.gettext(
        "Reminder: your report in “{campaign}” is late. Still missing:\n{criteria}\n"
        "Reports are taken until {closes}.",
        campaign=campaign,
        criteria=names,
        closes=closes,
    )
