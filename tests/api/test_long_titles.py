"""Issue 11 item 1 through the API: titles of the longest allowed length never fail a step or a
share (derived notification titles are cut to their column), and owners read fixed sentences."""

from __future__ import annotations

import pytest

from core.error_messages import public_message
from tests.e2e.api import Api
from tests.e2e.authz_support import notifications, set_user_columns, share, unprocessable_recording, verified

pytestmark = pytest.mark.api

LONGEST_TITLE = "Nocturne " + "n" * 191  # 200 characters, the column's length


def test_a_longest_title_is_shared_and_its_failure_notified_with_cut_titles(
    api: Api, base_env: dict[str, str]
) -> None:
    # Given an owner with the longest display name and a recording with the longest title
    owner = verified(api, base_env)
    set_user_columns(base_env["DATABASE_URL"], owner.id, display_name="D" * 120)
    recording_id = unprocessable_recording(api, owner, title=LONGEST_TITLE)
    friend = api.register("teacher")

    # When the owner shares it
    r = share(api, owner, recording_id, friend)

    # Then the share is made and the friend's notification title is cut, not refused
    assert r.status_code == 201, r.text
    [notice] = notifications(api, friend, "recording.shared")
    assert len(notice["title"]) == 200
    assert notice["title"].startswith("D" * 120 + " shared “Nocturne nn")
    assert notice["title"].endswith("…” with you")

    # And the processing failure reaches the owner, who reads the error code's sentence only
    job = api.wait_job(owner, api.recording(owner, recording_id)["job_id"], timeout=60)
    assert job["state"] == "failed"
    recording = api.recording(owner, recording_id)
    assert recording["error_message"] == public_message(recording["error_code"])
    [failed] = notifications(api, owner, "recording.failed")
    assert len(failed["title"]) == 200 and failed["title"].endswith("…” could not be processed")
    assert failed["body"] == f"{public_message(recording['error_code'])} ({recording['error_code']})"
