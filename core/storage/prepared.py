"""A hot-path Core statement run on the DBAPI cursor, compiled once per dialect.

SQLAlchemy spends 50–90 µs on each execution of a statement with a dozen parameters (building
and processing them, setting up the result) where the database itself answers a small read in
10 µs (bench/processing_p6.py, the rank of every finished quiz answer). `Prepared` compiles
the statement once per dialect, keeps its parameter order and bind processors, and sends the
processed values straight to the connection's DBAPI cursor, inside the connection's
transaction. Results come back as the driver gives them: only for statements whose columns
need no conversion (counts, sums, ids), and with no expanding (`IN`) parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import ClauseElement

_Compiled = tuple[str, tuple[str, ...] | None, dict[str, Callable[[Any], Any]], dict[str, Any]]


class Prepared:
    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            processors = {
                name: processor
                for name, bind in compiled.binds.items()
                if (processor := bind.type._cached_bind_processor(dialect)) is not None
            }
            order = tuple(compiled.positiontup) if compiled.positional else None  # type: ignore[arg-type]
            defaults = compiled.construct_params(_check=False)  # the literal values
            found = (compiled.string, order, processors, defaults)
            self._compiled[dialect.name] = found
        return found

    def one(self, connection: Connection, params: Mapping[str, Any]) -> tuple[Any, ...]:
        """The statement's single row, for `params` (every parameter without a value of its
        own in the statement)."""
        sql, order, processors, defaults = self._compile(connection.dialect)
        values = {**defaults, **params}
        for name, process in processors.items():
            values[name] = process(values[name])
        cursor = connection.connection.cursor()
        try:
            cursor.execute(sql, tuple(values[n] for n in order) if order is not None else values)
            row = cursor.fetchone()
        finally:
            cursor.close()
        if row is None:
            raise LookupError("no row")
        return tuple(row)
