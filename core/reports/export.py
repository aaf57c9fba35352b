"""The report tables as rows, and their CSV and XLSX files (openpyxl)."""

from __future__ import annotations

import csv
import io
import json

from openpyxl import Workbook

from core.reports.service import CommendationShare, InitiativeRow

INITIATIVE_HEADER = ["unit", "status", "initiatives", "accepted_benefit_vnd", "rewards_vnd"]
SHARE_HEADER = [
    "unit",
    "people_commended",
    "direct_workers",
    "direct_worker_share",
    "without_leadership_post",
    "without_post_share",
    "with_leadership_post",
    "official",
    "civil_servant",
    "public_employee",
    "direct_worker",
    "verified_on_roster",  # of the people commended: group and post from the union's roster
]
GROUP_COLUMNS = SHARE_HEADER[7:11]


def initiative_rows(rows: list[InitiativeRow]) -> list[list[object]]:
    return [[r.unit, r.status, r.count, r.benefit_vnd, r.reward_vnd] for r in rows]


def share_rows(rows: list[CommendationShare]) -> list[list[object]]:
    return [
        [
            r.unit,
            r.people,
            r.direct_workers,
            round(r.direct_share, 4),
            r.without_post,
            round(r.without_post_share, 4),
            r.leaders,
            *(r.by_group.get(g, 0) for g in GROUP_COLUMNS),
            r.verified,
        ]
        for r in rows
    ]


def to_csv(header: list[str], rows: list[list[object]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")  # Excel opens Vietnamese CSV right with a BOM


def to_xlsx(sheets: dict[str, tuple[list[str], list[list[object]]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, (header, rows) in sheets.items():
        sheet = book.create_sheet(title[:31])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def to_json(header: list[str], rows: list[list[object]]) -> bytes:
    return json.dumps(
        [dict(zip(header, row, strict=True)) for row in rows], ensure_ascii=False
    ).encode()
