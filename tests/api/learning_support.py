"""Courses, chapters and enrolments made through the API, for the learning tests."""

from __future__ import annotations

import uuid

import httpx

from tests.e2e.api import Account, Api


def expect(r: httpx.Response, status: int, code: str | None = None) -> dict:
    """Assert the status (and error code); the JSON body, if any."""
    body = r.json() if r.content else {}
    got = (r.status_code, body.get("error_code")) if code else r.status_code
    assert got == ((status, code) if code else status), r.text
    return body


def course(api: Api, teacher: Account, **fields: object) -> dict:
    body = {"title": f"Course {uuid.uuid4().hex[:6]}", "is_published": True, **fields}
    return expect(api.http.post("/api/v1/courses", headers=teacher.headers, json=body), 201)


def chapter(api: Api, teacher: Account, course_id: str, title: str, **fields: object) -> dict:
    r = api.http.post(f"/api/v1/courses/{course_id}/chapters", headers=teacher.headers, json={"title": title, **fields})
    return expect(r, 201)


def titles(api: Api, caller: Account | None, course_id: str) -> list[str]:
    """The course's chapter titles in order, checking positions are 1..n."""
    headers = caller.headers if caller else {}
    items = expect(api.http.get(f"/api/v1/courses/{course_id}/chapters", headers=headers, params={"limit": 100}), 200)[
        "items"
    ]
    assert [c["position"] for c in items] == list(range(1, len(items) + 1))
    return [c["title"] for c in items]


def enroll(api: Api, caller: Account, course_id: str, **body: object) -> httpx.Response:
    return api.http.post(f"/api/v1/courses/{course_id}/enrollments", headers=caller.headers, json=body or None)


def complete(api: Api, caller: Account, chapter_id: str) -> httpx.Response:
    return api.http.post(f"/api/v1/chapters/{chapter_id}/complete", headers=caller.headers)
