"""Words for the codes of the DomainErrors initiatives and commendations raise."""

from __future__ import annotations

from core.errors import DomainError
from core.i18n import N_, Translator

TEXTS: dict[str, str] = {
    "title_empty": N_("The title cannot be empty. Please write a short title."),
    "title_too_long": N_("The title is too long. Please keep it under 200 characters."),
    "problem_empty": N_("Please describe the problem in a few words."),
    "problem_too_long": N_("That is too long. Please keep it under 3000 characters."),
    "solution_empty": N_("The solution cannot be empty. Please describe what you propose."),
    "solution_too_long": N_("That is too long. Please keep it under 3000 characters."),
    "benefit_missing": N_("Please give the expected benefit first."),
    "benefit_bad_hours": N_(
        "I could not read that as a number of hours. Please send a whole number of hours a "
        "year, for example 600 or 600 giờ."
    ),
    "benefit_bad": N_(
        "I could not read that as an amount. Please send a whole number that is zero or more, "
        "for example 15000000 or 15 triệu."
    ),
    "attachment_unavailable": N_(
        "We could not download this file from the app. Please send it again, or hand it to "
        "your union officer."
    ),
    "team_name_empty": N_("Please write the team's name."),
    "team_name_too_long": N_("The team's name is too long. Please keep it under 120 characters."),
    "attachment_kind": N_("Only photos, videos and documents can be attached."),
    "attachment_executable": N_(
        "Program files cannot be attached, for everyone's safety. Please send a photo or a "
        "document instead."
    ),
    "attachment_type": N_(
        "This type of file cannot be attached. Please send a photo, a PDF, Word, Excel or "
        "PowerPoint file."
    ),
    "attachment_too_large": N_("This file is too large. Files up to {limit} MB are accepted."),
    "attachment_too_many": N_("An initiative can have at most 10 files."),
    "coauthor_other_unit": N_(
        "Co-authors must be members of your own grassroots union. That person is not."
    ),
    "coauthor_already": N_("That person is already an author."),
    "too_many_authors": N_("An initiative can have at most 10 authors."),
    "member_unknown": N_("I could not find that member."),
    "already_submitted": N_("This initiative has already been sent."),
    "initiative_unknown": N_("I could not find that initiative."),
    "already_accepted": N_("This initiative has already been accepted; its reward was given once."),
    "already_rejected": N_("This initiative has already been rejected."),
    "already_applied": N_("This initiative is already marked as applied."),
    "already_needs_info": N_("A question is already waiting for the authors' answer."),
    "wrong_status": N_("That cannot be done at this stage of the initiative."),
    "no_question_open": N_("There is no open question about this initiative."),
    "question_empty": N_("Please write your question."),
    "question_too_long": N_("That is too long. Please keep it under 3000 characters."),
    "answer_empty": N_("Please write your answer."),
    "answer_too_long": N_("That is too long. Please keep it under 3000 characters."),
    "reason_empty": N_("A reason is required. Please write it in a few words."),
    "reason_too_long": N_("That is too long. Please keep it under 3000 characters."),
    "reward_table_missing": N_(
        "Your union has no reward table in force yet. Set it first with /reward_table."
    ),
    "assignee_not_officer": N_("That person is not an officer of this unit."),
    "outside_scope": N_("That is outside the units you look after."),
    "not_an_officer": N_("Only union officers can do that."),
    "unit_unknown": N_("I could not find that unit."),
    "table_empty": N_("The table needs at least one band."),
    "table_negative": N_("Amounts and points cannot be negative."),
    "table_empty_band": N_("Band {band} ends where it starts: its upper end must be larger."),
    "table_overlap": N_(
        "Band {band} overlaps the band before it. Each benefit must fall in one band only."
    ),
    "table_open_band_not_last": N_("Only the last band may have no upper end (+)."),
    "table_too_many_bands": N_("A table can have at most 30 bands."),
    "nominate_self": N_(
        "You cannot nominate yourself. Commendation is how colleagues recognise each other: "
        "ask a colleague or your union officer to nominate you."
    ),
    "nominee_other_unit": N_("You can only nominate members of your own grassroots union."),
    "already_decided": N_("This nomination has already been decided."),
    "commendation_unknown": N_("I could not find that nomination."),
    "team_empty": N_("A team needs at least two members."),
    "commendation_form": N_(
        "Choose the form of the commendation (emulation title, Giấy khen or Bằng khen) before "
        "its issuing level."
    ),
    "commendation_level": N_(
        "You can record a commendation as issued by the levels from the commended people's "
        "grassroots union up to your own union's, not by a level above yours."
    ),
}


def problem_text(t: Translator, err: DomainError | str, **params: object) -> str:
    code = err if isinstance(err, str) else err.code
    message = TEXTS.get(code)
    if message is None:
        return t.gettext("That cannot be done at this stage of the initiative.")
    if code.startswith("table_") and isinstance(err, DomainError):
        band = str(err).removeprefix("band ")
        params = {"band": band, **params}
    return t.gettext(message, **params) if params else t.gettext(message)
