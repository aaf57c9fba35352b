"""Words about titles and commendation forms: the refusals, a definition's thresholds, a
candidate's summary of achievements, the amendments and the "nobody meets" lines."""

from __future__ import annotations

from decimal import Decimal

from core.emulation.title_defaults import Subject, level_label
from core.emulation.title_models import ChangeAction, TitleChange, TitleDefinition
from core.emulation.title_rules import Standing
from core.emulation.titles import title_label
from core.i18n import N_, Translator

PROBLEMS = {
    "title_name": N_("Please give the title a name of 1 to 200 characters."),
    "title_threshold": N_("A threshold is a percentage from 0 to 200, or empty."),
    "title_rank": N_("The rank is a whole number from 1, or empty."),
    "title_pledge_collective": N_(
        "Only people pledge a title: leave “pledged” empty for a collective's title."
    ),
    "title_unknown": N_("I could not find that title or form."),
    "titles_exist": N_(
        "This union already has titles in force: edit them rather than adding the standard "
        "set again."
    ),
    "campaign_not_closed": N_(
        "Titles are proposed at the final review, once the campaign is closed."
    ),
    "titles_confirmed": N_(
        "This campaign's titles are already confirmed: the list no longer changes."
    ),
    "titles_not_proposed": N_("Titles have not been proposed for this campaign yet."),
    "titles_not_confirmed": N_("The list for the council is exported once it is confirmed."),
    "title_proposal_unknown": N_("I could not find that proposal."),
    "title_reason": N_("Please give the reason for the change (1 to 500 characters)."),
    "title_not_for_candidate": N_(
        "That title is not for this candidate: a person's title goes to a person, a "
        "collective's to a grassroots union, from their own union's level or above."
    ),
    "title_already_proposed": N_("This candidate is already on the list for that title."),
    "title_candidate_outside": N_("That person or union is not covered by this campaign."),
}
ACTIONS = {
    ChangeAction.ADDED: N_("added"),
    ChangeAction.REMOVED: N_("removed"),
    ChangeAction.CHANGED: N_("title changed"),
}


def problem(t: Translator, code: str) -> str | None:
    message = PROBLEMS.get(code)
    return t.gettext(message) if message else None


def percent(t: Translator, value: Decimal) -> str:
    """85.25 -> "85,3%" (vi), "85.3%" (en)."""
    return t.percent(float(value), 100)


def thresholds(t: Translator, row: TitleDefinition) -> str:
    """What a definition asks, in one line ("no threshold" when nothing)."""
    parts = []
    if row.min_score is not None:
        parts.append(t.gettext("at least {score} of the points", score=percent(t, row.min_score)))
    if row.min_share is not None:
        parts.append(
            t.gettext("at least {share} on every criterion", share=percent(t, row.min_share))
        )
    if row.all_targets:
        parts.append(
            t.gettext("every pledged target met")
            if row.subject == Subject.PERSON
            else t.gettext("every target met")
        )
    if row.max_rank is not None:
        parts.append(
            t.gettext("ranked {rank} or better in their union", rank=row.max_rank)
            if row.subject == Subject.PERSON
            else t.gettext("ranked {rank} or better in the block", rank=row.max_rank)
        )
    if row.pledge_title:
        parts.append(
            t.gettext("pledged “{title}” or higher", title=title_label(t, row.pledge_title))
        )
    return "; ".join(parts) if parts else t.gettext("no threshold")


def nobody(t: Translator, row: TitleDefinition) -> str:
    return t.gettext(
        "Nobody meets “{title}” ({level}): {asks}.",
        title=row.name,
        level=level_label(t, row.level),
        asks=thresholds(t, row),
    )


def summary(t: Translator, standing: Standing, among: int, where: str, person: bool) -> str:
    """A candidate's achievements in a line, as the council's table shows them."""
    parts = [t.gettext("{score} of the points at target", score=percent(t, standing.score))]
    if standing.targets_met:
        parts.append(
            t.gettext("every pledged target met") if person else t.gettext("every target met")
        )
    if standing.rank is not None and among > 1:
        parts.append(
            t.gettext(
                "ranked {rank} of {count} in {where}",
                rank=standing.rank,
                count=among,
                where=where,
            )
        )
    return "; ".join(parts)


def change_line(t: Translator, change: TitleChange, by: str) -> str:
    what = t.gettext(ACTIONS[ChangeAction(change.action)])
    if change.action == ChangeAction.CHANGED:
        what = t.gettext(
            "title changed from “{before}” to “{after}”",
            before=change.before or "",
            after=change.after or "",
        )
    return t.gettext(
        "{when}, {who}: {what}. Reason: {reason}",
        when=t.datetime(change.changed_at),
        who=by,
        what=what,
        reason=change.reason,
    )
