"""A whole roster file: its header, its rows, and the rows that say the same person twice.

`read_roster` reads everything before anything is written, so an officer sees every problem of
the file at once, each with the row number Excel shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core.organisation.roster_rules import (
    Column,
    Problem,
    RosterRow,
    may_be_same_person,
    read_header,
    read_row,
)
from core.spreadsheet import SpreadsheetError, read_rows

MAX_ROWS = 200_000  # a provincial federation's roster, with room


@dataclass
class RosterFile:
    rows: list[RosterRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_roster(data: bytes, filename: str, *, today: date) -> RosterFile:
    result = RosterFile()
    try:
        rows = read_rows(data, filename)
        header = next((r for r in rows if not r.blank), None)
        if header is None:
            result.problems.append(Problem(0, "empty_file"))
            return result
        layout, problems = read_header(header.cells)
        if problems:
            result.problems.extend(problems)
            return result
        seen = _Seen()
        for row in rows:
            if row.blank:
                continue
            if len(result.rows) + len(result.problems) >= MAX_ROWS:
                result.problems.append(Problem(row.number, "too_many_rows"))
                break
            parsed, row_problems = read_row(row.number, row.cells, layout, today=today)
            if parsed is None:
                result.problems.extend(row_problems)
                continue
            twice = seen.check(parsed)
            if twice is not None:
                result.problems.append(twice)
                continue
            result.rows.append(parsed)
    except SpreadsheetError as err:
        result.problems.append(Problem(0, err.code))
    if not result.rows and not result.problems:
        result.problems.append(Problem(0, "no_rows"))
    return result


class _Seen:
    """The keys already given in the file: a second row with one of them is refused. Each key
    is one string pointing at the row that gave it first (10^5 rows: no tuple per key)."""

    def __init__(self) -> None:
        self.keys: dict[str, RosterRow] = {}

    def check(self, row: RosterRow) -> Problem | None:
        keys = []
        if row.card:
            keys.append((Column.CARD, f"c|{row.card}"))
        if row.phone:
            keys.append((Column.PHONE, f"p|{row.phone}"))
        if row.birth_date:
            keys.append((None, f"n|{row.name_key}|{row.birth_date.isoformat()}"))
        for column, key in keys:
            other = self.keys.get(key)
            if other is not None and may_be_same_person(
                row.card, row.phone, other.card, other.phone
            ):
                return Problem(row.row, "same_person_as_row", column, str(other.row))
        for _column, key in keys:
            self.keys.setdefault(key, row)
        return None
