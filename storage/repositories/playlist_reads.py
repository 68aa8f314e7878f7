"""Playlist reads in one statement each: the detail, a page of the list, a page of the items.

``song_count`` and ``total_duration_seconds`` are computed inside the statement from the items
and their songs as they are now, so a replaced audio file (a new duration) or a deleted song (its
items cascade away) shows at once; nothing is cached on the playlist row. Item positions are the
items' rank, so a gap left by a deleted song never shows (the next item write closes it).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Integer, Select, bindparam, exists, func, literal_column, or_, select
from sqlalchemy.dialects.postgresql import UUID, aggregate_order_by

from storage.db import ReadDatabase
from storage.models.playlists import Playlist, PlaylistItem, PlaylistMember, PlaylistRole
from storage.models.social import PLAYLIST_FOLLOWS, PLAYLIST_LIKES
from storage.models.users import User
from storage.repositories.catalogue_refs import SONGS
from storage.repositories.reads import (
    CallerRow,
    CompiledRead,
    as_text,
    caller_json,
    decode,
    json_object,
    json_page,
    table_columns,
)


class MemberView(msgspec.Struct, frozen=True):
    user_id: uuid.UUID
    username: str
    display_name: str | None
    role: str


class PlaylistView(msgspec.Struct, frozen=True):
    """A playlist with its computed totals and what the policy needs, relative to the caller."""

    id: uuid.UUID
    title: str
    description: str | None
    is_public: bool
    created_by: uuid.UUID | None
    like_count: int
    follower_count: int
    created_at: dt.datetime
    updated_at: dt.datetime
    song_count: int
    total_duration_seconds: float
    caller_role: str | None
    owner_count: int
    liked: bool
    following: bool
    members: list[MemberView]


class SongRef(msgspec.Struct, frozen=True):
    id: uuid.UUID
    title: str
    duration_seconds: float | None


class ItemView(msgspec.Struct, frozen=True):
    id: uuid.UUID
    position: int
    song: SongRef
    added_by: uuid.UUID | None
    created_at: dt.datetime


_SUB = bindparam("sub", type_=UUID(as_uuid=True))
_PLAYLISTS = Playlist.__table__
_ITEMS = PlaylistItem.__table__
_MEMBERS = PlaylistMember.__table__


def _view_json(pl: Any) -> ColumnElement[Any]:
    """The JSON of one playlist of ``pl`` (the table or an alias), totals and members included."""
    items, members, users = _ITEMS, _MEMBERS, User.__table__
    in_playlist = items.c.playlist_id == pl.c.id
    song_count = select(func.count()).select_from(items).where(in_playlist).scalar_subquery()
    total = (
        select(func.coalesce(func.sum(SONGS.c.duration_seconds), 0.0))
        .select_from(items.join(SONGS, SONGS.c.id == items.c.song_id))
        .where(in_playlist)
        .scalar_subquery()
    )
    role = select(members.c.role).where(members.c.playlist_id == pl.c.id, members.c.user_id == _SUB)
    owners = select(func.count()).select_from(members).where(
        members.c.playlist_id == pl.c.id, members.c.role == PlaylistRole.OWNER.value
    )
    member = json_object(
        MemberView.__struct_fields__,
        {"user_id": users.c.id, "username": users.c.username, "display_name": users.c.display_name, "role": members.c.role},
    )
    member_list = (
        select(func.coalesce(func.json_agg(aggregate_order_by(member, members.c.created_at, users.c.id)), literal_column("'[]'")))
        .select_from(members.join(users, users.c.id == members.c.user_id))
        .where(members.c.playlist_id == pl.c.id)
        .scalar_subquery()
    )
    extra = {
        "song_count": song_count,
        "total_duration_seconds": total,
        "caller_role": role.scalar_subquery(),
        "owner_count": owners.scalar_subquery(),
        "liked": exists().where(PLAYLIST_LIKES.c.target_id == pl.c.id, PLAYLIST_LIKES.c.user_id == _SUB),
        "following": exists().where(PLAYLIST_FOLLOWS.c.target_id == pl.c.id, PLAYLIST_FOLLOWS.c.user_id == _SUB),
        "members": member_list,
    }
    fields = PlaylistView.__struct_fields__
    return json_object(fields, table_columns(pl, fields, **extra))


def _detail() -> Select[Any]:
    pl = _PLAYLISTS.alias("pl")
    view = select(as_text(_view_json(pl))).where(pl.c.id == bindparam("playlist_id", type_=UUID(as_uuid=True)))
    return select(caller_json(_SUB), view.scalar_subquery())


@functools.cache
def _page(member_only: bool) -> CompiledRead:
    def build() -> Select[Any]:
        pl = _PLAYLISTS.alias("pl")
        mine = exists().where(_MEMBERS.c.playlist_id == pl.c.id, _MEMBERS.c.user_id == _SUB)
        where = [mine] if member_only else [or_(pl.c.is_public.is_(True), mine)]
        total, items = json_page(pl, _view_json(pl), where)
        return select(caller_json(_SUB), total, items)

    return CompiledRead(build)


def _items() -> Select[Any]:
    """The caller, the playlist's visibility facts (its view) and one page of items by position."""
    pl = _PLAYLISTS.alias("pl")
    playlist_id = bindparam("playlist_id", type_=UUID(as_uuid=True))
    view = select(as_text(_view_json(pl))).where(pl.c.id == playlist_id).scalar_subquery()
    ranked = (
        select(
            _ITEMS.c.id,
            _ITEMS.c.song_id,
            _ITEMS.c.added_by,
            _ITEMS.c.created_at,
            (func.row_number().over(order_by=(_ITEMS.c.position, _ITEMS.c.id)) - 1).label("position"),
        )
        .where(_ITEMS.c.playlist_id == playlist_id)
        .subquery("ranked")
    )
    song = json_object(SongRef.__struct_fields__, table_columns(SONGS, SongRef.__struct_fields__))
    item = json_object(ItemView.__struct_fields__, table_columns(ranked, ItemView.__struct_fields__, song=song))
    page = (
        select(item.label("j"), ranked.c.position)
        .select_from(ranked.join(SONGS, SONGS.c.id == ranked.c.song_id))
        .order_by(ranked.c.position)
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
        .subquery("page")
    )
    items = select(func.coalesce(func.json_agg(aggregate_order_by(page.c.j, page.c.position)), literal_column("'[]'")))
    return select(caller_json(_SUB), view, as_text(items.scalar_subquery()))


_DETAIL, _ITEMS_PAGE = CompiledRead(_detail), CompiledRead(_items)


async def playlist_detail(
    db: ReadDatabase, caller_id: uuid.UUID | None, playlist_id: uuid.UUID
) -> tuple[CallerRow | None, PlaylistView | None]:
    """The caller's account and the playlist (``None``: no such playlist), in one statement."""
    caller, view = await db.fetch_row(_DETAIL, sub=caller_id, playlist_id=playlist_id)
    return decode(caller, CallerRow), decode(view, PlaylistView)


async def playlist_page(
    db: ReadDatabase, caller_id: uuid.UUID | None, *, member_only: bool, limit: int, offset: int
) -> tuple[CallerRow | None, int, list[PlaylistView]]:
    """Public playlists and the caller's (only the caller's with ``member_only``), newest first."""
    caller, total, items = await db.fetch_row(_page(member_only), sub=caller_id, limit=limit, offset=offset)
    return decode(caller, CallerRow), total, msgspec.json.decode(items, type=list[PlaylistView])


async def playlist_items(
    db: ReadDatabase, caller_id: uuid.UUID | None, playlist_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[CallerRow | None, PlaylistView | None, list[ItemView]]:
    """The caller's account, the playlist and one page of its items by position, in one statement."""
    caller, view, items = await db.fetch_row(
        _ITEMS_PAGE, sub=caller_id, playlist_id=playlist_id, limit=limit, offset=offset
    )
    return decode(caller, CallerRow), decode(view, PlaylistView), msgspec.json.decode(items, type=list[ItemView])


__all__ = ["ItemView", "MemberView", "PlaylistView", "SongRef", "playlist_detail", "playlist_items", "playlist_page"]
