"""Words of evaluation by chat: the call to evaluators, the units awaiting, each question, the
answers, the refusals, and a block's ranking read by a grassroots union's officer."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from core.emulation import block_texts
from core.emulation.block_models import Evaluation
from core.emulation.block_ranking import Cell, Ranking
from core.emulation.eval_queue import UnitWaiting, Waiting
from core.emulation.report_texts import period_label
from core.emulation.report_texts import problem as report_problem
from core.emulation.scoring import Kind
from core.emulation.templates import Reporter
from core.emulation.texts import figure as figure_text
from core.i18n import N_, Translator

SHOWN = 10
PROBLEMS = {
    "not_an_evaluator": N_(
        "Only officers of the upper-level union that owns an emulation block score its "
        "units. Your union's officers see the block's ranking with /ranking."
    ),
    "score_not_a_number": N_("Please type the points as a number, for example 18 or 17,5."),
    "figure_not_a_number": N_("Please type the figure as a number, for example 12 or 1,5."),
    "yes_no_expected": N_("Please answer yes or no."),
    "reason_short": N_("Please give a reason of a few words: it is kept with the figure."),
}


def problem(t: Translator, code: str) -> str:
    message = PROBLEMS.get(code)
    if message:
        return t.gettext(message)
    return block_texts.problem(t, code) or report_problem(t, code)


def points_text(t: Translator, value: Decimal) -> str:
    if value == 1:
        return t.gettext("{n} point", n=t.number(value))
    return t.gettext("{n} points", n=t.number(value))


def shown(t: Translator, cell: Cell, value: Decimal) -> str:
    criterion = cell.due.criterion
    if criterion.kind == Kind.SCORE:
        return points_text(t, value)
    if criterion.kind == Kind.YES_NO:
        return t.gettext("Yes") if value >= 1 else t.gettext("No")
    return figure_text(t, criterion, value)


def _unit_line(t: Translator, found: UnitWaiting) -> str:
    parts = []
    if found.scores:
        parts.append(t.gettext("points to give: {n}", n=found.scores))
    if found.figures:
        parts.append(t.gettext("figures to verify: {n}", n=found.figures))
    return f"• {found.unit.name}: {', '.join(parts)}"


def waiting(t: Translator, found: Waiting) -> str:
    lines = [
        t.gettext(
            "«{block}», “{campaign}”, {period}. Units awaiting your evaluation:",
            block=found.block.name,
            campaign=found.campaign.title,
            period=period_label(t, found.period),
        )
    ]
    lines += [_unit_line(t, u) for u in found.units[:SHOWN]]
    if len(found.units) > SHOWN:
        lines.append(t.gettext("… and {n} more.", n=len(found.units) - SHOWN))
    lines.append(t.gettext("Choose a union to evaluate."))
    return "\n".join(lines)


def call(t: Translator, found: Sequence[Waiting]) -> str:
    lines = [t.gettext("Time to evaluate the units of your emulation blocks:")]
    for here in found:
        lines.append(
            t.gettext(
                "«{block}», “{campaign}”, {period}:",
                block=here.block.name,
                campaign=here.campaign.title,
                period=period_label(t, here.period),
            )
        )
        lines += [_unit_line(t, u) for u in here.units[:SHOWN]]
        if len(here.units) > SHOWN:
            lines.append(t.gettext("… and {n} more.", n=len(here.units) - SHOWN))
    return "\n".join(lines)


def _by(t: Translator, found: Evaluation, names: dict[int, str]) -> str:
    text = t.gettext(
        "by {name}, {when}",
        name=names.get(found.evaluated_by, t.gettext("another evaluator")),
        when=t.datetime(found.evaluated_at),
    )
    if found.reason:
        text += t.gettext(" (reason: {reason})", reason=found.reason)
    return text


def question(
    t: Translator, cell: Cell, unit: str, n: int, total: int, names: dict[int, str]
) -> str:
    criterion = cell.due.criterion
    lines = [
        t.gettext(
            "({n}/{total}) {unit}: {name}, {period}",
            n=n,
            total=total,
            unit=unit,
            name=criterion.name,
            period=period_label(t, cell.due.period.key),
        )
    ]
    if cell.report is not None:
        lines.append(
            t.gettext("The union reported: {value}.", value=shown(t, cell, cell.report.value))
        )
    if cell.evaluation is not None:
        lines.append(
            t.gettext(
                "In force: {value}, {by}.",
                value=shown(t, cell, cell.evaluation.value),
                by=_by(t, cell.evaluation, names),
            )
        )
    if criterion.reporter == Reporter.EVALUATOR:
        lines.append(
            t.gettext(
                "Type the points given, from 0 to {points}.", points=t.number(criterion.points)
            )
        )
    elif criterion.kind == Kind.YES_NO:
        lines.append(t.gettext("Confirm it, or answer yes or no to change it (with a reason)."))
    else:
        if criterion.target is not None:
            lines.append(
                t.gettext("Target: {target}", target=figure_text(t, criterion, criterion.target))
            )
        lines.append(t.gettext("Confirm it, or type the right figure (with a reason)."))
    return "\n".join(lines)


def typed_hint(t: Translator, confirmable: bool) -> str:
    """On a messenger without buttons: the words that confirm, skip or stop."""
    if confirmable:
        return t.gettext(
            "Type «same» to confirm the figure in force, «skip» to leave this one, or «stop» "
            "to stop here."
        )
    return t.gettext("Type «skip» to leave this one, or «stop» to stop here.")


def ask_reason(t: Translator, cell: Cell, old: Decimal, new: Decimal) -> str:
    return t.gettext(
        "You change {old} to {new}. Please type the reason: it is kept with the figure, and "
        "the union's officers see it.",
        old=shown(t, cell, old),
        new=shown(t, cell, new),
    )


def conflict(t: Translator, cell: Cell, mine: Decimal, names: dict[int, str]) -> str:
    """Another evaluator saved the same figure first: theirs, and that ours was not saved."""
    theirs = cell.evaluation
    if theirs is None:
        return t.gettext("The figure changed meanwhile. Nothing of yours was saved.")
    return t.gettext(
        "Another evaluator saved this figure first: {value}, {by}. Yours ({mine}) was not "
        "saved. Confirm theirs, or type yours again.",
        value=shown(t, cell, theirs.value),
        by=_by(t, theirs, names),
        mine=shown(t, cell, mine),
    )


def saved(t: Translator, cell: Cell, value: Decimal, verified: bool) -> str:
    if verified:
        return t.gettext("Verified: {value}.", value=shown(t, cell, value))
    return t.gettext("Saved: {value}.", value=shown(t, cell, value))


def ranking(t: Translator, found: Ranking, mine: set[int]) -> str:
    lines = [
        t.gettext(
            "Ranking of «{block}» in “{campaign}”, {period}:",
            block=found.block.name,
            campaign=found.campaign.title,
            period=period_label(t, found.dues[0].period.key) if found.dues else "",
        )
    ]
    for row in found.rows:
        if row.rank > SHOWN and row.unit.id not in mine:
            continue
        line = t.gettext(
            "{rank}. {unit}: {points}",
            rank=row.rank,
            unit=row.unit.name,
            points=points_text(t, row.total),
        )
        if row.unit.id in mine:
            line += " ←"
        lines.append(line)
    if not found.rows:
        lines.append(t.gettext("No union of the block has figures for this period yet."))
    lines.append(t.gettext("Figures in force: the evaluators' where they gave one."))
    return "\n".join(lines)
