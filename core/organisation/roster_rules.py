"""One roster row (danh sách đoàn viên) as an officer's spreadsheet has it: which column is
which, and what each cell means. Pure rules: no database, no I/O.

Headers are matched without case or diacritics, in Vietnamese or English ("Họ và tên",
"HO TEN", "Full name"). A row needs a name, a unit and at least one key to recognise the
person by when they join by chat: a membership card number, a phone number, or a date of birth
(with the name).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from core.members.models import WorkerGroup
from core.members.rules import key_of, name_problem, normalise_phone, parse_date
from core.text import clean

MAX_UNIT_NAME = 200
MAX_CARD = 20
OLDEST_BIRTH_YEAR = 1930
YOUNGEST_AGE = 15  # the Labour Code's minimum working age


class Column(StrEnum):
    FULL_NAME = "full_name"
    UNIT = "unit"
    WORKER_GROUP = "worker_group"
    LEADER = "leader"
    BIRTH_DATE = "birth_date"
    CARD = "card"
    PHONE = "phone"
    GENDER = "gender"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"


HEADERS: dict[Column, tuple[str, ...]] = {
    Column.FULL_NAME: ("ho va ten", "ho ten", "ten doan vien", "full name", "name"),
    Column.UNIT: ("don vi", "cong doan", "to cong doan", "cong doan co so", "cdcs", "unit"),
    Column.WORKER_GROUP: ("doi tuong", "nhom", "thanh phan", "worker group", "group"),
    Column.LEADER: (
        "chuc vu lanh dao",
        "giu chuc vu lanh dao quan ly",
        "lanh dao quan ly",
        "lanh dao",
        "leadership post",
        "leader",
    ),
    Column.BIRTH_DATE: ("ngay sinh", "ngay thang nam sinh", "date of birth", "birth date"),
    Column.CARD: (
        "so the doan vien",
        "so the",
        "ma doan vien",
        "membership card number",
        "membership card",
        "card number",
    ),
    Column.PHONE: ("so dien thoai", "dien thoai", "sdt", "phone", "phone number"),
    Column.GENDER: ("gioi tinh", "gender", "sex"),
}
REQUIRED = (Column.FULL_NAME, Column.UNIT)

WORKER_GROUP_WORDS: dict[str, WorkerGroup] = {
    "can bo": WorkerGroup.OFFICIAL,
    "official": WorkerGroup.OFFICIAL,
    "cong chuc": WorkerGroup.CIVIL_SERVANT,
    "civil servant": WorkerGroup.CIVIL_SERVANT,
    "vien chuc": WorkerGroup.PUBLIC_EMPLOYEE,
    "public employee": WorkerGroup.PUBLIC_EMPLOYEE,
    "nguoi lao dong": WorkerGroup.DIRECT_WORKER,
    "nguoi lao dong truc tiep": WorkerGroup.DIRECT_WORKER,
    "nguoi lao dong truc tiep san xuat kinh doanh": WorkerGroup.DIRECT_WORKER,
    "nld": WorkerGroup.DIRECT_WORKER,
    "cong nhan": WorkerGroup.DIRECT_WORKER,
    "worker": WorkerGroup.DIRECT_WORKER,
    "direct worker": WorkerGroup.DIRECT_WORKER,
}
YES = {"co", "x", "1", "yes", "y", "true", "lanh dao", "quan ly"}
NO = {"", "khong", "0", "no", "n", "false", "-"}
GENDERS = {
    "nam": Gender.MALE,
    "male": Gender.MALE,
    "m": Gender.MALE,
    "nu": Gender.FEMALE,
    "female": Gender.FEMALE,
    "f": Gender.FEMALE,
}
_CARD = re.compile(r"^[A-Z0-9][A-Z0-9.\-/]*$")


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong with one cell or row; `code` is translated where it is shown."""

    row: int
    code: str
    column: Column | None = None
    value: str = ""


@dataclass(frozen=True, slots=True)
class Layout:
    """Which column of the file holds which field (0-based), found from the header row."""

    columns: dict[Column, int] = field(default_factory=dict)

    def index(self, column: Column) -> int | None:
        return self.columns.get(column)


def read_header(cells: Sequence[str]) -> tuple[Layout, list[Problem]]:
    wanted = {alias: column for column, aliases in HEADERS.items() for alias in aliases}
    columns: dict[Column, int] = {}
    problems: list[Problem] = []
    for index, cell in enumerate(cells):
        column = wanted.get(key_of(cell))
        if column is None:
            continue
        if column in columns:
            problems.append(Problem(1, "column_twice", column, cell))
            continue
        columns[column] = index
    for column in REQUIRED:
        if column not in columns:
            problems.append(Problem(1, "column_missing", column))
    keys = (Column.BIRTH_DATE, Column.CARD, Column.PHONE)
    if not problems and not any(k in columns for k in keys):
        problems.append(Problem(1, "no_key_column"))
    return Layout(columns), problems


@dataclass(frozen=True, slots=True)
class RosterRow:
    row: int
    full_name: str
    unit: str
    worker_group: WorkerGroup | None
    leader: bool | None
    birth_date: date | None
    card: str | None
    phone: str | None
    gender: Gender | None

    @property
    def name_key(self) -> str:
        return key_of(self.full_name)


def read_row(
    number: int, cells: Sequence[str], layout: Layout, *, today: date
) -> tuple[RosterRow | None, list[Problem]]:
    def get(column: Column) -> str:
        index = layout.index(column)
        return clean(cells[index]) if index is not None and index < len(cells) else ""

    problems: list[Problem] = []
    name = get(Column.FULL_NAME)
    if name_problem(name):
        problems.append(Problem(number, "bad_name", Column.FULL_NAME, name))
    unit = get(Column.UNIT)
    if not unit or len(unit) > MAX_UNIT_NAME:
        problems.append(Problem(number, "bad_unit", Column.UNIT, unit))
    group = _group(get(Column.WORKER_GROUP), number, problems)
    leader = _leader(get(Column.LEADER), number, problems, present=Column.LEADER in layout.columns)
    born = _birth_date(get(Column.BIRTH_DATE), number, problems, today=today)
    card = _card(get(Column.CARD), number, problems)
    phone = _phone(get(Column.PHONE), number, problems)
    gender = _gender(get(Column.GENDER), number, problems)
    if not problems and born is None and card is None and phone is None:
        problems.append(Problem(number, "no_key"))
    if problems:
        return None, problems
    return RosterRow(number, name, unit, group, leader, born, card, phone, gender), []


def _group(text: str, row: int, problems: list[Problem]) -> WorkerGroup | None:
    if not text:
        return None
    found = WORKER_GROUP_WORDS.get(key_of(text))
    if found is None:
        problems.append(Problem(row, "bad_worker_group", Column.WORKER_GROUP, text))
    return found


def _leader(text: str, row: int, problems: list[Problem], *, present: bool) -> bool | None:
    key = key_of(text)
    if key in YES:
        return True
    if key in NO:
        return False if present else None
    problems.append(Problem(row, "bad_leader", Column.LEADER, text))
    return None


def _birth_date(text: str, row: int, problems: list[Problem], *, today: date) -> date | None:
    if not text:
        return None
    found = parse_date(text)
    youngest = today.replace(year=today.year - YOUNGEST_AGE)
    if found is None or not date(OLDEST_BIRTH_YEAR, 1, 1) <= found <= youngest:
        problems.append(Problem(row, "bad_birth_date", Column.BIRTH_DATE, text))
        return None
    return found


def _card(text: str, row: int, problems: list[Problem]) -> str | None:
    card = text.replace(" ", "").upper()
    if not card:
        return None
    if len(card) > MAX_CARD or not _CARD.match(card):
        problems.append(Problem(row, "bad_card", Column.CARD, text))
        return None
    return card


def _phone(text: str, row: int, problems: list[Problem]) -> str | None:
    if not text:
        return None
    phone = normalise_phone(text)
    if phone is None:
        problems.append(Problem(row, "bad_phone", Column.PHONE, text))
    return phone


def _gender(text: str, row: int, problems: list[Problem]) -> Gender | None:
    if not text:
        return None
    found = GENDERS.get(key_of(text))
    if found is None:
        problems.append(Problem(row, "bad_gender", Column.GENDER, text))
    return found


def may_be_same_person(
    card: str | None, phone: str | None, other_card: object, other_phone: object
) -> bool:
    """Two records that share a key are one person unless another key says otherwise: two
    people may share a name and a birth date, or a family phone, but not a card number."""
    if card and other_card and card != other_card:
        return False
    return not (
        phone and other_phone and phone != other_phone and not (card and card == other_card)
    )
