"""Question banks in CSV and XLSX: round trips, and every bad row named by its number."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from core.quizzes import bank
from core.quizzes.bank import (
    BankRejected,
    QuestionDraft,
    read_bank,
    read_csv,
    read_xlsx,
    write_csv,
    write_xlsx,
)
from core.text import clean
from tests.points_helpers import quiz_drafts

HEADER = "question,option_1,option_2,option_3,option_4,correct,explanation\n"


def codes(exc: BankRejected) -> list[tuple[int, str]]:
    return [(e.row, e.code) for e in exc.errors]


def test_csv_and_xlsx_round_trip():
    drafts = quiz_drafts()
    assert read_csv(write_csv(drafts)) == drafts
    assert read_xlsx(write_xlsx(drafts)) == drafts
    assert read_bank(write_xlsx(drafts), "ngân hàng câu hỏi.XLSX") == drafts


def test_semicolon_csv_from_excel_with_letters_for_correct():
    data = "question;option_1;option_2;correct\nHỏi?;Có;Không;A\n".encode("utf-8-sig")
    assert read_csv(data) == [QuestionDraft("Hỏi?", ("Có", "Không"), frozenset({0}), "")]


def test_missing_column_is_row_one():
    with pytest.raises(BankRejected) as caught:
        read_csv(b"question,option_1,correct\nQ?,A,1\n")
    assert codes(caught.value) == [(1, "missing_column")]
    assert "option_2" in str(caught.value)


def test_every_bad_row_is_reported_with_its_number():
    body = (
        HEADER
        + "Câu một?,A,B,,,1,\n"  # row 2: fine
        + "Câu hai?,A,,C,,1,\n"  # row 3: an empty option before a filled one
        + "Câu ba?,A,B,C,D,1;2;3;4,\n"  # row 4: every option correct
        + "câu MỘT?,X,Y,,,2,\n"  # row 5: the same question as row 2
        + ",A,B,,,1,\n"  # row 6: no question
        + "Câu sáu?,A,B,,,3,\n"  # row 7: the correct option is empty
        + "Câu bảy?,A,B,,,,\n"  # row 8: nothing marked correct
        + "Câu tám?,A,B,,,hai,\n"  # row 9: not option numbers
        + "Câu chín?,A,,,,1,\n"  # row 10: one option only
    )
    with pytest.raises(BankRejected) as caught:
        read_csv(body.encode())
    assert codes(caught.value) == [
        (3, "empty_option"),
        (4, "all_correct"),
        (5, "duplicate_question"),
        (6, "empty_question"),
        (7, "correct_unknown"),
        (8, "no_correct"),
        (9, "bad_correct"),
        (10, "too_few_options"),
    ]


def test_six_correct_of_six_in_a_workbook():
    book = Workbook()
    sheet = book.active
    sheet.append(["question", *(f"option_{i}" for i in range(1, 7)), "correct"])  # type: ignore[union-attr]
    sheet.append(["Chọn tất cả?", "1", "2", "3", "4", "5", "6", "1;2;3;4;5;6"])  # type: ignore[union-attr]
    buf = io.BytesIO()
    book.save(buf)
    with pytest.raises(BankRejected) as caught:
        read_xlsx(buf.getvalue())
    assert codes(caught.value) == [(2, "all_correct")]


def test_not_a_workbook_and_unknown_formats():
    with pytest.raises(BankRejected) as caught:
        read_xlsx(b"PK\x03\x04 not really")
    assert codes(caught.value) == [(0, "not_xlsx")]
    with pytest.raises(BankRejected) as caught:
        read_bank(b"{}", "bank.json")
    assert codes(caught.value) == [(0, "unknown_format")]
    with pytest.raises(BankRejected) as caught:
        read_csv("question,option_1,option_2,correct\n".encode("utf-16"))
    assert codes(caught.value) == [(0, "not_utf8")]


text = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp", "Cf")),
        min_size=1,
        max_size=40,
    )
    .map(lambda s: clean(s).strip())  # what a person types, as the cleaner keeps it
    .filter(bool)
)


def test_text_that_begins_with_an_apostrophe_reads_back_as_written():
    drafts = [QuestionDraft("'@ hỏi", ("'@", "''x", "'=1", "=2", "'b"), frozenset({0}), "'+")]
    assert read_csv(write_csv(drafts)) == drafts
    assert read_xlsx(write_xlsx(drafts)) == drafts


@given(st.data())
def test_any_valid_bank_survives_both_formats(data):
    questions = data.draw(
        st.lists(text, min_size=1, max_size=5, unique_by=lambda s: " ".join(s.casefold().split()))
    )
    drafts = []
    for q in questions:
        options = data.draw(st.lists(text, min_size=2, max_size=6, unique_by=str.casefold))
        correct = data.draw(
            st.sets(st.integers(0, len(options) - 1), min_size=1, max_size=len(options) - 1)
        )
        drafts.append(
            QuestionDraft(q, tuple(options), frozenset(correct), data.draw(st.just("") | text))
        )
    try:
        assert read_csv(write_csv(drafts)) == drafts
        assert read_xlsx(write_xlsx(drafts)) == drafts
    except BankRejected as exc:  # only text the cleaner changes may differ: never a crash
        assert all(e.code in {"duplicate_question", "duplicate_option"} for e in exc.errors), exc


def test_vietnamese_headers_are_read_and_written():
    text = (
        "Câu hỏi;Phương án 1;phuong an 2;Đáp án;Giải thích\n"
        "Người lao động có quyền gì?;Thương lượng tập thể;Không có quyền;1;Điều 176\n"
    )
    drafts = bank.read_csv(text.encode("utf-8"))
    assert drafts[0].options == ("Thương lượng tập thể", "Không có quyền")
    assert drafts[0].correct == frozenset({0}) and drafts[0].explanation == "Điều 176"
    written = bank.write_csv(drafts, bank.header_for("vi"), ";")
    assert written.startswith("\ufeffcâu hỏi;phương án 1;".encode())
    assert bank.read_csv(written) == drafts
    assert bank.read_xlsx(bank.write_xlsx(drafts, bank.header_for("vi"))) == drafts
