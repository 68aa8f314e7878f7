"""Counting the SQL statements a block of code sends: the tests that hold a read to one statement
(or a list to a constant number of them per page) use it, in every tier."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

from storage.db import ReadDatabase


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    """Every SQL statement this process sends while the block runs: through any SQLAlchemy engine
    (``before_cursor_execute``, sessions included) and through the read pool (plain asyncpg)."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001, PLR0913
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    ReadDatabase.statement_hooks.append(statements.append)
    try:
        yield statements
    finally:
        ReadDatabase.statement_hooks.remove(statements.append)
        event.remove(Engine, "before_cursor_execute", count)
