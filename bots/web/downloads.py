"""Tables as files to download: CSV (UTF-8 with a BOM, so Excel reads Vietnamese right) or
XLSX. Text a spreadsheet would run as a formula is kept as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from fastapi.responses import Response
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def cell(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def table_file(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    name: str,
    fmt: str,
    sheet: str = "data",
) -> Response:
    """The table as an attachment named `name`.csv or `name`.xlsx (any other fmt: CSV)."""
    safe = [[cell(v) for v in row] for row in rows]
    if fmt == "xlsx":
        book = Workbook()
        page = book.active
        assert page is not None
        page.title = sheet[:31]
        for line in [list(header), *safe]:
            page.append(line)
        out = io.BytesIO()
        book.save(out)
        body, media = out.getvalue(), XLSX
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(header)
        writer.writerows(safe)
        body, media, fmt = ("\ufeff" + text.getvalue()).encode(), "text/csv; charset=utf-8", "csv"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )
