"""Chapters and content blocks (DESIGN §10): order kept dense, neighbours, safe Markdown, media blocks."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.conftest import InlineApi
from tests.api.learning_support import chapter, course, enroll, expect, titles
from tests.e2e.api import Account, Api
from tests.e2e.authz_support import unprocessable_recording, verified

pytestmark = pytest.mark.api


@pytest.fixture
def teacher(api: Api, base_env: dict[str, str]) -> Account:
    return verified(api, base_env, "teacher")


@pytest.fixture
def course_id(api: Api, teacher: Account) -> str:
    return course(api, teacher)["id"]


def _chapters(api: Api, teacher: Account, course_id: str, *names: str) -> dict[str, str]:
    return {name: chapter(api, teacher, course_id, name)["id"] for name in names}


def test_chapters_append_and_insert_at_a_position_shifting_the_others(
    api: Api, teacher: Account, course_id: str
) -> None:
    _chapters(api, teacher, course_id, "A", "B", "C")
    assert chapter(api, teacher, course_id, "first", position=1)["position"] == 1
    chapter(api, teacher, course_id, "third", position=3)
    chapter(api, teacher, course_id, "far", position=99)  # past the end: last
    assert titles(api, teacher, course_id) == ["first", "A", "third", "B", "C", "far"]


@pytest.mark.parametrize(
    ("name", "to", "order"),
    [("D", 1, "DABCE"), ("A", 5, "BCDEA"), ("B", 4, "ACDBE"), ("D", 2, "ADBCE"), ("C", 3, "ABCDE"), ("B", 50, "ACDEB")],
)
def test_patch_position_moves_a_chapter_and_shifts_those_between(
    api: Api, teacher: Account, course_id: str, name: str, to: int, order: str
) -> None:
    ids = _chapters(api, teacher, course_id, *"ABCDE")
    r = api.http.patch(f"/api/v1/chapters/{ids[name]}", headers=teacher.headers, json={"position": to})
    assert expect(r, 200)["position"] == order.index(name) + 1
    assert "".join(titles(api, teacher, course_id)) == order


def test_deleting_a_chapter_closes_the_gap(api: Api, teacher: Account, course_id: str) -> None:
    ids = _chapters(api, teacher, course_id, *"ABCD")
    expect(api.http.delete(f"/api/v1/chapters/{ids['B']}", headers=teacher.headers), 204)
    assert titles(api, teacher, course_id) == ["A", "C", "D"]


def test_next_and_previous_follow_the_order_and_stop_at_the_ends(api: Api, teacher: Account, course_id: str) -> None:
    ids = _chapters(api, teacher, course_id, *"ABC")
    assert expect(api.http.get(f"/api/v1/chapters/{ids['A']}/next", headers=teacher.headers), 200)["title"] == "B"
    assert expect(api.http.get(f"/api/v1/chapters/{ids['C']}/previous", headers=teacher.headers), 200)["title"] == "B"
    expect(api.http.get(f"/api/v1/chapters/{ids['C']}/next", headers=teacher.headers), 404, "no_next_chapter")
    expect(api.http.get(f"/api/v1/chapters/{ids['A']}/previous", headers=teacher.headers), 404, "no_previous_chapter")


def test_markdown_is_rendered_to_safe_html(api: Api, teacher: Account, course_id: str) -> None:
    nasty = "# Bowing\n\n<script>alert(1)</script> **slow** [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    ch = chapter(api, teacher, course_id, "A", content=nasty)
    html = ch["content_html"]
    assert "<h1>Bowing</h1>" in html and "<strong>slow</strong>" in html
    assert "<script" not in html and 'href="javascript' not in html and "<img" not in html  # all left as text
    assert "&lt;script&gt;" in html
    assert ch["content"] == nasty
    r = api.http.post(
        f"/api/v1/chapters/{ch['id']}/blocks",
        headers=teacher.headers,
        json={"kind": "text", "title": "t", "body": nasty},
    )
    block = expect(r, 201)
    assert "<script" not in block["body_html"] and "<strong>slow</strong>" in block["body_html"]


def _block(api: Api, teacher: Account, chapter_id: str, title: str, **fields: object) -> dict:
    body = {"kind": "text", "title": title, **fields}
    return expect(api.http.post(f"/api/v1/chapters/{chapter_id}/blocks", headers=teacher.headers, json=body), 201)


def _block_titles(api: Api, caller: Account, chapter_id: str) -> str:
    items = expect(api.http.get(f"/api/v1/chapters/{chapter_id}/blocks", headers=caller.headers), 200)["items"]
    assert [b["position"] for b in items] == list(range(1, len(items) + 1))
    return "".join(b["title"] for b in items)


def test_blocks_are_ordered_inside_their_chapter(api: Api, teacher: Account, course_id: str) -> None:
    chapter_id = chapter(api, teacher, course_id, "A")["id"]
    ids = {t: _block(api, teacher, chapter_id, t)["id"] for t in "ABCD"}
    _block(api, teacher, chapter_id, "X", position=2)
    assert _block_titles(api, teacher, chapter_id) == "AXBCD"
    expect(api.http.patch(f"/api/v1/blocks/{ids['D']}", headers=teacher.headers, json={"position": 1}), 200)
    assert _block_titles(api, teacher, chapter_id) == "DAXBC"
    expect(api.http.delete(f"/api/v1/blocks/{ids['A']}", headers=teacher.headers), 204)
    assert _block_titles(api, teacher, chapter_id) == "DXBC"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": "video"}, "recording_required"),
        ({"kind": "quiz"}, "quiz_required"),
        ({"kind": "text", "quiz_id": "00000000-0000-4000-8000-000000000000"}, "quiz_not_allowed"),
        ({"kind": "audio", "recording_id": "00000000-0000-4000-8000-000000000000"}, "unknown_recording"),
        ({"kind": "poem"}, None),
    ],
)
def test_bad_blocks_are_refused_with_a_code(
    api: Api, teacher: Account, course_id: str, fields: dict, code: str | None
) -> None:
    chapter_id = chapter(api, teacher, course_id, "A")["id"]
    r = api.http.post(f"/api/v1/chapters/{chapter_id}/blocks", headers=teacher.headers, json={"title": "t", **fields})
    assert r.status_code == 422 or (code is None and 400 <= r.status_code < 500), r.text
    if code:
        assert r.json()["error_code"] == code


def test_media_blocks_need_a_ready_recording_the_teacher_may_view(
    api: InlineApi, base_env: dict[str, str], teacher: Account, course_id: str, clip_small: Path
) -> None:
    chapter_id = chapter(api, teacher, course_id, "A")["id"]
    _, ready = api.process(teacher, clip_small, title="demo")
    video = _block(api, teacher, chapter_id, "demo", kind="video", recording_id=ready["id"])
    assert video["recording_id"] == ready["id"]
    # Enrolled students get the media (signed URLs) with the block, though the recording is not shared with them.
    student = verified(api, base_env)
    expect(api.http.get(f"/api/v1/recordings/{ready['id']}", headers=student.headers), 404)
    expect(enroll(api, student, course_id), 201)
    (item,) = expect(api.http.get(f"/api/v1/chapters/{chapter_id}/blocks", headers=student.headers), 200)["items"]
    assert item["media"]["id"] == ready["id"] and item["media"]["job_id"] is None
    rendition = item["media"]["renditions"][0]
    media = api.http.get(rendition["url"], headers={"Range": "bytes=0-99"})
    assert media.status_code == 206 and len(media.content) == 100
    failed = unprocessable_recording(api, teacher)  # still processing here (then it would fail)
    r = api.http.post(
        f"/api/v1/chapters/{chapter_id}/blocks",
        headers=teacher.headers,
        json={"kind": "video", "title": "x", "recording_id": failed},
    )
    expect(r, 422, "recording_not_ready")
    someone_elses = unprocessable_recording(api, verified(api, base_env))
    r = api.http.post(
        f"/api/v1/chapters/{chapter_id}/blocks",
        headers=teacher.headers,
        json={"kind": "file", "title": "x", "recording_id": someone_elses},
    )
    expect(r, 403, "recording_not_accessible")


def test_students_read_content_only_once_enrolled(
    api: Api, base_env: dict[str, str], teacher: Account, course_id: str
) -> None:
    ch = chapter(api, teacher, course_id, "A", content="hello")
    student = verified(api, base_env)
    assert titles(api, None, course_id) == ["A"]  # the outline is public
    expect(api.http.get(f"/api/v1/chapters/{ch['id']}", headers=student.headers), 403, "not_enrolled")
    expect(enroll(api, student, course_id), 201)
    assert expect(api.http.get(f"/api/v1/chapters/{ch['id']}", headers=student.headers), 200)["content"] == "hello"
