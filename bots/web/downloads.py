"""Tables as files to download: XLSX (the default), or CSV written for the officer's locale as
their Excel reads it (bots/spreadsheets.py, shared with `thidua report` and `thidua quiz
export`)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from fastapi.responses import Response
from openpyxl import Workbook

from bots.spreadsheets import CSV, XLSX, cell, csv_bytes

FORMATS = ("xlsx", "csv")


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
        body, media = csv_bytes(header, safe, locale), CSV
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )
