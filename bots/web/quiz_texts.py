"""What the quiz pages say about a quiz's state and about the bad rows of an imported bank."""

from __future__ import annotations

from core.i18n import Translator
from core.quizzes.bank import BankRejected, RowError


def nothing_imported(t: Translator, rejected: BankRejected) -> str:
    return t.gettext(
        "Nothing was imported: {n} rows of the file need fixing.",
        n=t.number(len({e.row for e in rejected.errors})),
    )


def state_text(t: Translator, state: str) -> str:
    _ = t.gettext
    return {
        "not_published": _("imported, not published yet"),
        "not_yet": _("published, opens later"),
        "open": _("open now"),
        "closed": _("closed"),
    }.get(state, state)


def row_problem_text(t: Translator, error: RowError) -> str:
    """What is wrong with a row of the bank, in the officer's language."""
    _ = t.gettext
    texts = {
        "empty_file": _("The file is empty."),
        "missing_column": _(
            "The first row must name the columns: question, option_1, option_2 and correct are "
            "required."
        ),
        "unknown_column": _("The first row names a column the import does not know."),
        "too_many_rows": _("A bank holds at most 500 questions; the rows from here on are left."),
        "empty_question": _("The question is empty."),
        "question_too_long": _("The question is longer than 1000 characters."),
        "empty_option": _("An option is empty while a later option is filled in."),
        "option_too_long": _("An option is longer than 300 characters."),
        "too_few_options": _("A question needs at least 2 options."),
        "too_many_options": _("A question has at most 6 options."),
        "duplicate_option": _("Two options have the same text."),
        "bad_correct": _("The 'correct' column must hold option numbers, like 2 or 1;3."),
        "no_correct": _("The 'correct' column is empty: say which option is right."),
        "correct_unknown": _("The 'correct' column names an option that is empty."),
        "all_correct": _("Every option is marked correct: leave at least one wrong option."),
        "explanation_too_long": _("The explanation is longer than 2000 characters."),
        "duplicate_question": _("The same question is already in an earlier row."),
        "no_questions": _("The file has no questions."),
        "file_too_large": _("The file is larger than 2 MB."),
        "not_utf8": _("The CSV file is not saved as UTF-8 text. In Excel, save it as CSV UTF-8."),
        "not_xlsx": _("The file is not an Excel (XLSX) workbook."),
        "unknown_format": _("Please choose a .csv or .xlsx file."),
    }
    return texts.get(error.code, error.detail)
