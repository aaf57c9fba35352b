"""Words of a campaign's review: its kind, the notes that explain thin figures, the refusals,
and the short announcement to the campaign's members (the best unions, and the best people
by name only where they agreed to their name being shown beyond their union)."""

from __future__ import annotations

from core.emulation.review import Review
from core.emulation.review_models import ReviewKind
from core.i18n import N_, Translator

KIND_LABELS = {
    ReviewKind.MID: N_("Mid-term review"),
    ReviewKind.FINAL: N_("Final review"),
}
NOTES = {
    "no_criteria": N_(
        "This campaign has no emulation criteria, so there are no points or rankings: the "
        "review shows participation, initiatives, commendations and the reach of its "
        "announcements."
    ),
    "no_reports": N_("Nobody has reported a figure in this campaign yet: every result is 0."),
    "no_periods": N_(
        "No reporting period of this campaign is over yet: the points count from the first "
        "period's end."
    ),
}
PROBLEMS = {
    "review_unknown": N_("I could not find that review."),
    "review_campaign_closed": N_(
        "The campaign is closed: its final review is the one to read, a mid-term review is "
        "no longer made."
    ),
    "review_not_running": N_(
        "The campaign has not been launched yet: a mid-term review is made while it runs."
    ),
    "review_final_open": N_("The final review is made when the campaign closes."),
}
TOP_UNITS = 3
TOP_PEOPLE = 5


def kind_label(t: Translator, kind: str) -> str:
    return t.gettext(KIND_LABELS[ReviewKind(kind)])


def notes(t: Translator, review: Review) -> list[str]:
    return [t.gettext(NOTES[n]) for n in review.notes if n in NOTES]


def problem(t: Translator, code: str) -> str | None:
    message = PROBLEMS.get(code)
    return t.gettext(message) if message else None


def announcement(
    t: Translator,
    review: Review,
    *,
    title: str,
    unit_names: dict[int, str],
    public_names: dict[int, str],
) -> str:
    """The announcement: `unit_names` of the unions, `public_names` of the people who may be
    named (the others are counted, not named)."""
    head = (
        t.gettext(
            "Final review of the campaign “{title}” (to {day}):",
            title=title,
            day=t.date(review.as_of),
        )
        if review.kind == ReviewKind.FINAL
        else t.gettext(
            "Mid-term review of the campaign “{title}” (to {day}):",
            title=title,
            day=t.date(review.as_of),
        )
    )
    lines = [
        head,
        "• "
        + t.gettext(
            "{registered} of {members} members pledged, {reporting} reported their results.",
            registered=t.number(review.total("registered")),
            members=t.number(review.total("members")),
            reporting=t.number(review.total("reporting")),
        ),
    ]
    best = [u for u in review.ranked if u.points > 0][:TOP_UNITS]
    if best:
        units = "; ".join(
            t.gettext(
                "{rank}. {unit} ({points} points)",
                rank=u.rank,
                unit=unit_names.get(u.unit_id, "?"),
                points=t.number(u.points),
            )
            for u in best
        )
        lines.append("• " + t.gettext("Leading unions: {units}", units=units))
    people = review.people[:TOP_PEOPLE]
    named = [public_names[p.member_id] for p in people if p.member_id in public_names]
    if named:
        others = len(people) - len(named)
        text = ", ".join(named)
        if others:
            text += " " + t.gettext("and {n} more", n=others)
        lines.append("• " + t.gettext("Outstanding members: {names}", names=text))
    lines.append(
        "• "
        + t.gettext(
            "{initiatives} initiatives ({accepted} accepted, a benefit of {benefit}); "
            "{commended} people commended.",
            initiatives=t.number(review.total("initiatives")),
            accepted=t.number(review.total("accepted")),
            benefit=t.money(review.total("benefit_vnd")),
            commended=t.number(review.total("commended")),
        )
    )
    lines.append(t.gettext("Thank you all for taking part!"))
    return "\n".join(lines)
