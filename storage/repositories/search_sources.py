"""What each searchable table contributes to a search, and who may see its rows.

A source names its table's columns (a light ``table()`` clause: search needs only a few columns,
including ``search_vector``, which the models do not map because PostgreSQL computes it), the
column shown as the title, the columns a snippet is cut from, and its visibility rule as SQL.
Visibility is SQL, not a policy applied afterwards: rows the caller may not see must not count in
``total`` nor take a place in the page.

==========  ===========================================================================
type        visible to
==========  ===========================================================================
course      everybody (anonymous callers too) when published; a draft: its teacher, admins
chapter     as its course
song        everybody: the catalogue is public
artist      everybody
album       everybody
playlist    everybody when public; a private one: its members (owners, editors)
recording   signed-in callers: their own, those shared with them, public ones (never
            deleted ones, nor a song's audio; anonymous callers see none, as in DESIGN §9).
            Admins get no more here than any signed-in caller.
==========  ===========================================================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


from sqlalchemy import ColumnElement, and_, bindparam, column, exists, or_, table, true
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


def _everybody(_: TableClause) -> ColumnElement[bool]:
    return true()


# -- learning --------------------------------------------------------------------------------------

_COURSES = _vector_table("courses", "title", "description", "instrument", "level", "teacher_id", "is_published")
_CHAPTERS = _vector_table("chapters", "title", "description", "content", "course_id")


def _course_visible(course: TableClause) -> ColumnElement[bool]:
    return or_(course.c.is_published.is_(True), course.c.teacher_id == SUB, caller_is_admin())


def _chapter_visible(chapter: TableClause) -> ColumnElement[bool]:
    course = _COURSES.alias("chapter_course")
    return exists().where(course.c.id == chapter.c.course_id, _course_visible(course))


COURSE = SearchSource("course", _COURSES, "title", ("instrument", "level", "description"), _course_visible)
CHAPTER = SearchSource("chapter", _CHAPTERS, "title", ("description", "content"), _chapter_visible)

# -- the catalogue ---------------------------------------------------------------------------------

_PEOPLE = ("search_people",)  # the artists' names, copied by triggers (migration 0008)
SONG = SearchSource("song", _vector_table("songs", "title", *_PEOPLE), "title", _PEOPLE, _everybody)
ARTIST = SearchSource("artist", _vector_table("artists", "name", "bio"), "name", ("bio",), _everybody)
ALBUM = SearchSource("album", _vector_table("albums", "title", *_PEOPLE), "title", _PEOPLE, _everybody)

# -- playlists -------------------------------------------------------------------------------------

_PLAYLISTS = _vector_table("playlists", "title", "description", "is_public")
_MEMBERS = table("playlist_members", column("playlist_id"), column("user_id"))


def _playlist_visible(playlist: TableClause) -> ColumnElement[bool]:
    member = exists().where(_MEMBERS.c.playlist_id == playlist.c.id, _MEMBERS.c.user_id == SUB)
    return or_(playlist.c.is_public.is_(True), member)


PLAYLIST = SearchSource("playlist", _PLAYLISTS, "title", ("description",), _playlist_visible)

# -- recordings -----------------------------------------------------------------------------------

_RECORDINGS = _vector_table(
    "recordings", "title", "description", "piece", "composer", "owner_id", "is_public", "status", "purpose"
)
_SHARES = table("recording_shares", column("recording_id"), column("user_id"))


def _recording_visible(rec: TableClause) -> ColumnElement[bool]:
    shared = exists().where(_SHARES.c.recording_id == rec.c.id, _SHARES.c.user_id == SUB)
    return and_(
        SUB.is_not(None),
        rec.c.status != "deleted",
        rec.c.purpose == "practice",  # a song's audio is found as the song
        or_(rec.c.owner_id == SUB, rec.c.is_public.is_(True), shared),
    )


RECORDING = SearchSource("recording", _RECORDINGS, "title", ("piece", "composer", "description"), _recording_visible)


#: Every source, in the order a tie in score is listed. A domain that is not there has none.
SOURCES: dict[str, SearchSource] = {
    source.type: source for source in (COURSE, CHAPTER, SONG, ARTIST, ALBUM, PLAYLIST, RECORDING)
}

__all__ = ["SOURCES", "SUB", "SearchSource", "caller_is_admin"]
