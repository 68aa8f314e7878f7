"""Comments on a moment or a span of a recording: threads, replies, resolving, tombstones, bad input."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from tests.api.feedback_support import comment, count_rows, error, made, reply, threads, timed_recording
from tests.e2e.api import Account, Api
from tests.e2e.auth_support import sql
from tests.e2e.authz_support import admin, notifications, share, verified

pytestmark = pytest.mark.api


@pytest.fixture
def owner(api: Api, base_env: dict[str, str]) -> Account:
    return verified(api, base_env)


@pytest.fixture
def teacher(api: Api, base_env: dict[str, str], owner: Account) -> Account:
    return verified(api, base_env, "teacher")


def test_threads_come_ordered_by_moment_with_their_replies_inline(
    api: Api, base_env: dict[str, str], owner: Account, teacher: Account
) -> None:
    recording_id = timed_recording(api, base_env, owner, 90.0)
    assert share(api, owner, recording_id, teacher).status_code == 201
    late = made(comment(api, teacher, recording_id, 83.5, end_seconds=88.0, category="intonation"))
    early = made(comment(api, teacher, recording_id, 2.0, category="rhythm"))
    middle = made(comment(api, owner, recording_id, 40.0))
    assert (late["author"]["username"], late["end_seconds"], late["replies"], late["reply_count"]) == (
        teacher.username, 88.0, [], 0)  # fmt: skip
    first = made(reply(api, owner, late["id"], "which note?"))
    second = made(reply(api, teacher, first["id"], "the F sharp"))  # a reply to a reply: the same thread
    assert (first["parent_id"], second["parent_id"]) == (late["id"], late["id"])
    assert second["at_seconds"] == 83.5 and second["recording_id"] == recording_id

    page = threads(api, owner, recording_id)
    assert page["total"] == 3
    assert [t["id"] for t in page["items"]] == [early["id"], middle["id"], late["id"]]
    last = page["items"][2]
    assert (last["reply_count"], [r["body"] for r in last["replies"]]) == (2, ["which note?", "the F sharp"])
    assert last["replies"][0]["author"] == {"id": owner.id, "username": owner.username, "display_name": None}

    # Filters and pages apply to threads
    assert [t["id"] for t in threads(api, owner, recording_id, category="rhythm")["items"]] == [early["id"]]
    page = threads(api, owner, recording_id, limit=1, offset=1)
    assert (page["total"], [t["id"] for t in page["items"]]) == (3, [middle["id"]])
    r = api.http.patch(f"/api/v1/comments/{early['id']}", headers=owner.headers, json={"resolved": True})
    assert r.status_code == 200 and r.json()["resolved"] is True, r.text
    assert [t["id"] for t in threads(api, owner, recording_id, resolved="true")["items"]] == [early["id"]]
    assert len(threads(api, owner, recording_id, resolved="false")["items"]) == 2


def test_only_the_author_edits_and_the_author_or_owner_resolves(
    api: Api, base_env: dict[str, str], owner: Account, teacher: Account
) -> None:
    recording_id = timed_recording(api, base_env, owner)
    assert share(api, owner, recording_id, teacher).status_code == 201
    c = made(comment(api, teacher, recording_id, 5.0, category="tone"))
    path = f"/api/v1/comments/{c['id']}"
    r = api.http.patch(path, headers=teacher.headers, json={"body": "listen to bar 3", "category": "expression"})
    assert (r.status_code, r.json()["body"], r.json()["category"]) == (200, "listen to bar 3", "expression"), r.text
    error(api.http.patch(path, headers=owner.headers, json={"body": "no"}), 403, "not_author")
    assert api.http.patch(path, headers=owner.headers, json={"resolved": True}).json()["resolved"] is True
    assert api.http.patch(path, headers=teacher.headers, json={"resolved": False}).json()["resolved"] is False
    r = made(reply(api, owner, c["id"]))
    error(api.http.patch(f"/api/v1/comments/{r['id']}", headers=owner.headers, json={"resolved": True}), 422, "not_a_thread")


def test_a_comment_with_replies_becomes_a_tombstone_and_the_thread_stays(
    api: Api, base_env: dict[str, str], owner: Account, teacher: Account
) -> None:
    recording_id = timed_recording(api, base_env, owner)
    assert share(api, owner, recording_id, teacher).status_code == 201
    thread = made(comment(api, teacher, recording_id, 3.0))
    answer = made(reply(api, owner, thread["id"], "ok"))
    lone = made(comment(api, teacher, recording_id, 9.0))

    assert api.http.delete(f"/api/v1/comments/{thread['id']}", headers=teacher.headers).status_code == 204
    assert api.http.delete(f"/api/v1/comments/{lone['id']}", headers=owner.headers).status_code == 204  # owner
    [kept] = threads(api, owner, recording_id)["items"]
    assert (kept["id"], kept["deleted"], kept["body"], [r["id"] for r in kept["replies"]]) == (
        thread["id"], True, None, [answer["id"]])  # fmt: skip
    error(api.http.patch(f"/api/v1/comments/{thread['id']}", headers=teacher.headers, json={"body": "x"}), 409,
          "comment_deleted")  # fmt: skip
    # When the tombstone's last reply goes, nothing is left to keep
    moderator = admin(api, base_env)
    assert api.http.delete(f"/api/v1/comments/{answer['id']}", headers=moderator.headers).status_code == 204
    assert threads(api, owner, recording_id)["total"] == 0
    assert count_rows(base_env, "comments", recording_id) == 0


def test_comments_notify_the_owner_and_replies_the_threads_other_participants(
    api: Api, base_env: dict[str, str], owner: Account, teacher: Account
) -> None:
    recording_id = timed_recording(api, base_env, owner, 90.0)
    other = verified(api, base_env)
    for viewer in (teacher, other):
        assert share(api, owner, recording_id, viewer).status_code == 201
    c = made(comment(api, teacher, recording_id, 83.5))
    [created] = notifications(api, owner, "comment.created")
    assert {k: created["data"][k] for k in ("recording_id", "comment_id", "at_seconds")} == {
        "recording_id": recording_id, "comment_id": c["id"], "at_seconds": 83.5}  # fmt: skip
    made(comment(api, owner, recording_id, 4.0))  # the owner's own comment tells nobody
    assert len(notifications(api, owner, "comment.created")) == 1
    assert notifications(api, teacher, "comment.created") == []

    first = made(reply(api, other, c["id"]))  # tells the teacher (the thread's author), not the replier
    [replied] = notifications(api, teacher, "comment.replied")
    assert (replied["data"]["comment_id"], replied["data"]["recording_id"], replied["data"]["at_seconds"]) == (
        first["id"], recording_id, 83.5)  # fmt: skip
    assert notifications(api, other, "comment.replied") == []
    assert notifications(api, owner, "comment.replied") == []  # the owner is not in this thread
    made(reply(api, teacher, first["id"]))  # tells the other participant only
    assert len(notifications(api, other, "comment.replied")) == 1
    assert len(notifications(api, teacher, "comment.replied")) == 1


def test_bad_input_is_refused_with_an_error_code_and_nothing_is_written(
    api: Api, base_env: dict[str, str], owner: Account
) -> None:
    recording_id = timed_recording(api, base_env, owner, 30.0)
    elsewhere = timed_recording(api, base_env, owner, 30.0)
    error(comment(api, owner, recording_id, 30.5), 422, "invalid_timestamp")  # past the end
    error(comment(api, owner, recording_id, 10.0, end_seconds=31.0), 422, "invalid_timestamp")
    error(comment(api, owner, recording_id, 10.0, end_seconds=9.0), 422, "invalid_timestamp")
    error(comment(api, owner, recording_id, -1.0), 422, "invalid_timestamp")
    error(comment(api, owner, recording_id, 1.0, category="vibes"), 422, "validation_error")
    error(comment(api, owner, recording_id, 1.0, body=""), 422, "validation_error")
    error(comment(api, owner, recording_id, 1.0, body="a\x00b"), 422, "validation_error")
    error(comment(api, owner, recording_id, 1.0, extra=True), 422, "validation_error")
    error(comment(api, owner, recording_id, "soon"), 422, "validation_error")  # type: ignore[arg-type]
    path = f"/api/v1/recordings/{recording_id}/comments"
    r = api.http.post(path, headers={**owner.headers, "Content-Type": "application/json"}, content=b"{not json")
    assert 400 <= r.status_code < 500 and r.json()["error_code"], r.text
    assert api.http.post("/api/v1/recordings/not-a-uuid/comments", headers=owner.headers, json={}).status_code == 404
    assert api.http.patch("/api/v1/comments/12", headers=owner.headers, json={}).status_code == 404
    c = made(comment(api, owner, recording_id, 1.0))
    # A reply to a comment of another recording than the client meant is refused
    error(reply(api, owner, c["id"], recording_id=elsewhere), 422, "wrong_recording")
    error(reply(api, owner, "0" * 8 + "-0000-4000-8000-" + "0" * 12), 404, "comment_not_found")
    error(api.http.patch(f"/api/v1/comments/{c['id']}", headers=owner.headers, json={"category": "x"}), 422,
          "validation_error")  # fmt: skip
    # The database refuses a reply on another recording than its thread's, whatever the code does
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        sql(base_env["DATABASE_URL"], "INSERT INTO comments (id, recording_id, author_id, parent_id, body, at_seconds) "
            "VALUES (gen_random_uuid(), $1, $2, $3, 'x', 1)", uuid.UUID(elsewhere), uuid.UUID(owner.id),
            uuid.UUID(c["id"]))  # fmt: skip
    # Nothing half-written: one comment, no reply
    assert count_rows(base_env, "comments", recording_id) == 1
    assert count_rows(base_env, "comments", elsewhere) == 0
    # A recording whose duration is not known yet has no moment to point at
    pending = timed_recording(api, base_env, owner, 1.0, duration_seconds=None)
    error(comment(api, owner, pending, 0.0), 409, "recording_not_ready")
