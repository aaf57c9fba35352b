"""Question banks as CSV or XLSX: reading with row-numbered errors, and writing.

Column layout (docs/quizzes.md): a header row with `question`, `option_1` … `option_6`,
`correct`, `explanation`, or their Vietnamese names `câu hỏi`, `phương án 1` … `phương án 6`,
`đáp án`, `giải thích` (any order, case and diacritics ignored; option_3 … option_6 and
explanation may be left out). `correct` lists the correct option numbers, "2" or "1;3"
(letters "B", "A;C" are accepted too). Rows are numbered as a spreadsheet shows them: the
header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from core.errors import InvalidInput
from core.quizzes.rules import MAX_OPTIONS, MIN_OPTIONS
from core.text import clean, fold

OPTION_COLUMNS = tuple(f"option_{i}" for i in range(1, MAX_OPTIONS + 1))
COLUMNS = ("question", *OPTION_COLUMNS, "correct", "explanation")
REQUIRED = ("question", "option_1", "option_2", "correct")
VI_COLUMNS = (
    "câu hỏi",
    *(f"phương án {i}" for i in range(1, MAX_OPTIONS + 1)),
    "đáp án",
    "giải thích",
)
# A header as typed, folded (no case, no diacritics, "_" for spaces), to its column.
HEADER_NAMES = {
    **{c: c for c in COLUMNS},
    **{fold(v).replace(" ", "_"): c for v, c in zip(VI_COLUMNS, COLUMNS, strict=True)},
    "dap_an_dung": "correct",
}
MAX_QUESTION = 1000
MAX_OPTION = 300
MAX_EXPLANATION = 2000
MAX_ROWS = 500
MAX_FILE_BYTES = 2_000_000


@dataclass(frozen=True)
class QuestionDraft:
    text: str
    options: tuple[str, ...]
    correct: frozenset[int]  # 0-based indexes into options
    explanation: str = ""


@dataclass(frozen=True)
class RowError:
    row: int
    code: str
    detail: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.detail} ({self.code})"


class BankRejected(InvalidInput):
    """The file has bad rows; nothing was imported."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__("bank_rejected", "; ".join(str(e) for e in errors))
        self.errors = list(errors)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell
_ESCAPED = (*FORMULA_STARTS, "'")  # after the apostrophe that `_cell` takes off


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean(str(value)).strip()
    if text.startswith("'") and text[1:2] in _ESCAPED:
        return text[1:]  # written formula-safe by write_csv (or typed so in Excel)
    return text


def _formula_safe(value: str) -> str:
    """Text a spreadsheet would run as a formula, kept as text with a leading apostrophe (as
    the desk's other CSV files); `_cell` takes it off when the file is imported again."""
    return "'" + value if value.startswith(FORMULA_STARTS) else _apostrophe_kept(value)


def _apostrophe_kept(value: str) -> str:
    """A text that itself begins with an apostrophe `_cell` would take off ("'@", "''x") gets
    one more, so that it reads back as written."""
    return "'" + value if value.startswith("'") and value[1:2] in _ESCAPED else value


def _parse_correct(raw: str, options: int) -> set[int] | None:
    picked: set[int] = set()
    for part in re.split(r"[;,\s]+", raw.strip()):
        if not part:
            continue
        if part.isdigit():
            picked.add(int(part) - 1)
        elif len(part) == 1 and part.upper() in "ABCDEF":
            picked.add(ord(part.upper()) - ord("A"))
        else:
            return None
    return picked


def validate_question(
    row: int, text: str, raw_options: Sequence[str], raw_correct: str, explanation: str
) -> tuple[QuestionDraft | None, list[RowError]]:
    """One question as typed by a person (a bank row, or an officer in chat)."""
    errors: list[RowError] = []
    if not text:
        errors.append(RowError(row, "empty_question", "the question is empty"))
    elif len(text) > MAX_QUESTION:
        errors.append(
            RowError(row, "question_too_long", f"the question is over {MAX_QUESTION} characters")
        )
    last = max((i for i, o in enumerate(raw_options) if o), default=-1)
    options = list(raw_options[: last + 1])
    for i, option in enumerate(options):
        if not option:
            errors.append(
                RowError(row, "empty_option", f"option {i + 1} is empty but a later one is not")
            )
        elif len(option) > MAX_OPTION:
            errors.append(
                RowError(row, "option_too_long", f"option {i + 1} is over {MAX_OPTION} characters")
            )
    if len(options) < MIN_OPTIONS:
        errors.append(
            RowError(row, "too_few_options", f"a question needs at least {MIN_OPTIONS} options")
        )
    if len(options) > MAX_OPTIONS:
        errors.append(
            RowError(row, "too_many_options", f"a question has at most {MAX_OPTIONS} options")
        )
    lowered = [o.casefold() for o in options if o]
    if len(set(lowered)) != len(lowered):
        errors.append(RowError(row, "duplicate_option", "two options have the same text"))
    correct = _parse_correct(raw_correct, len(options)) if raw_correct else set()
    if correct is None:
        errors.append(
            RowError(
                row,
                "bad_correct",
                f"'correct' must be option numbers like 2 or 1;3, not {raw_correct!r}",
            )
        )
        correct = set()
    elif not correct:
        errors.append(RowError(row, "no_correct", "no correct option is given"))
    elif any(i < 0 or i >= len(options) or not options[i] for i in correct):
        errors.append(RowError(row, "correct_unknown", "'correct' names an option that is empty"))
    elif len(options) >= MIN_OPTIONS and len(correct) == len(options):
        errors.append(
            RowError(row, "all_correct", "every option is marked correct: nothing to choose")
        )
    if len(explanation) > MAX_EXPLANATION:
        errors.append(
            RowError(
                row, "explanation_too_long", f"the explanation is over {MAX_EXPLANATION} characters"
            )
        )
    if errors:
        return None, errors
    return QuestionDraft(text, tuple(options), frozenset(correct), explanation), []


def parse_rows(rows: Iterable[Sequence[object]]) -> list[QuestionDraft]:
    """Rows of cells, the first one the header. Raises BankRejected listing every bad row."""
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        raise BankRejected([RowError(1, "empty_file", "the file is empty")])
    typed = [fold(_cell(h)).strip().replace(" ", "_") for h in header]
    names = [HEADER_NAMES.get(n, n) for n in typed]
    missing = [c for c in REQUIRED if c not in names]
    unknown = [n for n in names if n and n not in COLUMNS]
    errors: list[RowError] = []
    if missing:
        errors.append(RowError(1, "missing_column", "missing column(s): " + ", ".join(missing)))
    if unknown:
        errors.append(RowError(1, "unknown_column", "unknown column(s): " + ", ".join(unknown)))
    if errors:
        raise BankRejected(errors)
    where = {name: i for i, name in enumerate(names) if name}
    drafts: list[QuestionDraft] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(iterator, start=2):
        cells = [_cell(c) for c in raw]

        def get(column: str, cells: list[str] = cells) -> str:
            i = where.get(column)
            return cells[i] if i is not None and i < len(cells) else ""

        if not any(cells):
            continue
        if number - 1 > MAX_ROWS:
            errors.append(
                RowError(number, "too_many_rows", f"a bank holds at most {MAX_ROWS} questions")
            )
            break
        draft, row_errors = validate_question(
            number,
            get("question"),
            [get(c) for c in OPTION_COLUMNS],
            get("correct"),
            get("explanation"),
        )
        errors.extend(row_errors)
        if draft is None:
            continue
        key = " ".join(draft.text.casefold().split())
        if key in seen:
            errors.append(
                RowError(number, "duplicate_question", f"the same question as row {seen[key]}")
            )
            continue
        seen[key] = number
        drafts.append(draft)
    if errors:
        raise BankRejected(errors)
    if not drafts:
        raise BankRejected([RowError(2, "no_questions", "the file has no questions")])
    return drafts


def read_csv(data: bytes) -> list[QuestionDraft]:
    if len(data) > MAX_FILE_BYTES:
        raise BankRejected(
            [RowError(0, "file_too_large", f"the file is over {MAX_FILE_BYTES} bytes")]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BankRejected([RowError(0, "not_utf8", "the CSV file is not UTF-8 text")]) from None
    first_line = text.split("\n", 1)[0]
    # Excel saves ";"-separated CSV in locales with a decimal comma (Vietnamese among them)
    delimiter = max(",;\t", key=first_line.count)
    return parse_rows(csv.reader(io.StringIO(text), csv.excel, delimiter=delimiter))


def read_xlsx(data: bytes) -> list[QuestionDraft]:
    if len(data) > MAX_FILE_BYTES:
        raise BankRejected(
            [RowError(0, "file_too_large", f"the file is over {MAX_FILE_BYTES} bytes")]
        )
    # openpyxl is imported here: processing imports this module and never reads a workbook
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise BankRejected([RowError(0, "not_xlsx", "the file is not an XLSX workbook")]) from None
    try:
        sheet = book.worksheets[0]
        return parse_rows(sheet.iter_rows(values_only=True))
    finally:
        book.close()


def read_bank(data: bytes, filename: str) -> list[QuestionDraft]:
    if filename.lower().endswith(".xlsx"):
        return read_xlsx(data)
    if filename.lower().endswith((".csv", ".txt")):
        return read_csv(data)
    raise BankRejected([RowError(0, "unknown_format", "give a .csv or .xlsx file")])


def _rows(drafts: Sequence[QuestionDraft], header: Sequence[str]) -> list[list[str]]:
    rows = [list(header)]
    for d in drafts:
        options = list(d.options) + [""] * (MAX_OPTIONS - len(d.options))
        correct = ";".join(str(i + 1) for i in sorted(d.correct))
        rows.append([d.text, *options, correct, d.explanation])
    return rows


def header_for(locale: str) -> tuple[str, ...]:
    """The header row a bank is written with: Vietnamese column names for a Vietnamese officer
    (the import reads both)."""
    return VI_COLUMNS if locale == "vi" else COLUMNS


def write_csv(
    drafts: Sequence[QuestionDraft], header: Sequence[str] = COLUMNS, delimiter: str = ","
) -> bytes:
    """`delimiter` ";" for a Vietnamese Excel, which splits CSV on the list separator of its
    locale; the BOM makes it read Vietnamese correctly."""
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter).writerows(
        [_formula_safe(v) for v in row] for row in _rows(drafts, header)
    )
    return buf.getvalue().encode("utf-8-sig")


def write_xlsx(drafts: Sequence[QuestionDraft], header: Sequence[str] = COLUMNS) -> bytes:
    from openpyxl import Workbook  # as in read_xlsx

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "questions"
    for r, row in enumerate(_rows(drafts, header), start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=_apostrophe_kept(value))
            cell.data_type = "s"  # text stays text: "=1+1" is a question, never a formula
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
