"""Teachers assess their students' recordings; students, their teachers and admins follow the progress."""

from __future__ import annotations

import uuid

import pytest

from tests.api.feedback_support import error, made, timed_recording
from tests.e2e.api import Account, Api
from tests.e2e.auth_support import sql
from tests.e2e.authz_support import link, notifications, share, verified

pytestmark = pytest.mark.api


def assess(api: Api, teacher: Account, recording_id: str, **scores: object) -> object:
    return api.http.post(f"/api/v1/recordings/{recording_id}/assessments", headers=teacher.headers, json=scores)


def test_a_teacher_assesses_and_the_progress_shows_series_and_averages(api: Api, base_env: dict[str, str]) -> None:
    student, teacher = verified(api, base_env), verified(api, base_env, "teacher")
    relationship_id = link(api, student, teacher)
    first, second = timed_recording(api, base_env, student), timed_recording(api, base_env, student)
    for recording_id in (first, second):
        assert share(api, student, recording_id, teacher).status_code == 201

    a1 = made(assess(api, teacher, first, rating=3, technique=40, rhythm=55, notes="steady tempo"))
    a2 = made(assess(api, teacher, second, rating=4, technique=61, musicality=70))
    assert (a1["student_id"], a1["teacher"]["id"], a1["notes"]) == (student.id, teacher.id, "steady tempo")
    [told, _] = notifications(api, student, "assessment.created")
    assert told["data"]["recording_id"] == second and told["data"]["assessment_id"] == a2["id"]
    assert notifications(api, teacher, "assessment.created") == []

    r = api.http.get(f"/api/v1/recordings/{first}/assessments", headers=student.headers)
    assert r.status_code == 200 and [a["id"] for a in r.json()["items"]] == [a1["id"]], r.text

    for reader in (student, teacher):
        r = api.http.get(f"/api/v1/users/{student.id}/progress", headers=reader.headers)
        assert r.status_code == 200, r.text
        progress = {c["name"]: c for c in r.json()["criteria"]}
        assert r.json()["assessments"] == 2
        assert [p["value"] for p in progress["rating"]["series"]] == [3, 4]
        assert [p["assessment_id"] for p in progress["technique"]["series"]] == [a1["id"], a2["id"]]
        assert (progress["technique"]["average"], progress["rhythm"]["average"]) == (50.5, 55.0)
        assert (progress["overall"]["count"], progress["overall"]["average"]) == (0, None)

    # Once the relationship ends, the teacher neither assesses nor reads the progress
    assert api.http.delete(f"/api/v1/relationships/{relationship_id}", headers=student.headers).status_code == 204
    assert share(api, student, first, teacher).status_code == 201  # still visible to them
    error(assess(api, teacher, first, rating=5), 403, "not_your_student")
    error(api.http.get(f"/api/v1/users/{student.id}/progress", headers=teacher.headers), 403, "not_your_student")


def test_bad_assessments_are_refused_and_nothing_is_written(api: Api, base_env: dict[str, str]) -> None:
    student, teacher = verified(api, base_env), verified(api, base_env, "teacher")
    link(api, student, teacher)
    recording_id = timed_recording(api, base_env, student)
    assert share(api, student, recording_id, teacher).status_code == 201
    for body in ({"rating": 0}, {"rating": 6}, {"rating": 3, "technique": 101}, {"rating": 3, "overall": 0},
                 {}, {"rating": "good"}, {"rating": 3, "mood": 9}):  # fmt: skip
        error(assess(api, teacher, recording_id, **body), 422, "validation_error")
    rows = sql(base_env["DATABASE_URL"], "SELECT count(*) AS n FROM assessments WHERE recording_id = $1",
               uuid.UUID(recording_id))  # fmt: skip
    assert rows[0]["n"] == 0
    error(api.http.get(f"/api/v1/users/{uuid.uuid4()}/progress", headers=teacher.headers), 404, "user_not_found")
