"""Query parameters of the catalogue lists, and a page of entries as a body."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from litestar.params import Parameter

from api.auth.tokens import TokenClaims
from api.context import AppContext
from api.library.presenter import present
from api.library.reads import read_page
from storage.models.library import MAX_RELEASE_YEAR, MIN_RELEASE_YEAR
from storage.repositories.library_reads import CatalogueFilter, Kind, Sort

#: One line of text (PostgreSQL text cannot hold NUL; no name holds control characters).
_LINE = r"^[^\x00-\x1f\x7f]*$"
Query = Annotated[
    str | None, Parameter(max_length=200, pattern=_LINE, description="text the name or title contains (any case)")
]
GenreParam = Annotated[
    str | None, Parameter(max_length=60, pattern=_LINE, description="a genre's id or name (any case)")
]
YearParam = Annotated[
    int | None, Parameter(ge=MIN_RELEASE_YEAR, le=MAX_RELEASE_YEAR, description="release year (a song: its album's)")
]
#: Each list takes the sorts that mean something for it; any other value is 422.
FullSort = Literal["title", "-created_at", "duration", "-likes"]
ArtistSort = Literal["title", "-created_at", "-likes"]
GenreSort = Literal["title", "-created_at"]


def catalogue_filter(
    q: str | None,
    genre: str | None = None,
    *,
    artist_id: uuid.UUID | None = None,
    album_id: uuid.UUID | None = None,
    year: int | None = None,
) -> CatalogueFilter:
    genre_id: uuid.UUID | None = None
    genre_name = genre.strip() if genre is not None and genre.strip() else None
    if genre_name is not None:
        try:
            genre_id, genre_name = uuid.UUID(genre_name), None
        except ValueError:
            pass
    return CatalogueFilter(
        q=q or None, genre_id=genre_id, genre_name=genre_name, artist_id=artist_id, album_id=album_id, year=year
    )


async def page_body(
    ctx: AppContext,
    claims: TokenClaims | None,
    kind: Kind,
    where: CatalogueFilter,
    *,
    sort: str,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """``{items, total, limit, offset}`` of one page, from one statement."""
    caller, total, views = await read_page(ctx, claims, kind, where, sort=Sort(sort), limit=limit, offset=offset)
    items = [await present(ctx, kind, view, caller) for view in views]
    return {"items": items, "total": total, "limit": limit, "offset": offset}
