"""search: unaccent, an immutable wrapper, weighted search_vector columns and GIN indexes

Every searchable table gets ``search_vector``, a STORED generated column: PostgreSQL computes it
on every INSERT and UPDATE, so no application code keeps it current. Weights: A the title or name,
B what names the thing further (piece, composer, instrument), C its description, D long content.

``unaccent()`` is only STABLE (its dictionary could change), and generated columns and index
expressions need IMMUTABLE functions, so ``cadenza_unaccent(text)`` wraps it with the dictionary
named explicitly and declares itself IMMUTABLE: "dvorak" then finds "Dvořák". Vectors and queries
use the ``simple`` configuration (no stemming, no stop words): titles and names are in many
languages, and type-ahead prefixes of stemmed words would miss. ``cadenza_search`` is ``simple``
with the unaccent dictionary in front, for ``ts_headline`` only: it highlights "Dvořák" in the
original text for the query ``dvorak``.

A generated column reads only its own row, but a song or an album is searched by its artists'
names too ("dvorak humoresque"). Those names are copied into ``songs.search_people`` and
``albums.search_people`` by triggers on the credits, the album's artists and artist renames, and
the generated column reads that copy.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 15:05:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: table → [(column, weight)]: what each table's search_vector is made of.
VECTORS: dict[str, list[tuple[str, str]]] = {
    "recordings": [("title", "A"), ("piece", "B"), ("composer", "B"), ("description", "C")],
    "courses": [("title", "A"), ("instrument", "B"), ("level", "B"), ("description", "C")],
    "chapters": [("title", "A"), ("description", "B"), ("content", "C")],
    "songs": [("title", "A"), ("search_people", "B")],
    "artists": [("name", "A"), ("bio", "C")],
    "albums": [("title", "A"), ("search_people", "B")],
    "playlists": [("title", "A"), ("description", "C")],
}


#: Characters of one column that go into its vector: a tsvector holds at most 1 MB, and a row
#: whose vector would not fit could not be written at all. More than any API accepts (chapter
#: content: 200,000), so only text written around the API is cut.
INDEXED_CHARACTERS = 250_000


def vector_sql(parts: list[tuple[str, str]]) -> str:
    """The generated column's expression: one weighted, unaccented ``simple`` vector per column."""
    return " || ".join(
        "setweight(to_tsvector('simple'::regconfig, "
        f"cadenza_unaccent(left(coalesce({column}::text, ''), {INDEXED_CHARACTERS}))), '{weight}')"
        for column, weight in parts
    )


#: (works table, link table, its column naming the work): whose artists' names a work carries.
PEOPLE = [("songs", "song_credits", "song_id"), ("albums", "album_artists", "album_id")]


def _people_upgrade(works: str, links: str, key: str) -> None:
    op.execute(f"ALTER TABLE {works} ADD COLUMN search_people text NOT NULL DEFAULT ''")
    op.execute(
        f"""
        CREATE FUNCTION cadenza_{works}_people(work uuid) RETURNS text LANGUAGE sql STABLE AS $$
            SELECT coalesce(string_agg(DISTINCT artists.name, ' '), '')
            FROM {links} JOIN artists ON artists.id = {links}.artist_id WHERE {links}.{key} = work
        $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION cadenza_{links}_search() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                UPDATE {works} SET search_people = cadenza_{works}_people(OLD.{key}) WHERE id = OLD.{key};
            END IF;
            IF TG_OP <> 'DELETE' THEN
                UPDATE {works} SET search_people = cadenza_{works}_people(NEW.{key}) WHERE id = NEW.{key};
            END IF;
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        f"CREATE TRIGGER {links}_search AFTER INSERT OR UPDATE OR DELETE ON {links} "
        f"FOR EACH ROW EXECUTE FUNCTION cadenza_{links}_search()"
    )
    op.execute(f"UPDATE {works} SET search_people = cadenza_{works}_people(id)")


def _renames_upgrade() -> None:
    updates = "\n".join(
        f"UPDATE {works} SET search_people = cadenza_{works}_people(id)"
        f" WHERE id IN (SELECT {key} FROM {links} WHERE artist_id = NEW.id);"
        for works, links, key in PEOPLE
    )
    op.execute(
        f"""
        CREATE FUNCTION cadenza_artists_search() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {updates}
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER artists_search AFTER UPDATE OF name ON artists "
        "FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION cadenza_artists_search()"
    )


def upgrade() -> None:
    # A trusted extension since PostgreSQL 13: the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
    op.execute(
        """
        CREATE FUNCTION cadenza_unaccent(text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
        """
    )
    # The word being typed, as a prefix query of each of its lexemes. The lexemes come from
    # to_tsvector and are quoted here, so no text (say "⒁", which unaccent spells "(14)") can
    # make bad tsquery syntax; a word with no lexeme is the empty query, which && ignores.
    op.execute(
        r"""
        CREATE FUNCTION cadenza_prefix_query(word text) RETURNS tsquery
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$
            SELECT coalesce(string_agg(
                       '''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || ''':*', ' & '
                   ), '')::tsquery
            FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, cadenza_unaccent(word)))) AS lexeme
        $$
        """
    )
    op.execute("CREATE TEXT SEARCH CONFIGURATION cadenza_search (COPY = pg_catalog.simple)")
    op.execute(
        "ALTER TEXT SEARCH CONFIGURATION cadenza_search "
        "ALTER MAPPING FOR word, hword, hword_part WITH public.unaccent, pg_catalog.simple"
    )
    for works, links, key in PEOPLE:
        _people_upgrade(works, links, key)
    _renames_upgrade()
    for table, parts in VECTORS.items():
        generated = f"GENERATED ALWAYS AS ({vector_sql(parts)}) STORED"
        op.execute(f"ALTER TABLE {table} ADD COLUMN search_vector tsvector {generated}")
        op.execute(f"CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector)")


def downgrade() -> None:
    for table in reversed(VECTORS):
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_vector")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
    op.execute("DROP TRIGGER IF EXISTS artists_search ON artists")
    op.execute("DROP FUNCTION IF EXISTS cadenza_artists_search()")
    for works, links, _ in PEOPLE:
        op.execute(f"DROP TRIGGER IF EXISTS {links}_search ON {links}")
        op.execute(f"DROP FUNCTION IF EXISTS cadenza_{links}_search()")
        op.execute(f"DROP FUNCTION IF EXISTS cadenza_{works}_people(uuid)")
        op.execute(f"ALTER TABLE {works} DROP COLUMN IF EXISTS search_people")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS cadenza_search")
    op.execute("DROP FUNCTION IF EXISTS cadenza_prefix_query(text)")
    op.execute("DROP FUNCTION IF EXISTS cadenza_unaccent(text)")
    # The extension stays: other objects of the database may use it.
