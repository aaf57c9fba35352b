"""Pure rules of initiatives: amounts, bands, the split, codes, attachments, similarity."""

from __future__ import annotations

import unicodedata
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from core.initiatives import rules
from core.initiatives.rules import Band, TableProblem


@given(st.integers(min_value=0, max_value=10**12))
def test_amount_round_trips_with_and_without_separators(value: int) -> None:
    assert rules.parse_amount(str(value)) == value
    assert rules.parse_amount(f"{value:,}".replace(",", ".") + " đ") == value
    assert rules.parse_amount(f"{value:,} VNĐ") == value


def test_amount_words_and_refusals() -> None:
    assert rules.parse_amount("15 triệu") == 15_000_000
    assert rules.parse_amount("1,5 tỷ") == 1_500_000_000
    assert rules.parse_amount("200k") == 200_000
    for bad in ("abc", "-5", "-15.000.000", "", "1.5", "12 con gà", "1e9"):
        assert rules.parse_amount(bad) is None, bad


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=1, max_value=30))
def test_split_adds_up_and_is_fair(total: int, shares: int) -> None:
    parts = rules.split(total, shares)
    assert sum(parts) == total
    assert len(parts) == shares
    assert max(parts) - min(parts) <= 1
    assert parts == sorted(parts, reverse=True)  # the remainder goes to the first authors


TABLE = [
    Band(0, 10_000_000, 500_000, 10),
    Band(10_000_000, 50_000_000, 2_000_000, 30),
    Band(50_000_000, None, 5_000_000, 80),
]


def test_band_lookup_edges() -> None:
    assert rules.band_for(TABLE, 0) == TABLE[0]
    assert rules.band_for(TABLE, 9_999_999) == TABLE[0]
    assert rules.band_for(TABLE, 10_000_000) == TABLE[1]
    assert rules.band_for(TABLE, 10**12) == TABLE[2]
    assert rules.band_for(TABLE[1:], 5) is None


def test_table_problems() -> None:
    assert rules.table_problem(TABLE) is None
    overlap = [Band(0, 10, 1, 1), Band(5, 20, 2, 2)]
    assert rules.table_problem(overlap) == (TableProblem.OVERLAP, 2)
    assert rules.table_problem([Band(0, None, 1, 1), Band(5, 9, 1, 1)])[0] in (
        TableProblem.OPEN_NOT_LAST,
        TableProblem.OVERLAP,
    )
    assert rules.table_problem([]) == (TableProblem.EMPTY, 0)
    assert rules.table_problem([Band(10, 10, 1, 1)]) == (TableProblem.EMPTY_BAND, 1)
    assert rules.table_problem([Band(0, 10, -1, 1)]) == (TableProblem.NEGATIVE, 1)


bands_st = st.lists(
    st.tuples(
        st.integers(0, 10**6), st.integers(1, 10**6), st.integers(0, 10**6), st.integers(0, 99)
    ).map(lambda t: Band(t[0], t[0] + t[1], t[2], t[3])),
    min_size=1,
    max_size=8,
)


@given(bands_st, st.integers(0, 3 * 10**6))
def test_an_accepted_table_gives_each_benefit_at_most_one_band(bands: list[Band], x: int) -> None:
    if rules.table_problem(bands) is not None:
        return
    containing = [b for b in bands if b.min_vnd <= x and (b.max_vnd is None or x < b.max_vnd)]
    assert len(containing) <= 1
    assert rules.band_for(sorted(bands), x) == (containing[0] if containing else None)


@given(bands_st)
def test_overlap_is_always_refused(bands: list[Band]) -> None:
    overlapping = any(
        a is not b and a.min_vnd < (b.max_vnd or 10**18) and b.min_vnd < (a.max_vnd or 10**18)
        for a in bands
        for b in bands
    )
    if overlapping:
        assert rules.table_problem(bands) is not None


def test_band_lines() -> None:
    assert rules.parse_band_line("0 - 10tr: 500k, 10") == Band(0, 10_000_000, 500_000, 10)
    assert rules.parse_band_line("100 triệu - +: 5tr, 80 điểm") == Band(
        100_000_000, None, 5_000_000, 80
    )
    assert rules.parse_band_line("ten to twenty") is None
    assert rules.parse_band_line("0 - abc: 5, 1") is None


def test_effective_table() -> None:
    tables = [(date(2026, 1, 1), 1), (date(2026, 7, 1), 2)]
    assert rules.effective_table(tables, date(2025, 12, 31)) is None
    assert rules.effective_table(tables, date(2026, 6, 30)) == 1
    assert rules.effective_table(tables, date(2026, 7, 1)) == 2


@given(st.integers(2000, 2999), st.integers(1, 999_999_999))
def test_tracking_code_round_trip(year: int, number: int) -> None:
    code = rules.tracking_code(year, number)
    assert code.startswith(f"SK-{year}-")
    assert rules.parse_tracking_code(code) == (year, number)
    assert rules.parse_tracking_code(code.lower().replace("-", " ")) == (year, number)


def test_tracking_code_format() -> None:
    assert rules.tracking_code(2026, 123) == "SK-2026-000123"
    assert rules.parse_tracking_code("SK-2026-000000") is None
    assert rules.parse_tracking_code("XK-2026-1") is None


def test_attachment_limits() -> None:
    mb = 1024 * 1024
    ok = dict(kind="image", name="a.jpg", mime="image/jpeg", size=2 * mb, max_bytes=10 * mb)
    assert rules.attachment_problem(**ok) is None
    assert rules.attachment_problem(**{**ok, "size": 50 * mb}) == "attachment_too_large"
    assert (
        rules.attachment_problem(kind="file", name="setup.exe", mime=None, size=1, max_bytes=mb)
        == "attachment_executable"
    )
    assert (
        rules.attachment_problem(kind="file", name="x.zip", mime=None, size=1, max_bytes=mb)
        == "attachment_type"
    )
    assert rules.attachment_problem(**{**ok, "kind": "sticker"}) == "attachment_kind"
    assert rules.content_problem(b"MZ\x90\x00", mb) == "attachment_executable"
    assert rules.content_problem(b"\x7fELF....", mb) == "attachment_executable"
    assert rules.content_problem(b"\xff\xd8\xff" + b"0" * 10, 5) == "attachment_too_large"
    assert rules.content_problem(b"\xff\xd8\xff", mb) is None


def test_normalised_text_folds_case_diacritics_and_forms() -> None:
    nfd = unicodedata.normalize("NFD", "Giảm PHẾ phẩm ở dây chuyền Đúc")
    assert rules.normalised(nfd) == "giam phe pham o day chuyen duc"
    assert rules.similarity("Giảm phế phẩm dây chuyền đúc", "giam phe pham DAY CHUYEN duc") == 1.0
    assert rules.similarity("Tiết kiệm điện xưởng may", "Giảm phế phẩm dây chuyền đúc") == 0.0


@given(st.text(max_size=60), st.text(max_size=60))
def test_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    s = rules.similarity(a, b)
    assert 0.0 <= s <= 1.0
    assert s == rules.similarity(b, a)


def test_similar_ranks() -> None:
    hits = rules.similar(
        "Lắp cảm biến tắt đèn tự động ở kho",
        [(1, "lap cam bien tat den tu dong kho hang"), (2, "giam phe pham"), (3, "den kho")],
    )
    assert hits and hits[0][0] == 1
    assert all(cid != 2 for cid, _ in hits)


def test_transitions() -> None:
    assert rules.may_move("received", "under_review")
    assert rules.may_move("needs_info", "accepted")
    assert not rules.may_move("accepted", "accepted")
    assert not rules.may_move("rejected", "accepted")
    assert rules.may_move("accepted", "applied")
