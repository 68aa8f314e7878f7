"""The search benchmark's catalogue, made inside PostgreSQL with ``generate_series``: no ORM loop.

Titles and names are drawn from small word lists (composers with their accents, forms, keys), so
a question matches a realistic share of rows: some words are rare, some common.
"""

from __future__ import annotations

import asyncpg

COMPOSERS = [
    "Antonín Dvořák", "Leoš Janáček", "Frédéric Chopin", "Camille Saint-Saëns", "Béla Bartók",
    "Johann Sebastian Bach", "Ludwig van Beethoven", "Wolfgang Amadeus Mozart", "Franz Schubert",
    "Robert Schumann", "Johannes Brahms", "Claude Debussy", "Maurice Ravel", "Gabriel Fauré",
    "Sergei Rachmaninoff", "Pyotr Tchaikovsky", "Edvard Grieg", "Jean Sibelius", "Bohuslav Martinů",
    "Erik Satie", "Fanny Mendelssohn", "Clara Schumann", "Manuel de Falla", "Isaac Albéniz",
]  # fmt: skip
FORMS = [
    "Sonata", "Etude", "Nocturne", "Prelude", "Fugue", "Waltz", "Mazurka", "Polonaise", "Ballade",
    "Impromptu", "Scherzo", "Rhapsody", "Serenade", "Humoresque", "Partita", "Suite", "Concerto",
    "Fantasia", "Invention", "Toccata", "Romance", "Berceuse", "Barcarolle", "Elegy",
]  # fmt: skip
KEYS = ["C major", "C minor", "D major", "D minor", "E flat major", "E minor", "F major", "F sharp minor",
        "G major", "G minor", "A major", "A minor", "B flat major", "B minor"]  # fmt: skip
#: Given to one song in eight: a name people search for.
NICKNAMES = [
    "Moonlight", "Pathétique", "Appassionata", "Tempest", "Waldstein", "Hammerklavier", "Raindrop",
    "Revolutionary", "Winter Wind", "Butterfly", "Minute", "Heroic", "Spring", "Kreutzer", "Trout",
    "Unfinished", "Surprise", "Clock", "Emperor", "Jupiter", "New World", "Rusalka", "Dumky",
    "American", "From My Life", "Kreisleriana", "Carnaval", "Papillons", "Ocean", "Aeolian Harp",
    "Black Key", "Cat Waltz", "Funeral March", "Military", "Harp", "Ghost", "Archduke", "Rasumovsky",
    "Goldberg", "Italian", "Scottish", "Reformation", "Pastoral", "Eroica", "Titan", "Resurrection",
    "Little Russian", "Winter Daydreams",
]  # fmt: skip
INSTRUMENTS = ["violin", "viola", "cello", "piano", "flute", "clarinet", "guitar", "voice"]
LEVELS = ["beginner", "intermediate", "advanced"]


def _array(words: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + word.replace("'", "''") + "'" for word in words) + "]"


def _pick(words: list[str], expr: str) -> str:
    """The word of ``words`` at ``expr`` (an integer SQL expression), cycling."""
    return f"({_array(words)})[1 + (({expr}) % {len(words)})]"


async def seed(conn: asyncpg.Connection, *, songs: int, artists: int, courses: int) -> None:
    """``artists`` artists, ``songs`` songs, ``courses`` courses (four in five published) of one teacher."""
    await conn.execute("SELECT setseed(0.42)")
    await conn.execute(
        f"""INSERT INTO artists (id, name, bio)
        SELECT gen_random_uuid(), {_pick(COMPOSERS, "n")} || ' ' || n,
               'Composer of the ' || {_pick(FORMS, "n * 7")} || ' in ' || {_pick(KEYS, "n * 3")}
        FROM generate_series(1, $1) AS n""",
        artists,
    )
    await conn.execute(
        f"""INSERT INTO songs (id, title, duration_seconds)
        SELECT gen_random_uuid(),
               {_pick(FORMS, "n")} || ' in ' || {_pick(KEYS, "n / 24")} || ', op. ' || (n % 97) || ' no. '
               || (n % 13) || CASE WHEN n % 8 = 0 THEN ' "' || {_pick(NICKNAMES, "n / 8")} || '"' ELSE '' END
               -- a work's own name, shared by its three movements: rare words, as most are
               || ' ' || initcap(translate(substr(md5((n / 3)::text), 1, 8), '0123456789', 'aeiouyrstl'))
               || ' (' || {_pick(COMPOSERS, "n / 7")} || ')',
               60 + n % 600
        FROM generate_series(1, $1) AS n""",
        songs,
    )
    teacher = await conn.fetchval(
        """INSERT INTO users (id, email, username, password_hash, role, is_active, email_verified)
        VALUES (gen_random_uuid(), 'bench-teacher@example.test', 'benchteacher', 'x', 'teacher', true, true)
        RETURNING id"""
    )
    await conn.execute(
        f"""INSERT INTO courses (id, teacher_id, title, description, instrument, level, is_published, is_premium)
        SELECT gen_random_uuid(), $2, {_pick(FORMS, "n")} || 's for ' || {_pick(INSTRUMENTS, "n / 24")} || ' ' || n,
               'Repertoire of ' || {_pick(COMPOSERS, "n * 5")} || ': ' || {_pick(FORMS, "n * 11")} || ' and '
               || {_pick(FORMS, "n * 13")} || ', with technique for every lesson',
               {_pick(INSTRUMENTS, "n / 24")}, {_pick(LEVELS, "n")}, n % 5 <> 0, false
        FROM generate_series(1, $1) AS n""",
        courses,
        teacher,
    )
    # VACUUM also moves the rows just inserted from each GIN index's pending list into the index
    # proper, as autovacuum does on a live database; until then every search scans that list.
    for name in ("artists", "songs", "courses"):
        await conn.execute(f"VACUUM ANALYZE {name}")
