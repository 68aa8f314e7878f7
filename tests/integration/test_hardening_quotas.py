"""Per-user upload quotas (issue 11 item 7): bytes stored and uploads per window, each refused
with its own code, and both shown with their limits in ``/users/me``. In-process web app."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import httpx
import pytest

from core.limits import RateLimit, UploadQuotas
from core.settings import Settings
from tests.e2e.auth_support import sql
from tests.e2e.authz_support import set_user_columns
from tests.integration.live_app import Session, error_code, live_app, sign_up
from tests.photos import png_bytes

QUOTA = 200_000


@pytest.fixture(scope="module")
def http(settings: Settings) -> Iterator[httpx.Client]:
    limited = settings.replace(quotas=UploadQuotas(storage_bytes=QUOTA, uploads=RateLimit(4, 3600)))
    with live_app(limited) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def upload(http: httpx.Client, session: Session, size: int) -> httpx.Response:
    files = {"file": ("take.mp4", os.urandom(size), "video/mp4")}
    return http.post("/api/v1/recordings", files=files, data={"title": "Take"}, headers=session.headers)


def usage(http: httpx.Client, session: Session) -> dict:
    r = http.get("/api/v1/users/me", headers=session.headers)
    assert r.status_code == 200, r.text
    return r.json()["usage"]


def test_uploads_per_window_are_limited_and_shown(http: httpx.Client) -> None:
    me = sign_up(http)
    for _ in range(4):
        assert upload(http, me, 1000).status_code == 202
    r = upload(http, me, 1000)
    assert error_code(r, 429) == "too_many_uploads" and int(r.headers["retry-after"]) > 0
    shown = usage(http, me)
    assert (shown["uploads_in_window"], shown["uploads_per_window"], shown["upload_window_seconds"]) == (4, 4, 3600)
    # Someone else's uploads are their own
    assert upload(http, sign_up(http), 1000).status_code == 202


def test_the_storage_quota_caps_uploads_while_they_stream_and_before(http: httpx.Client) -> None:
    me = sign_up(http)
    assert upload(http, me, 150_000).status_code == 202
    assert usage(http, me)["stored_bytes"] == 150_000
    # A file bigger than what is left is stopped while it streams, and leaves nothing counted
    assert error_code(upload(http, me, 60_000), 413) == "storage_quota_exceeded"
    shown = usage(http, me)
    assert (shown["stored_bytes"], shown["storage_quota_bytes"]) == (150_000, QUOTA)
    # What fits is taken; once full, the next upload is refused before its body is read
    assert upload(http, me, 50_000).status_code == 202
    assert error_code(upload(http, me, 10), 413) == "storage_quota_exceeded"


def test_profile_photo_uploads_are_limited_per_user(settings: Settings) -> None:
    limited = settings.replace(quotas=UploadQuotas(photos=RateLimit(2, 3600)))
    with live_app(limited) as url, httpx.Client(base_url=url, timeout=30) as http:
        me = sign_up(http)
        files = {"file": ("me.png", png_bytes(64, 64), "image/png")}
        answers = [http.put("/api/v1/users/me/photo", files=files, headers=me.headers) for _ in range(3)]
        assert [r.status_code for r in answers[:2]] == [202, 202]
        assert error_code(answers[2], 429) == "too_many_uploads"


def test_a_new_file_for_a_recording_counts_against_both_quotas(http: httpx.Client, database_url: str) -> None:
    # Given a verified owner whose 150 kB upload has finished (its job failed: no worker runs here)
    me = sign_up(http)
    set_user_columns(database_url, me.user_id, email_verified=True)
    created = upload(http, me, 150_000).json()
    sql(database_url, "UPDATE jobs SET state = 'failed' WHERE id = $1", uuid.UUID(created["job_id"]))

    def replace(size: int) -> httpx.Response:
        files = {"file": ("take2.mp4", os.urandom(size), "video/mp4")}
        return http.put(f"/api/v1/recordings/{created['id']}/file", files=files, headers=me.headers)

    # Then a new file bigger than what is left is stopped as an upload would be, and counts nothing
    assert error_code(replace(60_000), 413) == "storage_quota_exceeded"
    assert usage(http, me)["stored_bytes"] == 150_000
    # And every new file counts in the uploads window, as an upload does (the refused one too)
    assert replace(1000).status_code == 202
    assert usage(http, me)["uploads_in_window"] == 3
    # A refusal before the quotas (its new job is queued now) counts nothing
    assert error_code(replace(1000), 409) == "recording_busy"
    assert usage(http, me)["uploads_in_window"] == 3
