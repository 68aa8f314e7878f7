"""What each searchable table contributes to a search, and who may see its rows.

A source names its table's columns (a light ``table()`` clause: search needs only a few columns,
including ``search_vector``, which the models do not map because PostgreSQL computes it), the
column shown as the title, the columns a snippet is cut from, and its visibility rule as SQL.
Visibility is SQL, not a policy applied afterwards: rows the caller may not see must not count in
``total`` nor take a place in the page.

==========  ===========================================================================
type        visible to
==========  ===========================================================================
recording   signed-in callers: their own, those shared with them, public ones (never
            deleted ones; anonymous callers see none, as in DESIGN §9)
==========  ===========================================================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


from sqlalchemy import ColumnElement, and_, bindparam, column, exists, or_, table
from sqlalchemy.dialects.postgresql import TSVECTOR, UUID
from sqlalchemy.sql import TableClause

from storage.models.users import Role

#: The caller's user id (NULL for anonymous callers).
SUB = bindparam("sub", type_=UUID(as_uuid=True))
_USERS = table("users", column("id"), column("role"), column("is_active"))


def caller_is_admin() -> ColumnElement[bool]:
    """The caller's account (by the database, not the token's claim) is an active admin's."""
    return exists().where(_USERS.c.id == SUB, _USERS.c.role == Role.ADMIN.value, _USERS.c.is_active.is_(True))


@dataclass(frozen=True, slots=True)
class SearchSource:
    type: str
    table: TableClause
    #: column shown as the item's title
    title: str
    #: columns the snippet is cut from after the title (joined with " · ")
    snippet: tuple[str, ...]
    #: rows of ``table`` the caller (``SUB``) may see
    visible: Callable[[TableClause], ColumnElement[bool]]


def _vector_table(name: str, *columns: str) -> TableClause:
    return table(name, column("id", UUID(as_uuid=True)), column("search_vector", TSVECTOR), *map(column, columns))


# -- recordings -----------------------------------------------------------------------------------

_RECORDINGS = _vector_table(
    "recordings", "title", "description", "piece", "composer", "owner_id", "is_public", "status"
)
_SHARES = table("recording_shares", column("recording_id"), column("user_id"))


def _recording_visible(rec: TableClause) -> ColumnElement[bool]:
    shared = exists().where(_SHARES.c.recording_id == rec.c.id, _SHARES.c.user_id == SUB)
    return and_(
        SUB.is_not(None),
        rec.c.status != "deleted",
        or_(rec.c.owner_id == SUB, rec.c.is_public.is_(True), shared),
    )


RECORDING = SearchSource("recording", _RECORDINGS, "title", ("piece", "composer", "description"), _recording_visible)


#: Every source, in the order a tie in score is listed. A domain that is not there has none.
SOURCES: dict[str, SearchSource] = {source.type: source for source in (RECORDING,)}

__all__ = ["SOURCES", "SUB", "SearchSource", "caller_is_admin"]
