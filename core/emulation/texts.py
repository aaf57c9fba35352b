"""Words about criteria: their kinds, reporters, frequencies, targets, and the refusals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from core.emulation.models import EmulationCriterion
from core.emulation.scoring import Kind
from core.emulation.templates import Frequency, Reporter
from core.emulation.titles import title_label
from core.i18n import N_, Translator

PER_HUNDRED = Decimal(100)

KIND_LABELS = {
    Kind.NUMBER: N_("A number against a target"),
    Kind.YES_NO: N_("Yes or no"),
    Kind.SCORE: N_("Points given by an evaluator"),
}
REPORTER_LABELS = {
    Reporter.MEMBER: N_("Each member"),
    Reporter.GRASSROOTS: N_("The grassroots union"),
    Reporter.EVALUATOR: N_("An evaluator of the level above"),
}
FREQUENCY_LABELS = {
    Frequency.ONCE: N_("Once"),
    Frequency.MONTHLY: N_("Every month"),
    Frequency.QUARTERLY: N_("Every quarter"),
}
PROBLEMS = {
    "criterion_name_empty": N_("Please give the criterion a name."),
    "criterion_text_too_long": N_(
        "That is too long: a criterion's name has at most 200 characters, its unit 60."
    ),
    "criterion_points": N_("The points of a criterion are more than 0 and at most 1,000."),
    "criterion_target": N_(
        "A number criterion needs a target above 0, or of 0 where lower is better "
        "(at most 0 accidents)."
    ),
    "criterion_not_a_number": N_(
        "Only a number criterion has a target, a unit, a count per member or "
        'lower-is-better. Choose the kind "A number against a target", or clear those fields.'
    ),
    "criterion_score_by_evaluator": N_(
        "Points are given by an evaluator of the level above: choose that as the reporter."
    ),
    "criterion_unknown": N_("I could not find that criterion."),
    "criteria_exist": N_(
        "This campaign has criteria already. Remove them first to start from a template."
    ),
    "template_unknown": N_("I could not find that template."),
    "bad_amount": N_("Please write a number, for example 1.000 or 1,5."),
    "bad_choice": N_("Please choose one of the options given."),
    "negative_amount": N_("A target cannot be below 0. Please type it again."),
    "amount_too_large": N_("That figure is far too large. Please check it and type it again."),
    "no_criteria": N_("This campaign has no criteria to register for."),
    "pledges_closed": N_("Registration for this campaign has closed."),
    "deadline_outside_campaign": N_(
        "The registration deadline must fall within the campaign's dates."
    ),
    "campaign_unknown": N_("I could not find that campaign."),
    "roll_period_closed": N_(
        "This reporting period is not open: its reporters can no longer be reminded."
    ),
    "roll_not_running": N_("Only a running campaign's reporters can be reminded."),
}


def problem(t: Translator, code: str) -> str | None:
    """The words for one of this feature's refusal codes, or None when it is not one."""
    message = PROBLEMS.get(code)
    return t.gettext(message) if message else None


def target_text(t: Translator, row: EmulationCriterion) -> str:
    """The target as officers read it: "100 % kế hoạch", "2 sáng kiến trên 100 đoàn viên",
    "at most 1 accident" where lower is better; a dash for yes/no and scores."""
    if row.kind != Kind.NUMBER or row.target is None:
        return "–"
    if row.per_member:
        figure = t.number(row.target * PER_HUNDRED)
        text = t.gettext("{target} {measure} per 100 members", target=figure, measure=row.measure)
    else:
        text = f"{t.number(row.target)} {row.measure}".strip()
    if row.lower_is_better:
        return t.gettext("at most {target}", target=text)
    return text


def kind_label(t: Translator, kind: str) -> str:
    return t.gettext(KIND_LABELS[Kind(kind)])


def reporter_label(t: Translator, reporter: str) -> str:
    return t.gettext(REPORTER_LABELS[Reporter(reporter)])


def frequency_label(t: Translator, frequency: str) -> str:
    return t.gettext(FREQUENCY_LABELS[Frequency(frequency)])


def chat_problem(t: Translator, code: str) -> str:
    return problem(t, code) or t.gettext("This cannot be done.")


def figure(t: Translator, row: EmulationCriterion, value: Decimal) -> str:
    """A member's own figure on a criterion, with its unit ("40 giờ")."""
    return f"{t.number(value)} {row.measure}".strip()


def pledge_summary(
    t: Translator,
    campaign_title: str,
    title: str,
    criteria: Sequence[EmulationCriterion],
    targets: Mapping[int, Decimal],
) -> str:
    lines = [
        t.gettext("Your pledge in “{campaign}”:", campaign=campaign_title),
        t.gettext("Title aimed for: {title}", title=title_label(t, title)),
    ]
    for c in criteria:
        value = targets.get(c.id, c.target)  # type: ignore[arg-type]
        if value is not None:
            lines.append(f"• {c.name}: {figure(t, c, value)}")
    lines.append(t.gettext("Is this right?"))
    return "\n".join(lines)


def invitation(t: Translator, campaign_title: str, deadline: str) -> str:
    return t.gettext(
        "The campaign “{title}” is open for registration (đăng ký thi đua) until {deadline}. "
        "Choose the title you aim for and your targets: it takes a minute.",
        title=campaign_title,
        deadline=deadline,
    )


def reminder(t: Translator, campaign_title: str, deadline: str) -> str:
    return t.gettext(
        "Reminder: you have not registered in “{title}” yet. Registration closes on {deadline}.",
        title=campaign_title,
        deadline=deadline,
    )
