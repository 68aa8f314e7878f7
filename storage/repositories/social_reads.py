"""The caller's likes and follows, one statement per page (any kinds, newest first)."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Sequence
from typing import Any

import msgspec
from sqlalchemy import Integer, Select, String, bindparam, exists, func, literal, literal_column, or_, select, union_all
from sqlalchemy.dialects.postgresql import UUID, aggregate_order_by

from storage.db import ReadDatabase
from storage.models.playlists import Playlist, PlaylistMember
from storage.repositories.reads import CallerRow, CompiledRead, as_text, caller_json, decode, json_object
from storage.repositories.social import Edge


class EdgeView(msgspec.Struct, frozen=True):
    """One liked or followed thing: its kind and id, its title (or name), its counter, since when."""

    kind: str
    id: uuid.UUID
    title: str | None
    count: int
    since: dt.datetime


_SUB = bindparam("sub", type_=UUID(as_uuid=True))


def _rows(edge: Edge) -> Select[Any]:
    t, target = edge.table, edge.target
    return (
        select(
            literal(edge.kind, String).label("kind"),
            target.c.id.label("id"),
            target.c[edge.name].label("title"),
            target.c[edge.counter].label("count"),
            t.c.created_at.label("since"),
        )
        .select_from(t.join(target, target.c.id == t.c.target_id))
        .where(t.c.user_id == _SUB, *_still_visible(target))
    )


def _still_visible(target: Any) -> tuple[Any, ...]:
    """A private playlist liked or followed while a member is listed only while the caller is still
    one: its title is not theirs to read any more (the policy's ``view``, ``api.authz.playlists``)."""
    if target is not Playlist.__table__:
        return ()
    members = PlaylistMember.__table__
    member = exists().where(members.c.playlist_id == target.c.id, members.c.user_id == _SUB)
    return (or_(target.c.is_public, member),)


@functools.cache
def _page(edges: tuple[Edge, ...]) -> CompiledRead:
    def build() -> Select[Any]:
        rows = union_all(*(_rows(e) for e in edges)).subquery("edges")
        total = select(func.count()).select_from(rows).scalar_subquery()
        fields = EdgeView.__struct_fields__
        page = (
            select(json_object(fields, {f: rows.c[f] for f in fields}).label("j"), rows.c.since, rows.c.id)
            .order_by(rows.c.since.desc(), rows.c.id)
            .limit(bindparam("limit", type_=Integer))
            .offset(bindparam("offset", type_=Integer))
            .subquery("page")
        )
        ordered = aggregate_order_by(page.c.j, page.c.since.desc(), page.c.id)
        items = select(func.coalesce(func.json_agg(ordered), literal_column("'[]'"))).scalar_subquery()
        return select(caller_json(_SUB), total, as_text(items))

    return CompiledRead(build)


async def edge_page(
    db: ReadDatabase, caller_id: uuid.UUID, edges: Sequence[Edge], *, limit: int, offset: int
) -> tuple[CallerRow | None, int, list[EdgeView]]:
    """The caller's account, how many of ``edges`` they have and one page of them, in one statement."""
    caller, total, items = await db.fetch_row(_page(tuple(edges)), sub=caller_id, limit=limit, offset=offset)
    return decode(caller, CallerRow), total, msgspec.json.decode(items, type=list[EdgeView])


__all__ = ["EdgeView", "edge_page"]
