"""Notifications that need the processes: live events over SSE, and news of a finished pipeline.

Their HTTP side (who is notified, in the list) is tested in-process in tests/api/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.api import Account, Api
from tests.e2e.authz_support import notifications, share, verified
from tests.e2e.sse import EventListener
from tests.e2e.stack import Stack

pytestmark = pytest.mark.e2e

REQUESTED = "relationship.requested"


@pytest.fixture
def owner(api: Api, base_env: dict[str, str]) -> Account:
    return verified(api, base_env)


def test_a_teacher_hears_a_relationship_request_live(api: Api, stack: Stack, base_env: dict[str, str]) -> None:
    student, teacher = verified(api, base_env), verified(api, base_env, "teacher")
    listener = EventListener(stack.base_url, teacher.access_token).start()
    try:
        # When the student asks
        r = api.http.post("/api/v1/relationships", headers=student.headers, json={"user_id": teacher.id})
        assert r.status_code == 201, r.text

        # Then the teacher's open event stream carries the notification
        event = listener.wait_for("notification", lambda d: d["kind"] == REQUESTED)
        assert event["relationship_id"] == r.json()["id"]
    finally:
        listener.stop()


def test_people_it_is_shared_with_hear_when_it_is_ready(api: Api, owner: Account, clip_small: Path) -> None:
    # Given a recording shared while it is still processing
    created = api.accepted(owner, clip_small, title="Partita")
    friend = api.register("teacher")
    assert share(api, owner, created["id"], friend).status_code == 201

    # When it has been processed
    assert api.wait_job(owner, created["job_id"])["state"] == "succeeded"

    # Then the friend is told once that it is ready, as the owner is
    [ready] = notifications(api, friend, "recording.ready")
    assert ready["data"]["recording_id"] == created["id"]
    assert len(notifications(api, owner, "recording.ready")) == 1
