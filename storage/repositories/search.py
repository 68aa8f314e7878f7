"""Full-text search over every searchable table in ONE statement, the caller's account included.

The statement is a ``UNION ALL`` of one ranked subquery per requested type (each filtered by its
``search_vector @@ query``, which its GIN index answers, and by the caller's visibility), kept as
the CTE ``hits`` (source, id and score only); beside the caller's account row it returns how many
hits there are and one page of them, best first, joined back to their tables for the title and a
snippet cut by ``ts_headline``, for the page's rows only.

The query is ``websearch_to_tsquery`` of the text, joined to the word being typed as a prefix
(``storage.repositories.search_text``) and built once per execution (the CTE ``question``);
both go through ``cadenza_unaccent``, the immutable wrapper the ``search_vector`` columns are
built with (migration 0008), so accents never matter.
Snippets are HTML: the text is escaped first and matches are wrapped in ``<mark>``.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Integer, Select, String, and_, bindparam, func, literal_column, select, union_all
from sqlalchemy.dialects.postgresql import TSQUERY, aggregate_order_by

from storage.db import ReadDatabase
from storage.repositories.reads import CallerRow, CompiledRead, as_text, caller_json, decode
from storage.repositories.search_sources import SOURCES, SUB, SearchSource
from storage.repositories.search_text import PrefixMode, SearchText

#: ts_headline's options: two short fragments, matches in <mark>.
HEADLINE_OPTIONS = (
    'StartSel=<mark>, StopSel=</mark>, MaxWords=20, MinWords=6, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "'
)
_SIMPLE = literal_column("'simple'::regconfig")
#: A tie in score is listed in the order of ``SOURCES``, then by id.
_ORDINAL = {name: place for place, name in enumerate(SOURCES)}
#: Characters a snippet is cut from: ts_headline parses its whole text, and a chapter may hold
#: 200,000; a match further on is found and ranked, its snippet shows the beginning.
SNIPPET_SOURCE_CHARACTERS = 20_000


class SearchHit(msgspec.Struct, frozen=True):
    type: str
    id: uuid.UUID
    title: str
    snippet: str
    score: float


def tsquery(mode: PrefixMode) -> ColumnElement[Any]:
    """The query of the ``head`` and ``prefix`` parameters, combined as ``mode`` says.

    Built once per execution in the CTE ``question``, which every use reads as a scalar subquery.
    Written inline, a prepared statement's generic plan would build it again for every row it
    filters and ranks; as one scalar subquery per use, once per use (an InitPlan each: seven for
    three types, 0.1 ms apiece)."""
    head = func.websearch_to_tsquery(_SIMPLE, func.cadenza_unaccent(bindparam("head", type_=String)), type_=TSQUERY)
    if mode is PrefixMode.NONE:
        return head
    prefix = func.cadenza_prefix_query(bindparam("prefix", type_=String), type_=TSQUERY)  # migration 0008
    if mode is PrefixMode.ONLY:
        return prefix
    return head.op("&&" if mode is PrefixMode.AND else "||", return_type=TSQUERY)(prefix)


def _escaped(text: ColumnElement[Any]) -> ColumnElement[Any]:
    """HTML-escaped text: PostgreSQL's parser reads entities as tokens of their own, not words."""
    for raw, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = func.replace(text, literal_column(f"'{raw}'"), literal_column(f"'{entity}'"))
    return text


def _hits_of(source: SearchSource, query: ColumnElement[Any]) -> Select[Any]:
    """The visible rows of ``source`` that match, ranked: only what ordering and counting need
    (the source as its place in ``SOURCES``: an integer sorts faster than its name)."""
    t = source.table
    return select(
        literal_column(str(_ORDINAL[source.type]), Integer).label("source"),
        t.c.id.label("id"),
        func.ts_rank(t.c.search_vector, query).label("score"),
    ).where(t.c.search_vector.op("@@")(query), source.visible(t))


def _shown_of(source: SearchSource, page: Any) -> Select[Any]:
    """The page's rows of ``source`` with their title and the text their snippet is cut from."""
    t = source.table
    # The title leads, so a match in it is highlighted too; then the columns that say more.
    document = func.concat_ws(literal_column("' · '"), t.c[source.title], *(t.c[name] for name in source.snippet))
    return select(
        literal_column(f"'{source.type}'", String).label("type"),
        page.c.source,
        page.c.id,
        page.c.score,
        func.coalesce(t.c[source.title], literal_column("''")).label("title"),  # a song may have none yet
        document.label("document"),
    ).select_from(page.join(t, and_(page.c.source == literal_column(str(_ORDINAL[source.type])), t.c.id == page.c.id)))


@functools.cache
def _search(types: tuple[str, ...], mode: PrefixMode) -> CompiledRead:
    def build() -> Select[Any]:
        question = select(tsquery(mode).label("query")).cte("question")
        query = select(question.c.query).scalar_subquery()
        hits = union_all(*(_hits_of(SOURCES[name], query) for name in types)).cte("hits")
        total = select(func.count()).select_from(hits).scalar_subquery()
        order = (hits.c.score.desc(), hits.c.source, hits.c.id)
        ranked = (
            select(hits)
            .order_by(*order)
            .limit(bindparam("limit", type_=Integer))
            .offset(bindparam("offset", type_=Integer))
            .cte("ranked")
        )
        page = union_all(*(_shown_of(SOURCES[name], ranked) for name in types)).subquery("page")
        snippet = func.ts_headline(
            literal_column("'cadenza_search'::regconfig"),
            _escaped(func.left(page.c.document, literal_column(str(SNIPPET_SOURCE_CHARACTERS)))),
            query,
            literal_column(f"'{HEADLINE_OPTIONS}'"),
        )
        item = func.json_build_object(
            literal_column("'type'"), page.c.type,
            literal_column("'id'"), page.c.id,
            literal_column("'title'"), page.c.title,
            literal_column("'snippet'"), snippet,
            literal_column("'score'"), page.c.score,
        )  # fmt: skip
        ordered = aggregate_order_by(item, page.c.score.desc(), page.c.source, page.c.id)
        items = select(func.coalesce(func.json_agg(ordered), literal_column("'[]'"))).scalar_subquery()
        return select(caller_json(SUB), total, as_text(items))

    return CompiledRead(build)


async def search(
    db: ReadDatabase,
    caller_id: uuid.UUID | None,
    text: SearchText,
    types: Sequence[str],
    *,
    limit: int,
    offset: int = 0,
) -> tuple[CallerRow | None, int, list[SearchHit]]:
    """The caller's account, how many visible rows of ``types`` match ``text``, and one page of them."""
    ordered = tuple(name for name in SOURCES if name in types)
    read = _search(ordered, text.mode)
    params = {"sub": caller_id, "head": text.head, "prefix": text.prefix, "limit": limit, "offset": offset}
    caller, total, items = await db.fetch_row(read, **params)
    return decode(caller, CallerRow), total, msgspec.json.decode(items, type=list[SearchHit])


__all__ = ["HEADLINE_OPTIONS", "SearchHit", "search", "tsquery"]
