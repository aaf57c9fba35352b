"""Tables as files to download: XLSX (the default), or CSV written for the officer's locale as
their Excel reads it: UTF-8 with a BOM, and in Vietnamese ";" between cells and "," before the
decimals (a Vietnamese-locale Excel splits on ";" and reads "37,5" as a number). Text a
spreadsheet would run as a formula is kept as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

from fastapi.responses import Response
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("xlsx", "csv")
# The list separator and decimal mark of a CSV, per locale (what Excel expects there).
CSV_STYLE = {"vi": (";", ","), "en": (",", ".")}


def csv_style(locale: str) -> tuple[str, str]:
    return CSV_STYLE.get(locale, CSV_STYLE["vi"])


def cell(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[object]], locale: str) -> bytes:
    delimiter, decimal = csv_style(locale)
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(
        [str(v).replace(".", decimal) if isinstance(v, float | Decimal) else v for v in row]
        for row in rows
    )
    return ("\ufeff" + text.getvalue()).encode()


def table_file(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    name: str,
    fmt: str,
    locale: str,
    sheet: str = "data",
) -> Response:
    """The table as an attachment named `name`.xlsx or, with fmt "csv", `name`.csv."""
    safe = [[cell(v) for v in row] for row in rows]
    if fmt != "csv":
        book = Workbook()
        page = book.active
        assert page is not None
        page.title = sheet[:31]
        for line in [list(header), *safe]:
            page.append(line)
        out = io.BytesIO()
        book.save(out)
        body, media = out.getvalue(), XLSX
        fmt = "xlsx"
    else:
        body, media = csv_bytes(header, safe, locale), "text/csv; charset=utf-8"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )
