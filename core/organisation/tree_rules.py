"""One row of a union tree spreadsheet: a unit, the unit above it, its kind, its enterprise
type and its declared membership. Pure rules, like `roster_rules`.

A unit is named by its name, or by its code where the file has a code column ("Mã đơn vị"):
codes let two units share a name. The unit above is named the same way; a row without one
hangs under the officer's own unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from core.members.models import EnterpriseType, UnitKind
from core.members.rules import key_of, parse_date
from core.organisation.roster_rules import MAX_UNIT_NAME, Problem
from core.text import clean

MAX_CODE = 32
MAX_DECLARED = 1_000_000


class TreeColumn:
    NAME = "name"
    CODE = "code"
    PARENT = "parent"
    PARENT_CODE = "parent_code"
    KIND = "kind"
    ENTERPRISE = "enterprise"
    MEMBERS = "members"
    DECLARED_ON = "declared_on"


TREE_HEADERS: dict[str, tuple[str, ...]] = {
    TreeColumn.NAME: ("ten don vi", "ten cong doan", "don vi", "unit", "unit name", "name"),
    TreeColumn.CODE: ("ma don vi", "ma", "unit code", "code"),
    TreeColumn.PARENT: (
        "don vi cap tren",
        "cap tren",
        "cong doan cap tren",
        "parent",
        "parent unit",
    ),
    TreeColumn.PARENT_CODE: (
        "ma don vi cap tren",
        "ma cap tren",
        "parent unit code",
        "parent code",
    ),
    TreeColumn.KIND: ("loai don vi", "cap", "loai", "unit kind", "kind", "level"),
    TreeColumn.ENTERPRISE: ("loai hinh", "loai hinh doanh nghiep", "khu vuc", "enterprise type"),
    TreeColumn.MEMBERS: (
        "so doan vien",
        "tong so doan vien",
        "doan vien",
        "number of members",
        "members",
    ),
    TreeColumn.DECLARED_ON: ("ngay", "ngay bao cao", "tinh den ngay", "declared on", "as of"),
}

KIND_WORDS: dict[str, UnitKind] = {
    "tong lien doan": UnitKind.CONFEDERATION,
    "confederation": UnitKind.CONFEDERATION,
    "ldld": UnitKind.PROVINCIAL_FEDERATION,
    "ldld tinh": UnitKind.PROVINCIAL_FEDERATION,
    "lien doan lao dong tinh": UnitKind.PROVINCIAL_FEDERATION,
    "lien doan lao dong": UnitKind.PROVINCIAL_FEDERATION,
    "provincial federation": UnitKind.PROVINCIAL_FEDERATION,
    "cong doan nganh": UnitKind.SECTOR_UNION,
    "sector union": UnitKind.SECTOR_UNION,
    "cong doan tong cong ty": UnitKind.CORPORATION_UNION,
    "corporation union": UnitKind.CORPORATION_UNION,
    "cong doan cap tren co so": UnitKind.UPPER_LEVEL_UNION,
    "cong doan cap tren truc tiep co so": UnitKind.UPPER_LEVEL_UNION,
    "cap tren co so": UnitKind.UPPER_LEVEL_UNION,
    "upper level union": UnitKind.UPPER_LEVEL_UNION,
    "cong doan co so": UnitKind.GRASSROOTS_UNION,
    "cdcs": UnitKind.GRASSROOTS_UNION,
    "co so": UnitKind.GRASSROOTS_UNION,
    "grassroots union": UnitKind.GRASSROOTS_UNION,
    "cong doan bo phan": UnitKind.UNION_DIVISION,
    "cdbp": UnitKind.UNION_DIVISION,
    "union division": UnitKind.UNION_DIVISION,
    "to cong doan": UnitKind.UNION_GROUP,
    "to": UnitKind.UNION_GROUP,
    "union group": UnitKind.UNION_GROUP,
}
ENTERPRISE_WORDS: dict[str, EnterpriseType] = {
    "co quan nha nuoc": EnterpriseType.STATE_AGENCY,
    "hanh chinh su nghiep": EnterpriseType.STATE_AGENCY,
    "co quan hanh chinh su nghiep": EnterpriseType.STATE_AGENCY,
    "state agency": EnterpriseType.STATE_AGENCY,
    "doanh nghiep nha nuoc": EnterpriseType.STATE_ENTERPRISE,
    "dnnn": EnterpriseType.STATE_ENTERPRISE,
    "state enterprise": EnterpriseType.STATE_ENTERPRISE,
    "doanh nghiep tu nhan": EnterpriseType.PRIVATE,
    "doanh nghiep ngoai nha nuoc": EnterpriseType.PRIVATE,
    "ngoai nha nuoc": EnterpriseType.PRIVATE,
    "tu nhan": EnterpriseType.PRIVATE,
    "private": EnterpriseType.PRIVATE,
    "doanh nghiep co von dau tu nuoc ngoai": EnterpriseType.FOREIGN_INVESTED,
    "co von dau tu nuoc ngoai": EnterpriseType.FOREIGN_INVESTED,
    "fdi": EnterpriseType.FOREIGN_INVESTED,
    "doanh nghiep fdi": EnterpriseType.FOREIGN_INVESTED,
    "foreign invested": EnterpriseType.FOREIGN_INVESTED,
}


@dataclass(frozen=True, slots=True)
class TreeLayout:
    columns: dict[str, int]


@dataclass(frozen=True, slots=True)
class UnitRow:
    row: int
    name: str
    code: str | None
    parent: str | None  # the name of the unit above, or None
    parent_code: str | None
    kind: UnitKind
    enterprise_type: EnterpriseType | None
    declared_members: int | None
    declared_on: date | None

    @property
    def key(self) -> str:
        """How other rows name this one: its code if it has one, else its folded name."""
        return f"#{self.code}" if self.code else key_of(self.name)

    @property
    def parent_key(self) -> str | None:
        if self.parent_code:
            return f"#{self.parent_code}"
        return key_of(self.parent) if self.parent else None


def read_tree_header(cells: Sequence[str]) -> tuple[TreeLayout, list[Problem]]:
    wanted = {alias: column for column, aliases in TREE_HEADERS.items() for alias in aliases}
    columns: dict[str, int] = {}
    problems: list[Problem] = []
    for index, cell in enumerate(cells):
        column = wanted.get(key_of(cell))
        if column is None:
            continue
        if column in columns:
            problems.append(Problem(1, "column_twice", None, cell))
            continue
        columns[column] = index
    for column in (TreeColumn.NAME, TreeColumn.KIND):
        if column not in columns:
            problems.append(Problem(1, "column_missing", None, column))
    return TreeLayout(columns), problems


def read_unit_row(
    number: int, cells: Sequence[str], layout: TreeLayout, *, today: date
) -> tuple[UnitRow | None, list[Problem]]:
    def get(column: str) -> str:
        index = layout.columns.get(column)
        return clean(cells[index]) if index is not None and index < len(cells) else ""

    problems: list[Problem] = []
    name = get(TreeColumn.NAME)
    if not name or len(name) > MAX_UNIT_NAME:
        problems.append(Problem(number, "bad_unit_name", None, name))
    code = _code(get(TreeColumn.CODE), number, problems)
    parent_code = _code(get(TreeColumn.PARENT_CODE), number, problems)
    kind = KIND_WORDS.get(key_of(get(TreeColumn.KIND)))
    if kind is None:
        problems.append(Problem(number, "bad_unit_kind", None, get(TreeColumn.KIND)))
    enterprise = None
    if get(TreeColumn.ENTERPRISE):
        enterprise = ENTERPRISE_WORDS.get(key_of(get(TreeColumn.ENTERPRISE)))
        if enterprise is None:
            problems.append(
                Problem(number, "bad_enterprise_type", None, get(TreeColumn.ENTERPRISE))
            )
    members = _count(get(TreeColumn.MEMBERS), number, problems)
    declared_on = None
    if get(TreeColumn.DECLARED_ON):
        declared_on = parse_date(get(TreeColumn.DECLARED_ON))
        if declared_on is None or declared_on > today:
            problems.append(Problem(number, "bad_declared_on", None, get(TreeColumn.DECLARED_ON)))
    if problems or kind is None:
        return None, problems
    parent = get(TreeColumn.PARENT) or None
    return UnitRow(
        number, name, code, parent, parent_code, kind, enterprise, members, declared_on
    ), []


def _code(text: str, row: int, problems: list[Problem]) -> str | None:
    code = text.replace(" ", "").upper()
    if not code:
        return None
    if len(code) > MAX_CODE:
        problems.append(Problem(row, "bad_unit_code", None, text))
        return None
    return code


def _count(text: str, row: int, problems: list[Problem]) -> int | None:
    digits = text.replace(".", "").replace(",", "").replace(" ", "")
    if not digits:
        return None
    if not digits.isdigit() or int(digits) > MAX_DECLARED:
        problems.append(Problem(row, "bad_member_count", None, text))
        return None
    return int(digits)
