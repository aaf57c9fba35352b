"""Hot-path Core statements run on the DBAPI cursor, compiled once per kind of dialect.

SQLAlchemy spends 50–90 µs on each execution of a statement with a dozen parameters (building
and processing them, setting up the result) where the database itself answers a small read in
10 µs (bench/processing_p6.py, the rank of every finished quiz answer), and several µs on
each row of an `executemany` (a batch's held writes: core/held.py). `Prepared` compiles the
statement once per kind of dialect (its name, driver, parameter style and server version),
keeps its parameter order and bind processors, and sends the processed values straight to
the connection's DBAPI cursor, inside the connection's transaction:

- `one`: a statement's single row;
- `many`: an `executemany`, returning how many rows it changed (psycopg 3 sends the rows in
  its pipeline, as one prepared statement; an INSERT of one VALUES group of parameters is
  one INSERT … SELECT from `unnest` of a binary array per column instead: `_arrays`);
- `rows`: an INSERT … RETURNING of many rows, returning every row (psycopg: that INSERT …
  SELECT from `unnest`, or an `executemany` returning each row's; SQLite: one multi-row
  VALUES);
- `each`: a statement's single row for each set of parameters, in order: an `executemany`
  returning each execution's row, all sent in psycopg's pipeline in one round trip (psycopg
  only: on SQLite a statement costs no round trip, and its callers run `one` as needed).

Results come back as the driver gives them: only for statements whose columns need no
conversion (counts, sums, ids, texts), and with no expanding (`IN`) parameters. The
engine's cursor events are fired as for any statement (tests and benchmarks count
statements with them), and a driver's error is raised as SQLAlchemy's (`IntegrityError`…),
with a lost connection invalidated as SQLAlchemy does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import ClauseElement

from core.storage.types import UTCDateTime

_MAX_SQLITE_PARAMETERS = 30_000  # SQLite allows 32,766 in one statement (since 3.32)


class _Slot(NamedTuple):
    """One parameter as the statement takes it: its name, whether each row must give it (a
    `bindparam` without a value), its value otherwise, and its type's bind processor."""

    name: str
    required: bool
    default: Any
    process: Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    positional: bool
    slots: tuple[_Slot, ...]  # in the statement's order when positional
    values: str | None  # an INSERT's single VALUES group, "(?, ?, ?)", when it has one
    # psycopg: the INSERT with its rows as arrays (`_arrays`), and the names of its columns'
    # parameters; None where the statement is not an INSERT of one VALUES group of parameters
    arrays: tuple[str, tuple[str, ...]] | None = None

    def columns(self, rows: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
        """The rows' parameters column by column, in the slots' order, processed.

        A value processed once is reused for the same object in other rows (by identity:
        the rows keep every object alive meanwhile): a batch's rows share their times (`now`,
        an answer's time in each of its scopes), and turning a datetime into SQLite's text is
        most of a row's cost."""
        found = []
        for name, required, default, process in self.slots:
            if required:
                column = [given[name] for given in rows]
            else:
                column = [given.get(name, default) for given in rows]
            if process is not None:
                processed: dict[int, Any] = {}
                for value in column:
                    if id(value) not in processed:
                        processed[id(value)] = process(value)
                column = [processed[id(value)] for value in column]
            found.append(column)
        return found

    def params(self, rows: Sequence[Mapping[str, Any]]) -> list[Any]:
        """Each row's parameters as the driver takes them (a tuple, or a dict by name)."""
        if not self.slots:
            return [() if self.positional else {} for _ in rows]
        values = zip(*self.columns(rows), strict=True)
        if self.positional:
            return list(values)
        names = [slot.name for slot in self.slots]
        return [dict(zip(names, row, strict=True)) for row in values]


def _key(dialect: Dialect) -> tuple[Any, ...]:
    return (dialect.name, dialect.driver, dialect.paramstyle, dialect.server_version_info)


class Prepared:
    """`statement`, or what builds it for a dialect's name (an upsert of its own dialect)."""

    def __init__(
        self,
        statement: ClauseElement | Callable[[str], ClauseElement],
        *,
        key: tuple[str, ...] = (),
    ) -> None:
        """`key`: an UPDATE's parameters that name the one row each set of parameters
        changes (its primary key): on psycopg, rows of `many` whose keys do not repeat are
        one UPDATE … FROM `unnest` of arrays (`_arrays`), repeated keys an `executemany`."""
        self.statement = statement
        self.key = key
        self._compiled: dict[tuple[Any, ...], _Compiled] = {}
        self._last: tuple[Dialect, _Compiled] | None = None  # the dialect asked last, its own

    def _compile(self, dialect: Dialect) -> _Compiled:
        last = self._last
        if last is not None and last[0] is dialect:
            return last[1]
        key = _key(dialect)
        found = self._compiled.get(key)
        if found is None:
            statement = self.statement
            if not isinstance(statement, ClauseElement):
                statement = statement(dialect.name)
            found = self._compiled[key] = _compile(statement, dialect, self.key)
        self._last = (dialect, found)
        return found

    def one(self, connection: Connection, params: Mapping[str, Any]) -> tuple[Any, ...]:
        """The statement's single row, for `params` (every parameter without a value of its
        own in the statement)."""
        compiled = self._compile(connection.dialect)
        (values,) = compiled.params([params])
        cursor = connection.connection.cursor()
        try:
            _run(connection, cursor, compiled.sql, values, many=False)
            row = cursor.fetchone()
        finally:
            cursor.close()
        if row is None:
            raise LookupError("no row")
        return tuple(row)

    def many(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> int:
        """The statement once per row of parameters, in order; how many rows it changed."""
        if not rows:
            return 0
        compiled = self._compile(connection.dialect)
        arrays = _as_arrays(compiled, rows, self.key)
        cursor = connection.connection.cursor()
        try:
            if compiled.arrays is not None and arrays is not None:
                _run(connection, cursor, compiled.arrays[0], arrays, many=False)
            else:
                _run(connection, cursor, compiled.sql, compiled.params(rows), many=True)
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def rows(
        self, connection: Connection, rows: Sequence[Mapping[str, Any]]
    ) -> list[tuple[Any, ...]]:
        """An INSERT … RETURNING for every row of parameters: the rows it returned (in no
        particular order on SQLite)."""
        if not rows:
            return []
        compiled = self._compile(connection.dialect)
        arrays = _as_arrays(compiled, rows, ())
        if arrays is None and connection.dialect.driver == "psycopg":
            values = compiled.params(rows)
            return [tuple(r) for found in _pipelined(connection, compiled, values) for r in found]
        cursor = connection.connection.cursor()
        found: list[tuple[Any, ...]] = []
        try:
            if compiled.arrays is not None and arrays is not None:
                _run(connection, cursor, compiled.arrays[0], arrays, many=False)
                return [tuple(r) for r in cursor.fetchall()]
            for sql, chunk in _multirow(compiled, compiled.params(rows)):
                _run(connection, cursor, sql, chunk, many=False)
                found.extend(tuple(r) for r in cursor.fetchall())
            return found
        finally:
            cursor.close()

    def each(
        self, connection: Connection, rows: Sequence[Mapping[str, Any]]
    ) -> list[tuple[Any, ...]]:
        """The statement's single row for each row of parameters, in their order, in one
        round trip (psycopg's pipeline)."""
        if connection.dialect.driver != "psycopg":
            raise TypeError("each needs psycopg's pipeline: elsewhere run one as needed")
        if not rows:
            return []
        compiled = self._compile(connection.dialect)
        found = [_single(r) for r in _pipelined(connection, compiled, compiled.params(rows))]
        if len(found) != len(rows):
            raise LookupError(f"{len(found)} results for {len(rows)} executions")
        return found


def _pipelined(connection: Connection, compiled: _Compiled, values: list[Any]) -> list[list[Any]]:
    """psycopg: an `executemany` returning each execution's rows (sent in its pipeline)."""
    cursor = connection.connection.cursor()
    found: list[list[Any]] = []
    try:
        _run(connection, cursor, compiled.sql, values, many=True, returning=True)
        while True:
            found.append(cursor.fetchall())
            if not cursor.nextset():
                return found
    finally:
        cursor.close()


def _single(rows: list[Any]) -> tuple[Any, ...]:
    if len(rows) != 1:
        raise LookupError(f"{len(rows)} rows where one was expected")
    return tuple(rows[0])


def _bind_processor(kind: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """The type's bind processor; for a UTC time on SQLite, the same text made in one step
    (the TypeDecorator, then SQLite's DATETIME formatting by a dict, cost 4 µs a value, and
    a batch's rows carry some nine times each: tests/unit/test_prepared.py holds them equal)."""
    if isinstance(kind, UTCDateTime) and dialect.name == "sqlite":
        return _sqlite_utc
    return kind._cached_bind_processor(dialect)  # type: ignore[no-any-return]


def _sqlite_utc(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    # "2026-12-04 13:05:07.123456+00:00" less its offset, as SQLite's DATETIME writes it
    return value.astimezone(UTC).isoformat(" ", "microseconds")[:26]


def _compile(statement: ClauseElement, dialect: Dialect, key: tuple[str, ...] = ()) -> _Compiled:
    # as for an executemany: an INSERT has no RETURNING of its own (its primary key)
    compiled = statement.compile(dialect=dialect, for_executemany=True)
    if compiled.escaped_bind_names:  # type: ignore[attr-defined]
        raise TypeError("a prepared statement's parameter names must need no escaping")
    defaults = compiled.construct_params(_check=False)  # the values given in the statement
    binds = compiled.binds  # type: ignore[attr-defined]
    # Columns left out of an INSERT (or an UPDATE) whose default SQLAlchemy computes in
    # Python at each execution: a fixed value is taken here, anything else must be given.
    required = {name for name, bind in binds.items() if bind.required}
    for columns, attribute in (
        (compiled.insert_prefetch, "default"),
        (compiled.update_prefetch, "onupdate"),
    ):  # type: ignore[attr-defined]
        for column in columns:
            default = getattr(column, attribute)
            if column.key not in binds:
                raise TypeError(f"no parameter for the default of {column}")
            if default is not None and default.is_scalar:
                defaults[column.key] = default.arg
            else:
                required.add(column.key)
    if any(bind.expanding for bind in binds.values()):
        raise TypeError("a prepared statement takes no expanding (IN) parameters")
    if compiled.positional:
        names = compiled.positiontup  # type: ignore[attr-defined]
    else:  # the binds rendered (an upsert's `excluded` leaves some that are not)
        style = "%({})s" if dialect.paramstyle == "pyformat" else ":{}"
        names = [name for name in binds if style.format(name) in compiled.string]
    slots = tuple(
        _Slot(
            name,
            name in required,
            defaults.get(name),
            _bind_processor(binds[name].type, dialect),
        )
        for name in names  # type: ignore[union-attr]
    )
    single = getattr(compiled, "insert_single_values_expr", None)
    values = f"({single})" if single and f"VALUES ({single})" in compiled.string else None
    arrays = None
    if dialect.driver == "psycopg" and compiled.isinsert:  # type: ignore[attr-defined]
        arrays = _arrays(compiled.string, binds, slots, dialect)
    elif dialect.driver == "psycopg" and compiled.isupdate and key:  # type: ignore[attr-defined]
        arrays = _update_arrays(compiled.string, binds, slots, dialect, key)
    return _Compiled(compiled.string, bool(compiled.positional), slots, values, arrays)


_VALUES = re.compile(r" VALUES \((.*?)\)(?= ON CONFLICT | RETURNING |$)")
_PARAMETER = re.compile(r"%\((\w+)\)s(?:::(TIMESTAMP WITH(?:OUT)? TIME ZONE|[A-Z]+))?")
_LENGTH = re.compile(r"\(\d+\)")


def _arrays(
    sql: str, binds: Mapping[str, Any], slots: Sequence[_Slot], dialect: Dialect
) -> tuple[str, tuple[str, ...]] | None:
    """psycopg: an INSERT of one VALUES group of parameters as an INSERT … SELECT from
    `unnest` of one array per column, in the rows' order (WITH ORDINALITY): a batch's rows
    are one statement that PostgreSQL runs once, instead of an execution per row in the
    pipeline (each costing the server and psycopg some 20 µs). Its ON CONFLICT and RETURNING
    are kept; the statement's other parameters (after its VALUES) are given once. Rows of one
    call must not repeat an ON CONFLICT DO UPDATE key (PostgreSQL refuses to update a row
    twice in one statement): every caller writes one row per key. None: not of that form."""
    found = _VALUES.search(sql)
    if found is None or sql.count(" VALUES (") != 1:
        return None
    names, casts = [], []
    for item in found.group(1).split(", "):
        parameter = _PARAMETER.fullmatch(item)
        if parameter is None:
            return None
        name, cast = parameter.groups()
        names.append(name)
        # the statement's own cast, or its type's; never a length (a cast to VARCHAR(n)
        # would cut a longer text where the column refuses it)
        casts.append(cast or _LENGTH.sub("", binds[name].type.compile(dialect=dialect)))
    if len(set(names)) != len(names):
        return None
    if any(slot.required for slot in slots if slot.name not in names):
        return None  # a parameter of each row outside the VALUES
    arrays = ", ".join(f"%({name})b::{cast}[]" for name, cast in zip(names, casts, strict=True))
    aliases = [f"c{i}" for i in range(len(names))]
    select = (
        f" SELECT {', '.join(aliases)} FROM unnest({arrays}) WITH ORDINALITY"
        f" AS v({', '.join(aliases)}, row_number) ORDER BY row_number"
    )
    return sql[: found.start()] + select + sql[found.end() :], tuple(names)


def _update_arrays(
    sql: str,
    binds: Mapping[str, Any],
    slots: Sequence[_Slot],
    dialect: Dialect,
    key: tuple[str, ...],
) -> tuple[str, tuple[str, ...]] | None:
    """psycopg: an UPDATE of one row per set of parameters (named by `key`) as one UPDATE …
    FROM `unnest` of an array per parameter that each row gives; the statement's other
    parameters are given once. Run only when the rows' keys do not repeat (`_distinct`):
    each row of the arrays then changes its own table row, as its execution would."""
    if sql.count(" WHERE ") != 1 or " FROM " in sql or " RETURNING " in sql:
        return None
    names = [slot.name for slot in slots if slot.required]
    if not set(key) <= set(names):
        return None
    casts: dict[str, str] = {}

    def column(found: re.Match[str]) -> str:
        name, cast = found.groups()
        if name not in names:
            return found.group(0)  # given once
        casts.setdefault(name, cast or _LENGTH.sub("", binds[name].type.compile(dialect=dialect)))
        return f"v.p_{name}"

    body = _PARAMETER.sub(column, sql)
    if set(casts) != set(names):
        return None
    arrays = ", ".join(f"%({name})b::{casts[name]}[]" for name in names)
    aliases = ", ".join(f"p_{name}" for name in names)
    head, where = body.split(" WHERE ")
    return f"{head} FROM unnest({arrays}) AS v({aliases}) WHERE {where}", tuple(names)


def _as_arrays(
    compiled: _Compiled, rows: Sequence[Mapping[str, Any]], key: tuple[str, ...]
) -> dict[str, Any] | None:
    """The rows as `_arrays` takes them (a list per column of the statement's rows, its
    other parameters once), or None: the statement has no such form, or the rows' `key`
    repeats (an UPDATE's rows must each change a row of their own)."""
    if compiled.arrays is None:
        return None
    names = compiled.arrays[1]
    columns = dict(zip([slot.name for slot in compiled.slots], compiled.columns(rows), strict=True))
    if key and len(set(zip(*(columns[name] for name in key), strict=True))) != len(rows):
        return None
    return {name: column if name in names else column[0] for name, column in columns.items()}


def _multirow(compiled: _Compiled, rows: list[Any]) -> list[tuple[str, tuple[Any, ...]]]:
    """A positional INSERT's rows as multi-row VALUES statements (within SQLite's limit on
    parameters), with the statement's parameters after its VALUES (an upsert's) once each."""
    if compiled.values is None or not compiled.positional:
        raise TypeError("many rows returned need psycopg or a positional INSERT … VALUES")
    width = compiled.values.count("?")
    if any(slot.required for slot in compiled.slots[width:]):
        raise TypeError("an INSERT's parameters after its VALUES must have values of their own")
    tail = rows[0][width:]
    per = max(1, (_MAX_SQLITE_PARAMETERS - len(tail)) // max(width, 1))
    head, rest = compiled.sql.split(f"VALUES {compiled.values}", 1)
    statements = []
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        sql = f"{head}VALUES {', '.join([compiled.values] * len(chunk))}{rest}"
        statements.append((sql, tuple(v for row in chunk for v in row[:width]) + tuple(tail)))
    return statements


def _run(
    connection: Connection,
    cursor: Any,
    sql: str,
    params: Any,
    *,
    many: bool,
    returning: bool = False,
) -> None:
    """`sql` on the cursor with the engine's cursor events around it and its errors raised as
    SQLAlchemy raises them (`Connection._cursor_execute` does the same for one execution)."""
    events = connection._has_events or connection.engine._has_events
    try:
        if events:
            for fn in connection.dispatch.before_cursor_execute:
                sql, params = fn(connection, cursor, sql, params, None, many)
        if not many:
            cursor.execute(sql, params)
        elif returning:
            cursor.executemany(sql, params, returning=True)
        else:
            cursor.executemany(sql, params)
        if events:
            connection.dispatch.after_cursor_execute(connection, cursor, sql, params, None, many)
    except BaseException as exc:
        connection._handle_dbapi_exception(exc, sql, params, cursor, None)
