"""Search answers: ``{items: [{type, id, title, snippet, score}], total}``."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.params import Parameter

from storage.repositories.search import SearchHit

#: Every type the design names (DESIGN §11), in the order ``types`` lists them.
SEARCH_TYPES = ("course", "chapter", "song", "artist", "album", "playlist", "recording")
#: The longest search text accepted: a sentence, not a document.
MAX_QUERY_LENGTH = 200

SearchLimit = Annotated[int, Parameter(ge=1, le=50, description="items in the page")]
SearchOffset = Annotated[int, Parameter(ge=0, le=1000, description="items to skip")]
Query = Annotated[
    str | None,
    Parameter(
        description=f"what to look for (1–{MAX_QUERY_LENGTH} characters): words, \"a phrase\", or, -not; "
        "the last word matches as a prefix while it is typed; accents are ignored"
    ),
]
Types = Annotated[
    str | None,
    Parameter(description=f"comma-separated types to search (default: every one): {', '.join(SEARCH_TYPES)}"),
]


class SearchPage(msgspec.Struct):
    """Best first. ``snippet`` is HTML: the text is escaped and each match is wrapped in ``<mark>``."""

    items: list[SearchHit]
    total: int


__all__ = [
    "MAX_QUERY_LENGTH",
    "SEARCH_TYPES",
    "Query",
    "SearchHit",
    "SearchLimit",
    "SearchOffset",
    "SearchPage",
    "Types",
]
