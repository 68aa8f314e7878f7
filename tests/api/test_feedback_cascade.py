"""Deleting a recording removes its comments, assessments, share links and views with it."""

from __future__ import annotations

import pytest

from tests.api.feedback_support import comment, count_rows, made, reply, timed_recording
from tests.e2e.api import Api
from tests.e2e.authz_support import link, share, verified

pytestmark = pytest.mark.api

TABLES = ("comments", "assessments", "share_links", "recording_views")


def test_deleting_a_recording_removes_its_feedback(api: Api, base_env: dict[str, str]) -> None:
    student, teacher = verified(api, base_env), verified(api, base_env, "teacher")
    link(api, student, teacher)
    recording_id = timed_recording(api, base_env, student)
    kept = timed_recording(api, base_env, student)  # another recording's feedback stays
    for rid in (recording_id, kept):
        assert share(api, student, rid, teacher).status_code == 201
        thread = made(comment(api, teacher, rid, 2.0))
        made(reply(api, student, thread["id"]))
        path = f"/api/v1/recordings/{rid}"
        assert api.http.post(f"{path}/assessments", headers=teacher.headers, json={"rating": 4}).status_code == 201
        assert api.http.post(f"{path}/links", headers=student.headers, json={"expires_in_seconds": 60}).status_code == 201
        assert api.http.get(path, headers=teacher.headers).status_code == 200  # a view
    assert {t: count_rows(base_env, t, recording_id) for t in TABLES} == dict.fromkeys(TABLES, 1) | {"comments": 2}

    assert api.http.delete(f"/api/v1/recordings/{recording_id}", headers=student.headers).status_code == 204
    assert {t: count_rows(base_env, t, recording_id) for t in TABLES} == dict.fromkeys(TABLES, 0)
    assert {t: count_rows(base_env, t, kept) for t in TABLES} == dict.fromkeys(TABLES, 1) | {"comments": 2}
