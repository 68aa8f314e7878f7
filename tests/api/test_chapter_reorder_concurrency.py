"""Two teachers reordering one course at once (real PostgreSQL): no duplicate or missing position.

Each request locks the course row, so moves, inserts and deletes of one course run one after
the other; the deferrable unique constraint lets each shift be one UPDATE.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.api.learning_support import chapter, course, expect, titles
from tests.e2e.api import Account, Api
from tests.e2e.authz_support import admin as make_admin
from tests.e2e.authz_support import verified

pytestmark = pytest.mark.api

CHAPTERS = 12
ROUNDS = 25


def _reorder(api: Api, editor: Account, ids: list[str], seed: int) -> list[int]:
    """Move random chapters to random places, now and then add one at a random place; the statuses."""
    rng = random.Random(seed)
    statuses = []
    for i in range(ROUNDS):
        if i % 8 == 7:
            r = api.http.post(
                f"/api/v1/courses/{editor.course_id}/chapters",  # type: ignore[attr-defined]
                headers=editor.headers,
                json={"title": f"new-{seed}-{i}", "position": rng.randint(1, CHAPTERS)},
            )
        else:
            r = api.http.patch(
                f"/api/v1/chapters/{rng.choice(ids)}",
                headers=editor.headers,
                json={"position": rng.randint(1, CHAPTERS)},
            )
        statuses.append(r.status_code)
    return statuses


def test_concurrent_reorders_keep_positions_dense_and_unique(api: Api, base_env: dict[str, str]) -> None:
    teacher = verified(api, base_env, "teacher")
    admin = make_admin(api, base_env)
    course_id = course(api, teacher)["id"]
    ids = [chapter(api, teacher, course_id, f"c{i}")["id"] for i in range(CHAPTERS)]
    for editor in (teacher, admin):
        editor.course_id = course_id  # type: ignore[attr-defined]
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = list(pool.map(lambda job: _reorder(api, *job), [(teacher, ids, 1), (admin, ids, 2)]))
    assert all(status in (200, 201) for statuses in done for status in statuses), done
    names = titles(api, teacher, course_id)  # asserts positions are exactly 1..n
    assert len(names) == len(set(names)) == CHAPTERS + 2 * (ROUNDS // 8)
    # Deleting while the other teacher moves: still dense.
    with ThreadPoolExecutor(max_workers=2) as pool:
        deletes = pool.submit(
            lambda: [api.http.delete(f"/api/v1/chapters/{i}", headers=teacher.headers) for i in ids[:6]]
        )
        moves = pool.submit(lambda: _reorder(api, admin, ids[6:], 3))
        assert all(r.status_code == 204 for r in deletes.result())
        assert all(s in (200, 201, 404) for s in moves.result())
    expect(api.http.get(f"/api/v1/courses/{course_id}/chapters", headers=teacher.headers), 200)
    assert len(titles(api, teacher, course_id)) == len(names) - 6 + (ROUNDS // 8)
