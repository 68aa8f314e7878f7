"""Assignment submissions over HTTP: the student's recording through the pipeline, seen by the
teacher; replacing, withdrawing, grading (with a notification), and a course deleted."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.api.conftest import InlineApi
from tests.api.quiz_support import (  # noqa: F401 - the fixtures
    block,
    course,
    enroll,
    expect_error,
    replace,
    student_fixture,
    submit,
    teacher_fixture,
)
from tests.e2e.api import Account, Api
from tests.e2e.auth_support import sql
from tests.e2e.authz_support import notifications, verified
from tests.statement_count import counted_statements

pytestmark = pytest.mark.api


def _listing(api: Api, caller: Account, block_id: str) -> list[dict]:
    r = api.http.get(f"/api/v1/blocks/{block_id}/submissions", headers=caller.headers)
    assert r.status_code == 200, r.text
    assert r.json()["total"] == len(r.json()["items"])
    return r.json()["items"]


def test_a_submission_is_processed_and_the_teacher_watches_it(
    api: InlineApi, base_env: dict[str, str], teacher: Account, student: Account, clip_small: Path
) -> None:
    db = base_env["DATABASE_URL"]
    c = course(db, teacher)
    enroll(db, c, student)
    block_id = block(db, c)

    r = submit(api, student, block_id, clip_small, note="second take, slower")
    assert r.status_code == 202, r.text
    body = r.json()
    assert (body["block_id"], body["status"], body["note"], body["grade"]) == (
        block_id,
        "processing",
        "second take, slower",
        None,
    )
    assert body["student"] == {"id": student.id, "username": student.username, "display_name": None}
    job = api.wait_job(student, body["job_id"])  # the same pipeline as any upload, run in-process
    assert job["state"] == "succeeded", job

    recording = api.recording(teacher, body["recording_id"])  # the teacher sees the student's recording
    assert (recording["owner_id"], recording["status"], recording["permissions"]) == (student.id, "ready", ["view"])
    assert {r["name"] for r in recording["renditions"]} >= {"sd"}
    stranger = verified(api, base_env, "teacher")
    assert api.http.get(f"/api/v1/recordings/{body['recording_id']}", headers=stranger.headers).status_code == 404

    # The course's teacher comments on the work's timeline and reads the thread back; a stranger cannot.
    comments = f"/api/v1/recordings/{body['recording_id']}/comments"
    r = api.http.post(comments, json={"body": "watch the bow", "at_seconds": 1.0}, headers=teacher.headers)
    assert r.status_code == 201, r.text
    listed = api.http.get(comments, headers=teacher.headers)
    assert listed.status_code == 200, listed.text
    assert [c["body"] for c in listed.json()["items"]] == ["watch the bow"]
    assert api.http.get(comments, headers=stranger.headers).status_code == 404

    [item] = _listing(api, teacher, block_id)
    assert (item["id"], item["status"], item["job_id"]) == (body["id"], "ready", body["job_id"])
    expect_error(submit(api, student, block_id), 409, "already_submitted")


def test_the_teacher_lists_everyones_a_student_their_own_in_one_statement(
    api: Api, base_env: dict[str, str], teacher: Account, student: Account
) -> None:
    db = base_env["DATABASE_URL"]
    c = course(db, teacher)
    block_id = block(db, c)
    students = [student, verified(api, base_env), verified(api, base_env)]
    for s in students:
        enroll(db, c, s)
        assert submit(api, s, block_id).status_code == 202
    assert {i["student"]["id"] for i in _listing(api, teacher, block_id)} == {s.id for s in students}
    assert [i["student"]["id"] for i in _listing(api, student, block_id)] == [student.id]

    with counted_statements() as statements:
        r = api.http.get(f"/api/v1/blocks/{block_id}/submissions", headers=teacher.headers, params={"limit": 2})
    assert (r.status_code, r.json()["total"], len(r.json()["items"])) == (200, 3, 2)
    assert len(statements) == 1, statements


def test_only_assignment_blocks_take_work(
    api: Api, base_env: dict[str, str], teacher: Account, student: Account
) -> None:
    db = base_env["DATABASE_URL"]
    c = course(db, teacher)
    enroll(db, c, student)
    expect_error(submit(api, student, block(db, c, "text")), 422, "not_an_assignment")
    expect_error(submit(api, student, "00000000-0000-0000-0000-000000000000"), 404, "block_not_found")
    long_note = submit(api, student, block(db, c), note="x" * 5001)
    expect_error(long_note, 422, "validation_error")


def test_replacing_the_file_makes_a_new_recording_and_deletes_the_old(
    api: Api, base_env: dict[str, str], teacher: Account, student: Account
) -> None:
    db = base_env["DATABASE_URL"]
    c = course(db, teacher)
    enroll(db, c, student)
    first = submit(api, student, block(db, c), note="first").json()
    graded = api.http.patch(f"/api/v1/submissions/{first['id']}", headers=teacher.headers, json={"grade": 40})
    assert graded.json()["grade"] == 40

    r = replace(api, student, first["id"])
    assert r.status_code == 202, r.text
    second = r.json()
    assert second["id"] == first["id"] and second["recording_id"] != first["recording_id"]
    assert second["job_id"] != first["job_id"] and second["status"] == "processing"
    assert (second["note"], second["grade"]) == ("first", None)  # the new work is not graded yet
    assert api.http.get(f"/api/v1/recordings/{first['recording_id']}", headers=student.headers).status_code == 404
    assert api.recording(student, second["recording_id"])["owner_id"] == student.id
    expect_error(replace(api, teacher, first["id"]), 403, "not_submitter")


def test_grading_notifies_the_student_once_per_verdict(
    api: Api, base_env: dict[str, str], teacher: Account, student: Account
) -> None:
    db = base_env["DATABASE_URL"]
    c = course(db, teacher)
    enroll(db, c, student)
    submission = submit(api, student, block(db, c)).json()
    url = f"/api/v1/submissions/{submission['id']}"

    verdict = {"grade": 85, "feedback": "Good tone; watch the tempo in bar 12."}
    for _ in range(2):  # a retried PATCH notifies once
        r = api.http.patch(url, headers=teacher.headers, json=verdict)
        assert (r.status_code, r.json()["grade"], r.json()["feedback"]) == (200, 85, verdict["feedback"]), r.text
    [notice] = notifications(api, student, "submission.graded")
    assert notice["data"] == {"submission_id": submission["id"], "block_id": submission["block_id"], "grade": 85}
    api.http.patch(url, headers=teacher.headers, json={"grade": 90})
    assert len(notifications(api, student, "submission.graded")) == 2

    expect_error(api.http.patch(url, headers=teacher.headers, json={"grade": 101}), 422, "validation_error")
    expect_error(api.http.patch(url, headers=student.headers, json={"grade": 100}), 403, "not_course_teacher")
    assert [i["grade"] for i in _listing(api, student, submission["block_id"])] == [90]


def test_withdrawing_or_deleting_the_course_leaves_the_recording_to_the_student(
    api: Api, base_env: dict[str, str], teacher: Account, student: Account
) -> None:
    db = base_env["DATABASE_URL"]
    c = course(db, teacher)
    enroll(db, c, student)
    withdrawn = submit(api, student, block(db, c)).json()
    kept = submit(api, student, block(db, c)).json()

    expect_error(
        api.http.delete(f"/api/v1/submissions/{withdrawn['id']}", headers=teacher.headers), 403, "not_submitter"
    )
    assert api.http.delete(f"/api/v1/submissions/{withdrawn['id']}", headers=student.headers).status_code == 204
    assert _listing(api, student, withdrawn["block_id"]) == []
    assert api.recording(student, withdrawn["recording_id"])["owner_id"] == student.id

    assert api.http.delete(f"/api/v1/courses/{c.id}", headers=teacher.headers).status_code == 204
    r = api.http.patch(f"/api/v1/submissions/{kept['id']}", headers=teacher.headers, json={"grade": 1})
    expect_error(r, 404, "submission_not_found")
    assert api.recording(student, kept["recording_id"])["owner_id"] == student.id
    # ... and the teacher of the gone course no longer sees it
    assert api.http.get(f"/api/v1/recordings/{kept['recording_id']}", headers=teacher.headers).status_code == 404


def test_work_handed_in_after_the_due_time_is_taken_and_marked_late(
    api: Api, base_env: dict[str, str], teacher: Account, student: Account
) -> None:
    db = base_env["DATABASE_URL"]
    c = course(db, teacher)
    enroll(db, c, student)
    past, future, undated = block(db, c), block(db, c), block(db, c)
    sql(db, "UPDATE content_blocks SET due_at = now() - interval '1 day' WHERE id = $1", uuid.UUID(past))
    sql(db, "UPDATE content_blocks SET due_at = now() + interval '1 day' WHERE id = $1", uuid.UUID(future))

    # When the student hands work in to each block
    blocks = {"past": past, "future": future, "none": undated}
    handed = {name: submit(api, student, block_id).json() for name, block_id in blocks.items()}

    # Then the late one is taken (202) and marked, in its answer and in the teacher's list
    assert {name: body["late"] for name, body in handed.items()} == {"past": True, "future": False, "none": False}
    assert all(body["handed_in_at"] for body in handed.values())
    [listed] = _listing(api, teacher, past)
    assert (listed["late"], listed["handed_in_at"]) == (True, handed["past"]["handed_in_at"])
    [on_time] = _listing(api, teacher, future)
    assert on_time["late"] is False

    # And a file replaced after the due time is work handed in late
    sql(db, "UPDATE content_blocks SET due_at = now() - interval '1 second' WHERE id = $1", uuid.UUID(future))
    replaced = replace(api, student, handed["future"]["id"]).json()
    assert replaced["late"] is True and replaced["handed_in_at"] > handed["future"]["handed_in_at"]
    [listed] = _listing(api, teacher, future)
    assert listed["late"] is True
