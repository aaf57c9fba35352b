"""Tables written as files a spreadsheet opens right, shared by the officer desk's downloads and
the `thidua report` and `thidua quiz export` commands.

A CSV is written for a locale as its Excel reads it: UTF-8 with a BOM, and in Vietnamese ";"
between cells, "," before the decimals (a Vietnamese-locale Excel splits on ";" and reads "37,5"
as a number) and dates as dd/mm/yyyy. Text a spreadsheet would run as a formula is kept as
text. The report's column names and status words are put in the reader's language here."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from core.i18n import Translator
from core.initiatives import texts as words
from core.quizzes import bank
from core.quizzes.bank import QuestionDraft

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
# The list separator and decimal mark of a CSV, per locale (what Excel expects there).
CSV_STYLE = {"vi": (";", ","), "en": (",", ".")}
DATE_STYLE = {"vi": "%d/%m/%Y", "en": "%Y-%m-%d"}


def csv_style(locale: str) -> tuple[str, str]:
    return CSV_STYLE.get(locale, CSV_STYLE["vi"])


def cell(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_value(value: object, decimal: str, day: str) -> object:
    if isinstance(value, float | Decimal):
        return str(value).replace(".", decimal)
    if isinstance(value, datetime):
        return value.strftime(day + " %H:%M")
    if isinstance(value, date):
        return value.strftime(day)
    return value


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[object]], locale: str) -> bytes:
    delimiter, decimal = csv_style(locale)
    day = DATE_STYLE.get(locale, DATE_STYLE["vi"])
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows([_csv_value(cell(v), decimal, day) for v in row] for row in rows)
    return ("\ufeff" + text.getvalue()).encode()


def bank_bytes(drafts: Sequence[QuestionDraft], fmt: str, locale: str) -> tuple[bytes, str, str]:
    """A quiz's questions as a bank (the import's own layout) with the column names of the
    locale: the file's bytes, its extension and its media type."""
    header = bank.header_for(locale)
    if fmt == "csv":
        return bank.write_csv(drafts, header, csv_style(locale)[0]), "csv", CSV
    return bank.write_xlsx(drafts, header), "xlsx", XLSX


def report_header(t: Translator, kind: str) -> list[str]:
    """The column names of a report (core/reports/export.py's rows) in the reader's language."""
    _ = t.gettext
    if kind == "initiatives":
        return [
            _("Union unit"),
            _("Initiative status"),
            _("Initiatives"),
            _("Accepted benefit (VND)"),
            _("Rewards (VND)"),
        ]
    return [
        _("Union unit"),
        _("People commended"),
        _("Direct production workers"),
        _("Share of direct production workers"),
        _("Without a leadership post"),
        _("Share without a leadership post"),
        _("With a leadership post"),
        _("Union or Party official"),
        _("Civil servant"),
        _("Public employee"),
        _("Worker in production or business"),
        _("Group and post from the members' list"),
    ]


def report_rows(t: Translator, kind: str, rows: list[list[object]]) -> list[list[object]]:
    """The rows with their status words in the reader's language."""
    if kind == "initiatives":
        for row in rows:
            row[1] = words.status(t, str(row[1]))
    return rows
