"""Words for the DomainError codes the feature services raise, taken from the features' own
texts; only the web's own codes are worded here."""

from __future__ import annotations

from types import SimpleNamespace

from core.campaigns.texts import problem as campaign_problem
from core.emulation.block_texts import problem as block_problem
from core.emulation.review_texts import problem as review_problem
from core.emulation.texts import problem as emulation_problem
from core.emulation.title_texts import problem as title_problem
from core.errors import DomainError
from core.i18n import N_, Translator
from core.initiatives.problems import TEXTS as INITIATIVE_TEXTS
from core.initiatives.problems import problem_text as initiative_problem
from core.memberadmin.texts import problem as member_problem
from core.quizzes.texts import problem as quiz_problem

WEB_TEXTS: dict[str, str] = {
    "signin_code_unknown": N_(
        "This sign-in code is not valid. Check it, or send /signin to the bot for a new one."
    ),
    "signin_code_used": N_("This sign-in code has already been used. Send /signin for a new one."),
    "signin_code_expired": N_("This sign-in code has expired. Send /signin for a new one."),
    "signin_throttled": N_(
        "Too many wrong codes were typed here. Send /signin to the bot for a new code and "
        "type it here: a new code works at once. Otherwise, please wait 15 minutes."
    ),
    "signin_officer_throttled": N_(
        "This officer's older sign-in codes were tried too many times, so they no longer "
        "work. Send /signin to the bot for a new code."
    ),
    "csrf": N_("This form has expired. Please reload the page and try again."),
    "not_found": N_("This page does not exist, or it belongs to a union outside your units."),
    "file_missing": N_("Please choose a CSV or XLSX file."),
    "bad_date": N_("Please enter the dates as YYYY-MM-DD."),
    "bad_number": N_("Please enter a whole number."),
    "bad_band_line": N_(
        "A band line could not be read: write FROM - TO: REWARD, POINTS, like 0 - 10tr: 500k, 10."
    ),
    "not_an_officer": N_("The officer web page is only for union officers."),
    "bad_days": N_("A quiz stays open for 1 to 366 days."),
    "bad_title": N_("Please give a title of 1 to 200 characters."),
    "closes_before_opening": N_("The quiz must close after it opens."),
    "bad_time_limit": N_("The time per question is 5 to 3600 seconds, or empty for no limit."),
    "campaign_of_another_unit": N_(
        "That campaign belongs to another unit: choose a campaign of the quiz's unit or above."
    ),
    "quiz_published": N_("This quiz is already published; its questions no longer change."),
    "no_questions": N_("A quiz needs at least one question."),
    "bad_points": N_("Please give whole points from 0 to 100000."),
    "bad_period": N_("The last day is before the first day."),
    "bad_unit": N_("Please give the unit a name and choose its kind."),
}
QUIZ_CODES = frozenset(
    {"not_published", "closed", "quiz_unknown", "not_closed", "bad_title", "no_questions"}
)


def text(t: Translator, err: DomainError | str) -> str:
    code = err if isinstance(err, str) else err.code
    if code in WEB_TEXTS:
        return t.gettext(WEB_TEXTS[code])
    if code in INITIATIVE_TEXTS:
        return initiative_problem(t, err)
    worded = (
        member_problem(t, code)
        or emulation_problem(t, code)
        or block_problem(t, code)
        or title_problem(t, code)
        or review_problem(t, code)
    )
    if worded:
        return worded
    like_ctx = SimpleNamespace(t=t)
    if code in QUIZ_CODES:
        return quiz_problem(like_ctx, code)  # type: ignore[arg-type]
    if code.startswith("bank_") and isinstance(err, DomainError):
        return str(err)
    return campaign_problem(like_ctx, code)  # type: ignore[arg-type]
