"""The read path: one statement per request, compiled once, rows decoded straight into structs.

Every status and list read that clients poll is ONE SQL statement and one round trip: the
caller's account row (for the account check) and the resource (with everything its body and its
policy need, children aggregated to JSON inside PostgreSQL) come back as one row of JSON texts,
which ``msgspec`` decodes into the structs below and in the ``*_reads`` modules. The JSON keys are
generated from the structs' fields, so SQL and structs cannot drift apart.

Statements are built with SQLAlchemy Core once per shape and compiled once for asyncpg; each
request then only binds its parameters (no statement construction, no cache-key walk) and runs it
on the read pool (``storage.db.ReadDatabase``: plain asyncpg, no transaction around the statement,
no pre-ping; a connection found dead is retried once).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import msgspec
from sqlalchemy import ColumnElement, Integer, Select, Text, bindparam, cast, func, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.sql.elements import KeyedColumnElement

from storage.models.users import User

T = TypeVar("T")

__all__ = ["CallerRow", "CompiledRead", "caller_json", "decode", "json_object", "json_page"]


class CallerRow(msgspec.Struct, frozen=True):
    """The caller's account as the account check and the policies need it."""

    id: uuid.UUID
    role: str
    is_active: bool
    email_verified: bool
    password_changed_at: dt.datetime | None
    session_version: int


def json_object(fields: Iterable[str], columns: Mapping[str, ColumnElement[Any]]) -> ColumnElement[Any]:
    """``json_build_object('field', column, ...)`` for every name of ``fields`` (a struct's ``__struct_fields__``)."""
    args: list[ColumnElement[Any]] = []
    for name in fields:
        args += [literal_column(f"'{name}'"), columns[name]]
    return func.json_build_object(*args)


def table_columns(table: Any, fields: Iterable[str], **extra: ColumnElement[Any]) -> dict[str, Any]:
    """The ``fields`` taken from ``table``'s columns of the same name, plus ``extra`` ones."""
    cols: dict[str, Any] = {name: table.c[name] for name in fields if name not in extra}
    return cols | extra


def as_text(json_value: ColumnElement[Any]) -> ColumnElement[str]:
    """JSON rendered as text: the driver hands it over as ``str`` instead of parsing it with ``json``."""
    return cast(json_value, Text)


def caller_json(caller_param: KeyedColumnElement[Any]) -> ColumnElement[str]:
    """The caller's account row as JSON text (NULL for an anonymous caller or a deleted account)."""
    users = User.__table__
    fields = CallerRow.__struct_fields__
    row = json_object(fields, table_columns(users, fields))
    return select(as_text(row)).where(users.c.id == caller_param).scalar_subquery()


def json_page(
    table: Any, item: ColumnElement[Any], where: Sequence[ColumnElement[bool]]
) -> tuple[ColumnElement[int], ColumnElement[str]]:
    """How many rows of ``table`` match ``where``, and one page of them as a JSON array of ``item``.

    Newest first (``created_at`` descending, ties by id); the page is bound by the ``limit`` and
    ``offset`` parameters. Both are scalar subqueries, for the select list of a one-row statement.
    """
    total = select(func.count()).select_from(table).where(*where).scalar_subquery()
    page = (
        select(item.label("j"), table.c.created_at, table.c.id)
        .where(*where)
        .order_by(table.c.created_at.desc(), table.c.id)
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
        .subquery("page")
    )
    ordered = aggregate_order_by(page.c.j, page.c.created_at.desc(), page.c.id)
    items = select(func.coalesce(func.json_agg(ordered), literal_column("'[]'"))).scalar_subquery()
    return total, as_text(items)


def decode(text: str | None, type_: type[T]) -> T | None:
    return None if text is None else msgspec.json.decode(text, type=type_)


_DIALECT = asyncpg_dialect()


class CompiledRead:
    """A Core statement compiled once for asyncpg; run with named parameters (``ReadDatabase``)."""

    def __init__(self, build: Callable[[], Select[Any]]) -> None:
        self._build = build
        self._sql: str | None = None
        self._names: Sequence[str] = ()
        #: Values written into the statement itself (``status != 'deleted'``) rather than bound per request.
        self._constants: dict[str, object] = {}
        self._required: frozenset[str] = frozenset()

    def bind(self, params: Mapping[str, object]) -> tuple[str, tuple[object, ...]]:
        """The SQL (asyncpg's ``$n`` placeholders) and its arguments in order."""
        if self._sql is None:
            compiled = self._build().compile(dialect=_DIALECT)
            self._required = frozenset(name for bind, name in compiled.bind_names.items() if not bind.unique)
            self._names = tuple(compiled.positiontup or ())
            self._constants = {k: v for k, v in compiled.params.items() if k not in self._required}
            self._sql = compiled.string
        return self._sql, tuple(params[n] if n in self._required else self._constants[n] for n in self._names)
