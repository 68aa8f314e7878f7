"""Benchmark: full-text search (the API's one statement) against the same question asked with ILIKE.

A fresh database gets ``100,000 × SCALE`` songs, ``10,000 × SCALE`` artists and ``1,000 × SCALE``
courses (``bench/search_seed.py``, inside PostgreSQL). Each question is asked of songs, artists and
courses as an anonymous caller, ``ROUNDS`` times, alternating the two ways so drift on a shared
machine hits both:

- ``search``: ``storage.repositories.search.search``, exactly what ``GET /api/v1/search`` runs
  (GIN indexes, ranked, snippets, the caller's row), on the read pool;
- ``ILIKE``: every word as ``%word%`` against the same columns (no accents folded, no ranking:
  the cheapest form of the question), ordered by title, count and first page in one statement.

Prints p50/p95 of each and the p95 ratio (goal: search at least 20× faster; printed, never
asserted), how many rows each found, and the ``EXPLAIN ANALYZE`` of one search with the GIN
indexes in use. Environment: ``DATABASE_URL`` (``make bench`` sets it), ``BENCH_SEARCH_SCALE``
(default 1; 0.05 for a quick proof), ``BENCH_SEARCH_ROUNDS`` (default 30: 300 samples a way, so
the p95 is not decided by two or three of the broad question's samples on a noisy machine).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time

import asyncpg

from bench.common import fresh_database, require_env, table
from bench.search_seed import seed
from storage.db import ReadDatabase
from storage.repositories.search import _search, search
from storage.repositories.search_text import split_search_text

SCALE = float(os.environ.get("BENCH_SEARCH_SCALE", "1"))
ROUNDS = int(os.environ.get("BENCH_SEARCH_ROUNDS", "30"))
GOAL = 20.0
TYPES = ("course", "song", "artist")
#: What people type: names of works and people, often half typed. Two more come from the data:
#: a work's own name, whole and as its first four letters.
QUESTIONS = [
    "moonlight sona",
    "appassionata",
    "dvorak new world",
    "janacek",
    "saint saens rom",
    "chopin raindrop prelude",
    "barcarolle f sharp",
    "winter wind etude",
]

#: The same question with ILIKE: every word somewhere in the same columns, anonymous visibility.
ILIKE = """
WITH hits AS (
    SELECT 'course' AS type, id, title FROM courses
    WHERE is_published AND concat_ws(' ', title, instrument, level, description) ILIKE ALL ($1::text[])
    UNION ALL
    SELECT 'song', id, title FROM songs WHERE title ILIKE ALL ($1::text[])
    UNION ALL
    SELECT 'artist', id, name FROM artists WHERE concat_ws(' ', name, bio) ILIKE ALL ($1::text[])
)
SELECT (SELECT count(*) FROM hits),
       (SELECT json_agg(page) FROM (SELECT * FROM hits ORDER BY title, id LIMIT 10) AS page)::text
"""


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _measure(url: str) -> dict[str, object]:
    plain = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    sizes = {"songs": round(100_000 * SCALE), "artists": round(10_000 * SCALE), "courses": round(1_000 * SCALE)}
    conn = await asyncpg.connect(plain)
    pool = await asyncpg.create_pool(plain, min_size=1, max_size=1)
    reads = ReadDatabase(pool)
    try:
        started = time.monotonic()
        await seed(conn, **sizes)
        print(f"seeded {sizes} in {time.monotonic() - started:.1f} s")

        async def fts(question: str) -> int:
            _, total, _ = await search(reads, None, split_search_text(question), TYPES, limit=10)
            return total

        async def ilike(question: str) -> int:
            patterns = [f"%{word}%" for word in question.split()]
            total, _ = await conn.fetchrow(ILIKE, patterns)
            return int(total)

        work = await conn.fetchval("SELECT split_part(title, ' (', 1) FROM songs ORDER BY id LIMIT 1")
        questions = [*QUESTIONS, work.rsplit(" ", 1)[-1].lower(), work.rsplit(" ", 1)[-1].lower()[:4]]
        ways = {"search": fts, "ILIKE": ilike}
        found = {name: {q: await way(q) for q in questions} for name, way in ways.items()}  # also warms up
        samples: dict[str, dict[str, list[float]]] = {name: {q: [] for q in questions} for name in ways}
        for _ in range(ROUNDS):
            for question in questions:
                for name, way in ways.items():
                    t0 = time.perf_counter()
                    await way(question)
                    samples[name][question].append((time.perf_counter() - t0) * 1000)

        text = split_search_text(QUESTIONS[0])
        sql, args = _search(TYPES, text.mode).bind(
            {"sub": None, "head": text.head, "prefix": text.prefix, "limit": 10, "offset": 0}
        )
        plan = [row[0] for row in await conn.fetch(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", *args)]
    finally:
        await pool.close()
        await conn.close()

    every = {name: [ms for q in questions for ms in by_question[q]] for name, by_question in samples.items()}
    p = {name: (statistics.median(s), _percentile(s, 0.95)) for name, s in every.items()}
    ratio = p["ILIKE"][1] / p["search"][1]
    print(f"\n{len(questions)} questions × {ROUNDS} rounds, one connection each, anonymous caller, types {TYPES}")
    per_question = [
        [q, found["search"][q], found["ILIKE"][q]]
        + [f"{statistics.median(samples[name][q]):.2f}" for name in ways]
        for q in questions
    ]
    print(table(["question", "search hits", "ILIKE hits", "search p50 ms", "ILIKE p50 ms"], per_question))
    print()
    rows = [[name, f"{p50:.2f}", f"{p95:.2f}"] for name, (p50, p95) in p.items()]
    print(table(["way", "p50 ms", "p95 ms"], rows))
    verdict = "met" if ratio >= GOAL else "NOT met"
    print(f"\np95: search is {ratio:.1f}x faster than ILIKE (goal {GOAL:.0f}x: {verdict})")
    print(f"\nEXPLAIN ANALYZE of the search for {QUESTIONS[0]!r}:")
    print("\n".join(plan))
    gin = sorted({line.split(" on ")[1].split()[0] for line in plan if "Bitmap Index Scan on" in line})
    print(f"\nGIN indexes in the plan: {', '.join(gin) or 'none'}")
    return {
        "bench": "search",
        **sizes,
        "rounds": ROUNDS,
        "search_p50_ms": round(p["search"][0], 3),
        "search_p95_ms": round(p["search"][1], 3),
        "ilike_p50_ms": round(p["ILIKE"][0], 3),
        "ilike_p95_ms": round(p["ILIKE"][1], 3),
        "p95_ratio": round(ratio, 1),
        "goal": GOAL,
        "gin_indexes_used": gin,
    }


def main() -> dict[str, object]:
    env = require_env("DATABASE_URL")
    with fresh_database(env["DATABASE_URL"], prefix="cadenza_bench_search") as url:
        return asyncio.run(_measure(url))
