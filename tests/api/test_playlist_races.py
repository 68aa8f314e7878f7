"""Two owners editing one playlist at the same time, on real PostgreSQL: no duplicate, no gap.

The app serves real HTTP (``tests.integration.live_app``: uvicorn in a thread) and the requests
are sent at once (``httpx.AsyncClient`` + ``asyncio.gather``), so their transactions interleave.
Without the playlist's row lock, two moves computed from the same positions commit duplicates
(the deferred unique refuses the commit: a 500) or leave gaps.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.settings import Settings
from storage.db import create_engine, create_session_factory
from tests.integration import reads_support as seed
from tests.integration.live_app import live_app

pytestmark = [pytest.mark.api, pytest.mark.asyncio]


@pytest.fixture
async def sessions(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(settings.database, pool_size=2)
    yield create_session_factory(engine)
    await engine.dispose()


async def _songs(sessions: async_sessionmaker[AsyncSession], n: int) -> list[str]:
    ids = [uuid.uuid4() for _ in range(n)]
    async with sessions.begin() as session:
        for i, song_id in enumerate(ids):
            await session.execute(
                text("INSERT INTO songs (id, title, duration_seconds) VALUES (:id, :t, 1)"),
                {"id": song_id, "t": f"s{i}"},
            )
    return [str(s) for s in ids]


async def _positions(sessions: async_sessionmaker[AsyncSession], playlist_id: str) -> list[tuple[int, str]]:
    """The stored positions (not the read's ranks, which would hide duplicates and gaps)."""
    async with sessions() as session:
        stmt = text("SELECT position, song_id::text FROM playlist_items WHERE playlist_id = :p ORDER BY position")
        return [(p, s) for p, s in (await session.execute(stmt, {"p": uuid.UUID(playlist_id)})).all()]


async def test_two_owners_reordering_at_once_keep_positions_whole(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    first, second = await seed.account(sessions, settings), await seed.account(sessions, settings)
    songs = await _songs(sessions, 13)
    rng = random.Random(7)
    with live_app(settings) as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
            # Given a playlist of eight songs with two owners
            r = await client.post("/api/v1/playlists", headers=first.headers, json={"title": "Duet"})
            url = f"/api/v1/playlists/{r.json()['id']}"
            member = {"user_id": str(second.id), "role": "owner"}
            assert (await client.post(f"{url}/members", headers=first.headers, json=member)).status_code == 201
            for song_id in songs[:8]:
                r = await client.post(f"{url}/items", headers=first.headers, json={"song_id": song_id})
                assert r.status_code == 201, r.text
            item_ids = [i["id"] for i in (await client.get(f"{url}/items", headers=first.headers)).json()["items"]]

            # When both move items around while the second also inserts five songs, all at once
            def move(who: seed.Account) -> asyncio.Future[httpx.Response]:
                body = {"position": rng.randrange(8)}
                return client.patch(f"{url}/items/{rng.choice(item_ids)}", headers=who.headers, json=body)

            calls = [move(first) for _ in range(15)] + [move(second) for _ in range(10)]
            calls += [
                client.post(f"{url}/items", headers=second.headers, json={"song_id": s, "position": rng.randrange(9)})
                for s in songs[8:]
            ]
            rng.shuffle(calls)
            answers = await asyncio.gather(*calls)
            final = (await client.get(url, headers=second.headers)).json()

    # Then every call succeeded
    assert [a.text for a in answers if a.status_code not in (200, 201)] == []
    # And the stored positions are exactly 0..12, each song once
    rows = await _positions(sessions, final["id"])
    assert [p for p, _ in rows] == list(range(13))
    assert sorted(s for _, s in rows) == sorted(songs)
    assert final["song_count"] == 13


async def test_likes_sent_at_once_and_twice_count_each_user_once(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    fans = [await seed.account(sessions, settings) for _ in range(8)]
    [song_id] = await _songs(sessions, 1)
    url = f"/api/v1/songs/{song_id}/like"
    with live_app(settings) as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
            # When eight fans like the song twice each, all at once
            liked = await asyncio.gather(*(client.put(url, headers=f.headers) for f in fans * 2))
            # Then it has eight likes; and after they all unlike twice, none
            async with sessions() as session:
                count = (
                    await session.execute(text("SELECT like_count FROM songs WHERE id = :s"), {"s": song_id})
                ).scalar()
            unliked = await asyncio.gather(*(client.delete(url, headers=f.headers) for f in fans * 2))
    assert {r.status_code for r in liked + unliked} == {200}
    assert count == 8 and max(r.json()["like_count"] for r in liked) == 8
    assert min(r.json()["like_count"] for r in unliked) == 0
    async with sessions() as session:
        assert (await session.execute(text("SELECT like_count FROM songs WHERE id = :s"), {"s": song_id})).scalar() == 0
