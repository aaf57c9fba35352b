"""The spreadsheets an officer downloads to fill in: the headers the importers read, in the
officer's language, with one example row."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from core.i18n import N_, Translator

TREE = (
    (N_("Unit code"), "MP"),
    (N_("Unit name"), "CĐCS Công ty TNHH Cơ khí Minh Phát"),
    (N_("Parent unit code"), "KCN-BD"),
    (N_("Unit kind"), "Công đoàn cơ sở"),
    (N_("Enterprise type"), "Doanh nghiệp tư nhân"),
    (N_("Number of members"), "1250"),
    (N_("As of"), "01/12/2026"),
)
ROSTER = (
    (N_("Full name"), "Nguyễn Thị Lan"),
    (N_("Unit"), "Tổ Cơ khí 1"),
    (N_("Worker group"), "Người lao động"),
    (N_("Leadership post"), "Không"),
    (N_("Date of birth"), "12/03/1990"),
    (N_("Membership card number"), "CD-000123"),
    (N_("Phone number"), "0912345678"),
    (N_("Gender"), "Nữ"),
)


def template(t: Translator, columns: tuple[tuple[str, str], ...]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for index, (header, example) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=t.gettext(header))
        cell.font = Font(bold=True)
        example_cell = sheet.cell(row=2, column=index, value=example)
        example_cell.data_type = "s"  # a phone keeps its leading zero
        sheet.column_dimensions[cell.column_letter].width = max(14, len(cell.value) + 4)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
