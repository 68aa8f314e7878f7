"""The search schema on a real PostgreSQL: unaccent through an immutable wrapper, generated
``search_vector`` columns with GIN indexes, the index in the plan, and vectors that follow plain SQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from storage.db import ReadDatabase
from storage.repositories.search import _search, search
from storage.repositories.search_sources import SOURCES
from storage.repositories.search_text import split_search_text

pytestmark = pytest.mark.asyncio

TABLES = {"course": "courses", "chapter": "chapters", "song": "songs", "artist": "artists", "album": "albums"}
TABLES |= {"playlist": "playlists", "recording": "recordings"}


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.fixture(scope="module")
async def conn(reaper_database: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(_plain(reaper_database))
    yield connection
    await connection.close()


@pytest.fixture(scope="module")
async def reads(reaper_database: str) -> AsyncIterator[ReadDatabase]:
    pool = await asyncpg.create_pool(_plain(reaper_database), min_size=0, max_size=2)
    yield ReadDatabase(pool)
    await pool.close()


async def test_the_migration_creates_unaccent_and_an_immutable_wrapper(conn: asyncpg.Connection) -> None:
    assert await conn.fetchval("SELECT count(*) FROM pg_extension WHERE extname = 'unaccent'") == 1
    volatility = await conn.fetchval("SELECT provolatile::text FROM pg_proc WHERE proname = 'cadenza_unaccent'")
    assert volatility == "i"  # IMMUTABLE: usable in generated columns and indexes
    unaccented = await conn.fetchval("SELECT cadenza_unaccent('Dvořák Škroup Saint-Saëns')")
    assert unaccented == "Dvorak Skroup Saint-Saens"


PREFIXES = [
    ("Dvoř", "'dvor':*"),
    ("x⒁", "'14':* & 'x':*"),  # unaccent spells ⒁ "(14)": not tsquery syntax, yet no error
    ("o'brien:*&|!", "'brien':* & 'o':*"),
    ("back\\slash", "'back':* & 'slash':*"),
    ("!!!", ""),  # no lexeme: the empty query, which && leaves out
]


@pytest.mark.parametrize(("word", "query"), PREFIXES)
async def test_any_word_makes_a_prefix_query(conn: asyncpg.Connection, word: str, query: str) -> None:
    assert await conn.fetchval("SELECT cadenza_prefix_query($1)::text", word) == query


@pytest.mark.parametrize("kind", sorted(SOURCES))
async def test_every_source_has_a_generated_vector_and_a_gin_index(conn: asyncpg.Connection, kind: str) -> None:
    table = TABLES[kind]
    generated = await conn.fetchval(
        "SELECT attgenerated::text FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'search_vector'",
        table,
    )
    index = await conn.fetchval(
        "SELECT indexdef FROM pg_indexes WHERE tablename = $1 AND indexname = $2", table, f"ix_{table}_search_vector"
    )
    assert generated == "s"  # STORED generated column: PostgreSQL keeps it current
    assert index is not None and "USING gin (search_vector)" in index


async def test_the_gin_index_can_answer_the_search_statement(conn: asyncpg.Connection) -> None:
    """The statement's condition is one the index answers (same expression, same configuration).
    A small table is cheaper to scan, so the scan is turned off here; ``make bench BENCH_ARGS=search``
    shows the planner choosing the index by itself at size."""
    await conn.execute(
        "INSERT INTO songs (id, title) SELECT gen_random_uuid(), 'Etude op. ' || n || ' no. ' || (n % 12)"
        " FROM generate_series(1, 2000) AS n"
    )
    await conn.execute("INSERT INTO songs (id, title) VALUES (gen_random_uuid(), 'Rusalka: Song to the Moon')")
    await conn.execute("ANALYZE songs")
    text = split_search_text("rusalka mo")
    sql, args = _search(("song",), text.mode).bind(
        {"sub": None, "head": text.head, "prefix": text.prefix, "limit": 10, "offset": 0}
    )

    async with conn.transaction():
        await conn.execute("SET LOCAL enable_seqscan = off")
        plan = "\n".join(row[0] for row in await conn.fetch(f"EXPLAIN {sql}", *args))

    assert "Bitmap Index Scan on ix_songs_search_vector" in plan, plan


async def test_a_vector_follows_an_update_made_with_plain_sql(conn: asyncpg.Connection, reads: ReadDatabase) -> None:
    insert = "INSERT INTO artists (id, name) VALUES (gen_random_uuid(), 'Leoš Janáček') RETURNING id"
    artist_id = await conn.fetchval(insert)

    await conn.execute("UPDATE artists SET name = 'Bohuslav Martinů' WHERE id = $1", artist_id)

    _, total, hits = await search(reads, None, split_search_text("martinu"), ["artist"], limit=10)
    assert (total, [hit.id for hit in hits]) == (1, [artist_id])
    _, total, _ = await search(reads, None, split_search_text("janacek "), ["artist"], limit=10)
    assert total == 0


async def test_a_word_being_typed_alone_is_asked_as_a_prefix_only(conn: asyncpg.Connection) -> None:
    # Given a word typed alone (type-ahead's most common question)
    await conn.execute("INSERT INTO artists (id, name) VALUES (gen_random_uuid(), 'Bohuslav Martinů')")
    text = split_search_text("martin")
    sql, args = _search(("artist",), text.mode).bind(
        {"sub": None, "head": text.head, "prefix": text.prefix, "limit": 10, "offset": 0}
    )
    notices: list[str] = []

    def heard(_: object, message: asyncpg.PostgresLogMessage) -> None:
        notices.append(message.message)

    conn.add_log_listener(heard)
    try:
        _, total, _ = await conn.fetchrow(sql, *args)
    finally:
        conn.remove_log_listener(heard)
    # Then it is found, and no empty websearch part is parsed beside it (a NOTICE for each use)
    assert total >= 1
    assert notices == []


async def _song_ids(reads: ReadDatabase, question: str) -> list[object]:
    _, _, hits = await search(reads, None, split_search_text(question), ["song", "album"], limit=10)
    return [hit.id for hit in hits]


async def test_songs_and_albums_are_found_by_their_artists_names(
    conn: asyncpg.Connection, reads: ReadDatabase
) -> None:
    new = "INSERT INTO {} (id, {}) VALUES (gen_random_uuid(), $1) RETURNING id"
    artist = await conn.fetchval(new.format("artists", "name"), "Zdeněk Fibich")
    song = await conn.fetchval(new.format("songs", "title"), "Poème, op. 41")
    album = await conn.fetchval(new.format("albums", "title"), "Moods")
    assert await _song_ids(reads, "fibich poeme") == []

    # When the credits are written (plain SQL: the triggers copy the names, no application code)
    credit = "INSERT INTO song_credits (song_id, artist_id, role) VALUES ($1, $2, 'composer')"
    await conn.execute(credit, song, artist)
    await conn.execute("INSERT INTO album_artists (album_id, artist_id) VALUES ($1, $2)", album, artist)
    assert await _song_ids(reads, "fibich poeme") == [song]
    assert await _song_ids(reads, "zdenek moods") == [album]

    # When the artist is renamed, both follow; when the credit goes, so does the name
    await conn.execute("UPDATE artists SET name = 'Z. Fibich-Hanuš' WHERE id = $1", artist)
    assert set(await _song_ids(reads, "hanus")) == {song, album}
    assert await _song_ids(reads, "zdenek ") == []
    await conn.execute("DELETE FROM song_credits WHERE song_id = $1", song)
    assert await _song_ids(reads, "hanus") == [album]
    snippet = (await search(reads, None, split_search_text("hanus"), ["album"], limit=1))[2][0].snippet
    assert snippet == "Moods · Z. Fibich-<mark>Hanuš</mark>"


async def test_content_too_long_for_one_vector_is_cut_not_refused(conn: asyncpg.Connection) -> None:
    teacher = await conn.fetchval(
        "INSERT INTO users (id, email, username, password_hash, role, is_active, email_verified)"
        " VALUES (gen_random_uuid(), 'long@example.test', 'longcontent', 'x', 'teacher', true, true) RETURNING id"
    )
    course = await conn.fetchval(
        "INSERT INTO courses (id, teacher_id, title) VALUES (gen_random_uuid(), $1, 'Long') RETURNING id", teacher
    )
    # A million characters of distinct words, written around the API: their vector would pass 1 MB
    content = " ".join(f"w{n:06x}" for n in range(1_000_000 // 8))

    chapter = await conn.fetchval(
        "INSERT INTO chapters (id, course_id, position, title, content) VALUES (gen_random_uuid(), $1, 1, 'Long', $2)"
        " RETURNING id",
        course,
        content,
    )

    words = await conn.fetchval("SELECT length(search_vector) FROM chapters WHERE id = $1", chapter)
    assert words == 250_000 // 8 + 1  # the words of the first 250,000 characters
