"""A playlist of 2,000 songs costs what a playlist of three does: one statement per request.

Statements are counted on every SQLAlchemy engine and on the read pool
(``tests.integration.test_read_statements.counted_statements``), the caller's account check
included. Without the one-statement reads (a query per item or per song), the long playlist
would cost hundreds.
"""

from __future__ import annotations

import uuid

import pytest

from tests.api.playlist_support import playlist
from tests.e2e.api import Account, Api
from tests.e2e.auth_support import sql
from tests.e2e.authz_support import verified
from tests.statement_count import counted_statements

pytestmark = pytest.mark.api


def _fill(database_url: str, playlist_id: str, owner_id: str, n: int) -> None:
    """``n`` songs in the playlist and each liked by the owner, written in bulk as the catalogue would."""
    sql(
        database_url,
        """
        WITH s AS (
            INSERT INTO songs (id, title, duration_seconds)
            SELECT gen_random_uuid(), 'song ' || i, 1 FROM generate_series(0, $3 - 1) AS i RETURNING id, title
        ), items AS (
            INSERT INTO playlist_items (id, playlist_id, song_id, position)
            SELECT gen_random_uuid(), $1, s.id, row_number() OVER (ORDER BY s.title) - 1 FROM s
        )
        INSERT INTO song_likes (user_id, target_id) SELECT $2, s.id FROM s
        """,
        uuid.UUID(playlist_id),
        uuid.UUID(owner_id),
        n,
    )


def _cost(api: Api, caller: Account, path: str) -> tuple[int, dict]:
    api.http.get(path, headers=caller.headers)  # connections made, statements prepared
    with counted_statements() as statements:
        r = api.http.get(path, headers=caller.headers)
    assert r.status_code == 200, r.text
    return len(statements), r.json()


@pytest.mark.parametrize("size", [3, 2000])
def test_reads_cost_one_statement_whatever_the_playlists_size(api: Api, base_env: dict[str, str], size: int) -> None:
    owner = verified(api, base_env)
    pl = playlist(api, owner)
    _fill(base_env["DATABASE_URL"], pl["id"], owner.id, size)
    # The detail with its totals, every page of items, the likes and the following lists
    count, body = _cost(api, owner, f"/api/v1/playlists/{pl['id']}")
    assert (count, body["song_count"], body["total_duration_seconds"]) == (1, size, float(size))
    for offset in range(0, size, 500):
        count, page = _cost(api, owner, f"/api/v1/playlists/{pl['id']}/items?limit=500&offset={offset}")
        assert count == 1 and page["items"][0]["position"] == offset
    count, likes = _cost(api, owner, "/api/v1/users/me/likes?limit=100")
    assert (count, likes["total"], len(likes["items"])) == (1, size, min(size, 100))
    assert _cost(api, owner, "/api/v1/users/me/following")[0] == 1
    assert _cost(api, owner, "/api/v1/playlists?mine=true")[0] == 1
