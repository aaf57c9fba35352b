"""Reading the spreadsheets unions keep (XLSX, or CSV as Excel saves it) into rows of text.

What an officer's file may be: an XLSX with merged cells (a unit's name merged down the rows of
its members) and formulas; a CSV separated by commas or, as Excel saves it in a Vietnamese
locale, by semicolons; UTF-8 with or without a BOM, or the legacy Windows-1258 code page, whose
Vietnamese letters are written with combining tone marks. Rows come out numbered as Excel
numbers them, with every cell as clean NFC text, so that an error can name the row an officer
sees.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from python_calamine import CalamineWorkbook

from core.text import clean

MAX_FILE_BYTES = 20 * 1024 * 1024
_DELIMITERS = ",;\t"


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; `code` names why (for the catalogs)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # as Excel numbers it: the header is row 1 in a file that starts with it
    cells: tuple[str, ...]

    def get(self, index: int | None) -> str:
        return self.cells[index] if index is not None and index < len(self.cells) else ""

    @property
    def blank(self) -> bool:
        return not any(self.cells)


def read_rows(data: bytes, filename: str) -> Iterator[Row]:
    """Every row of the first sheet (or of the CSV). Raises SpreadsheetError for the file."""
    if len(data) > MAX_FILE_BYTES:
        raise SpreadsheetError("file_too_large")
    name = filename.lower()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _xlsx_rows(data)
    if name.endswith((".csv", ".txt")):
        return _csv_rows(data)
    raise SpreadsheetError("unknown_format")


def cell_text(value: object) -> str:
    """A cell as the officer reads it: 12.0 is "12", a date is dd/mm/yyyy, text is NFC."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return clean(str(value)).replace("\n", " ")


def decode_text(data: bytes) -> str:
    """UTF-8 (a BOM or not), else Windows-1258; NFC either way (by `clean`, cell by cell)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258")
    except UnicodeDecodeError:
        raise SpreadsheetError("not_text") from None


def _csv_rows(data: bytes) -> Iterator[Row]:
    text = decode_text(data)
    if "\x00" in text:
        raise SpreadsheetError("not_text")
    first = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            yield Row(number, tuple(cell_text(c) for c in cells))
    except csv.Error:
        raise SpreadsheetError("not_text") from None


def _xlsx_rows(data: bytes) -> Iterator[Row]:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
    except Exception:  # calamine raises its own kinds for a file that is not a workbook
        raise SpreadsheetError("not_xlsx") from None
    top, left = sheet.start or (0, 0)
    merged: dict[int, list[tuple[int, int, int]]] = {}  # row -> (top, left, right), 1-based
    for (first_row, first_col), (last_row, last_col) in sheet.merged_cell_ranges or ():
        for number in range(first_row + 1, last_row + 2):
            merged.setdefault(number, []).append((first_row + 1, first_col + 1, last_col + 1))
    carried: dict[tuple[int, int], str] = {}  # merged cells: the value of their top-left
    for number, values in enumerate(sheet.iter_rows(), start=top + 1):
        cells = [""] * left + [cell_text(v) for v in values]
        for first, column_from, column_to in merged.get(number, ()):
            cells.extend([""] * (column_to - len(cells)))
            if number == first:
                carried[(first, column_from)] = cells[column_from - 1]
            for column in range(column_from, column_to + 1):
                if not cells[column - 1]:
                    cells[column - 1] = carried.get((first, column_from), "")
        yield Row(number, tuple(cells))
