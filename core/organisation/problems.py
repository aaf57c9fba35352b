"""What each import problem means, in the officer's language, with the row Excel shows."""

from __future__ import annotations

from core.i18n import N_, Translator
from core.organisation.roster_rules import Column, Problem

TEXTS: dict[str, str] = {
    "file_too_large": N_("The file is too large (20 MB at most)."),
    "unknown_format": N_("Please give an .xlsx or a .csv file."),
    "not_xlsx": N_("This file is not an Excel (.xlsx) workbook."),
    "not_text": N_("This file cannot be read as a CSV table."),
    "empty_file": N_("The file is empty."),
    "no_rows": N_("The file has a header but no rows."),
    "too_many_rows": N_("The file has more rows than can be imported at once."),
    "column_missing": N_("The column «{value}» is missing."),
    "column_twice": N_("The column «{value}» appears twice."),
    "no_key_column": N_(
        "The file needs at least one of the columns: membership card number, phone number, "
        "date of birth."
    ),
    "bad_name": N_("The name «{value}» is not a person's full name."),
    "bad_unit": N_("The unit is missing or too long."),
    "bad_worker_group": N_("«{value}» is not a worker group."),
    "bad_leader": N_("«{value}» is not a yes or no for the leadership post."),
    "bad_birth_date": N_("«{value}» is not a date of birth (dd/mm/yyyy)."),
    "bad_card": N_("«{value}» is not a membership card number."),
    "bad_phone": N_("«{value}» is not a Vietnamese phone number."),
    "bad_gender": N_("«{value}» is not a gender (Nam or Nữ)."),
    "no_key": N_(
        "The row has no membership card number, phone number or date of birth to recognise the "
        "person by."
    ),
    "same_person_as_row": N_("The same person as row {value}."),
    "unit_unknown": N_("No unit «{value}» in your union."),
    "unit_ambiguous": N_("More than one unit is called «{value}»: use the unit's code."),
    "bad_unit_name": N_("The unit's name is missing or too long."),
    "bad_unit_code": N_("«{value}» is not a unit code (32 characters at most)."),
    "bad_unit_kind": N_("«{value}» is not a kind of union unit."),
    "bad_enterprise_type": N_("«{value}» is not an enterprise type."),
    "bad_member_count": N_("«{value}» is not a number of members."),
    "bad_declared_on": N_("«{value}» is not a past date (dd/mm/yyyy)."),
    "unit_code_twice": N_("The unit code «{value}» appears twice."),
    "unit_twice": N_("The same unit under the same parent as row {value}."),
    "parent_unknown": N_("No unit «{value}» above it, in the file or in your union."),
    "parent_ambiguous": N_(
        "More than one unit is called «{value}»: give the code of the unit above."
    ),
    "parent_row_refused": N_("The unit above it cannot be imported."),
    "unit_cycle": N_("The units above this one lead back to it."),
}
COLUMN_NAMES: dict[str, str] = {
    Column.FULL_NAME: N_("Full name"),
    Column.UNIT: N_("Unit"),
    "name": N_("Unit name"),
    "kind": N_("Unit kind"),
}


def describe(t: Translator, problem: Problem) -> str:
    value = problem.value
    if problem.code == "column_missing":
        value = t.gettext(COLUMN_NAMES.get(problem.column or value, value))
    text = t.gettext(TEXTS.get(problem.code, N_("This row cannot be imported.")), value=value)
    if problem.row <= 0:
        return text
    return t.gettext("Row {row}: {problem}", row=problem.row, problem=text)
