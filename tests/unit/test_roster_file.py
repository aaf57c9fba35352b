"""Roster spreadsheets as unions keep them: Vietnamese headers, merged unit cells, semicolon
CSV in UTF-8 or Windows-1258, numbers Excel stripped of their leading zero."""

from __future__ import annotations

import io
import unicodedata
from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from core.members.models import WorkerGroup
from core.members.rules import normalise_phone, parse_date
from core.organisation.roster_file import read_roster
from core.organisation.roster_rules import Column, Gender

TODAY = date(2026, 12, 2)
HEADER = [
    "STT",
    "Họ và tên",
    "Đơn vị",
    "Đối tượng",
    "Chức vụ lãnh đạo",
    "Ngày sinh",
    "Số thẻ đoàn viên",
    "Số điện thoại",
    "Giới tính",
]


def xlsx(rows: list[list[object]], merge: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_an_xlsx_with_a_unit_merged_down_its_members():
    data = xlsx(
        [
            HEADER,
            [
                1,
                "Nguyễn Thị Lan",
                "Tổ Cơ khí 1",
                "Người lao động",
                "Không",
                "12/03/1990",
                "",
                912345678,
                "Nữ",
            ],
            [2, "Trần Văn Bình", None, "Cán bộ", "Có", None, "CD-0002", None, "Nam"],
            [3, "Lê Hoa", None, "", "", "", "", "0987654321", ""],
        ],
        merge="C2:C4",
    )
    roster = read_roster(data, "danh-sach.xlsx", today=TODAY)
    assert roster.problems == []
    lan, binh, hoa = roster.rows
    assert [r.unit for r in roster.rows] == ["Tổ Cơ khí 1"] * 3
    assert lan.phone == "0912345678" and lan.birth_date == date(1990, 3, 12)
    assert lan.worker_group is WorkerGroup.DIRECT_WORKER and lan.leader is False
    assert lan.gender is Gender.FEMALE
    assert (
        binh.card == "CD-0002" and binh.leader is True and binh.worker_group is WorkerGroup.OFFICIAL
    )
    assert hoa.worker_group is None and hoa.row == 4


TONES = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text: str) -> bytes:
    """As the legacy code page writes Vietnamese: vowels with their circumflex, breve or horn
    precomposed, the tone mark after them as a combining character."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in TONES)
        out.append(
            unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES)) + tones
        )
    return "".join(out).encode("cp1258")


def test_a_semicolon_csv_in_windows_1258_reads_as_nfc():
    text = "Họ tên;Công đoàn;SĐT\r\nNguyễn Thị Lan;CĐCS Minh Phát;0912 345 678\r\n"
    data = windows_1258(text)
    assert b"\xcc" in data  # a combining grave accent: this is what Windows-1258 looks like
    roster = read_roster(data, "ds.csv", today=TODAY)
    assert roster.problems == []
    (lan,) = roster.rows
    assert lan.full_name == "Nguyễn Thị Lan" and unicodedata.is_normalized("NFC", lan.full_name)
    assert lan.unit == "CĐCS Minh Phát" and lan.phone == "0912345678"


def test_every_bad_row_is_named_by_its_excel_row_and_nothing_else_is_lost():
    data = (
        "\ufeffHọ và tên,Đơn vị,Ngày sinh,Số thẻ đoàn viên,Đối tượng\n"
        "Nguyễn Thị Lan,Tổ 1,31/02/1990,,\n"  # no such date
        ",Tổ 1,,CD-1,\n"  # no name
        "Trần Bình,Tổ 1,,CD-2,phi công\n"  # not a worker group
        "Lê Hoa,Tổ 1,,CD-2,\n"  # the same card as row 4... which was refused: kept
        "Lê Hoa,Tổ 2,,CD-2,\n"  # the same card as row 5
        "Phạm An,Tổ 1,,,\n"  # no key at all
    ).encode()
    roster = read_roster(data, "ds.csv", today=TODAY)
    assert [(p.row, p.code) for p in roster.problems] == [
        (2, "bad_birth_date"),
        (3, "bad_name"),
        (4, "bad_worker_group"),
        (6, "same_person_as_row"),
        (7, "no_key"),
    ]
    assert [r.row for r in roster.rows] == [5]


def test_a_header_without_the_needed_columns_is_refused_whole():
    roster = read_roster("Tên đoàn viên;Ghi chú\nLan;x\n".encode(), "a.csv", today=TODAY)
    assert [(p.row, p.code, p.column) for p in roster.problems] == [
        (1, "column_missing", Column.UNIT)
    ]
    assert roster.rows == []


def test_a_file_that_is_not_a_spreadsheet():
    assert [p.code for p in read_roster(b"\x00\x01binary", "a.csv", today=TODAY).problems] == [
        "not_text"
    ]
    assert [p.code for p in read_roster(b"PK\x03\x04junk", "a.xlsx", today=TODAY).problems] == [
        "not_xlsx"
    ]
    assert [p.code for p in read_roster(b"x", "a.pdf", today=TODAY).problems] == ["unknown_format"]


@given(st.integers(min_value=100_000_000, max_value=999_999_999))
def test_a_phone_is_the_same_however_it_was_typed(number):
    local = f"0{number}"
    for typed in (
        local,
        f"+84{number}",
        f"84{number}",
        str(number),
        f"{local[:4]}.{local[4:7]}.{local[7:]}",
    ):
        assert normalise_phone(typed) == local


@given(st.dates(min_value=date(1930, 1, 1), max_value=date(2011, 12, 31)))
def test_a_date_reads_back_in_each_written_form(day):
    for typed in (
        day.strftime("%d/%m/%Y"),
        f"{day.day}/{day.month}/{day.year}",
        day.isoformat(),
        day.strftime("%d.%m.%Y"),
        day.strftime("%d-%m-%Y"),
    ):
        assert parse_date(typed) == day


def test_the_downloadable_templates_read_back_in_both_languages(tmp_path):
    from core.i18n import Catalogs
    from core.organisation import templates
    from core.organisation.tree_import import read_tree
    from core.organisation.tree_rules import read_tree_header

    catalogs = Catalogs(Path(__file__).resolve().parents[2] / "locales", "vi")
    for locale in ("vi", "en"):
        t = catalogs.translator(locale, "Asia/Ho_Chi_Minh")
        roster = read_roster(templates.template(t, templates.ROSTER), "mau.xlsx", today=TODAY)
        assert roster.problems == [] and roster.rows[0].phone == "0912345678", locale
        tree_bytes = templates.template(t, templates.TREE)
        tree = read_tree(tree_bytes, "mau.xlsx", today=TODAY)
        assert tree.problems == [] and tree.rows[0].declared_members == 1250, locale
        header = [t.gettext(h) for h, _example in templates.TREE]
        layout, problems = read_tree_header(header)
        assert problems == [] and len(layout.columns) == len(templates.TREE), locale


def test_two_people_with_one_name_and_birth_date_but_their_own_cards_are_two_people():
    data = (
        "Họ và tên;Đơn vị;Ngày sinh;Số thẻ đoàn viên;Số điện thoại\n"
        "Nguyễn Văn An;Tổ 1;01/01/1990;CD-1;\n"
        "Nguyễn Văn An;Tổ 2;01/01/1990;CD-2;\n"
        "Nguyễn Văn An;Tổ 2;01/01/1990;;\n"  # no card to tell them apart: the first one again
    ).encode()
    roster = read_roster(data, "ds.csv", today=TODAY)
    assert [r.card for r in roster.rows] == ["CD-1", "CD-2"]
    assert [(p.row, p.code, p.value) for p in roster.problems] == [(4, "same_person_as_row", "2")]
