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

Revision ID: 0008
Revises: 0006, 0007p
Create Date: 2026-12-01 15:05:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
# Learning (0006) and the library with playlists (0007, 0007p) both follow 0004 on their branches:
# this revision joins them. The integrator re-chains it after the last of them.
down_revision: str | tuple[str, ...] | None = ("0006", "0007p")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: table → [(column, weight)]: what each table's search_vector is made of.
VECTORS: dict[str, list[tuple[str, str]]] = {
    "recordings": [("title", "A"), ("piece", "B"), ("composer", "B"), ("description", "C")],
    "courses": [("title", "A"), ("instrument", "B"), ("level", "B"), ("description", "C")],
    "chapters": [("title", "A"), ("description", "B"), ("content", "C")],
    "songs": [("title", "A")],
    "artists": [("name", "A"), ("bio", "C")],
    "albums": [("title", "A")],
    "playlists": [("title", "A"), ("description", "C")],
}


def vector_sql(parts: list[tuple[str, str]]) -> str:
    """The generated column's expression: one weighted, unaccented ``simple`` vector per column."""
    return " || ".join(
        f"setweight(to_tsvector('simple'::regconfig, cadenza_unaccent(coalesce({column}::text, ''))), '{weight}')"
        for column, weight in parts
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
    op.execute("CREATE TEXT SEARCH CONFIGURATION cadenza_search (COPY = pg_catalog.simple)")
    op.execute(
        "ALTER TEXT SEARCH CONFIGURATION cadenza_search "
        "ALTER MAPPING FOR word, hword, hword_part WITH public.unaccent, pg_catalog.simple"
    )
    for table, parts in VECTORS.items():
        generated = f"GENERATED ALWAYS AS ({vector_sql(parts)}) STORED"
        op.execute(f"ALTER TABLE {table} ADD COLUMN search_vector tsvector {generated}")
        op.execute(f"CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector)")


def downgrade() -> None:
    for table in reversed(VECTORS):
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_vector")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS cadenza_search")
    op.execute("DROP FUNCTION IF EXISTS cadenza_unaccent(text)")
    # The extension stays: other objects of the database may use it.
