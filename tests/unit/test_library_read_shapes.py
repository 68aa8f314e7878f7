"""Every catalogue read statement names its entry's table only where it means to (a detail once,
a page twice: its count and its rows): a subquery that failed to correlate with the outer entry
would join every row of its table instead (wrong children, wrong counts)."""

from __future__ import annotations

import itertools

import pytest

from storage.repositories.library_reads import Kind, Sort, _detail, _page

_PARAMS = {"sub": None, "entry_id": None, "limit": 1, "offset": 0, "q": "a", "genre_id": None, "genre_name": "x"}
_PARAMS |= {"artist_id": None, "album_id": None, "year": 2000}
_SORTS = {Kind.GENRE: (Sort.TITLE, Sort.NEWEST), Kind.ARTIST: (Sort.TITLE, Sort.NEWEST, Sort.LIKES)}


def _statements() -> list[tuple[str, str]]:
    found = [(f"{kind} detail", _detail(kind).bind(_PARAMS)[0]) for kind in Kind]
    for kind in Kind:
        shapes = [(False,) * 6, (True, False, True, True, True, True)]
        for sort, shape in itertools.product(_SORTS.get(kind, tuple(Sort)), shapes):
            if kind == Kind.GENRE and shape[2]:
                shape = (True, False, False, False, False, False)  # genres filter by text only
            found.append((f"{kind} page {sort} {shape}", _page(kind, sort, shape).bind(_PARAMS)[0]))
    return found


@pytest.mark.parametrize(("name", "sql"), _statements(), ids=[n for n, _ in _statements()])
def test_the_entry_is_named_only_where_it_is_read(name: str, sql: str) -> None:
    assert sql.count(" AS entry") == (1 if "detail" in name else 2), name
