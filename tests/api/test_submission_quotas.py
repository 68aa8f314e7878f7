"""A submission is an upload like any other: the owner's upload window and storage quota apply.

A second in-process app with a tight quota (2 uploads per hour, 2 KB stored) on the tier's database
and Redis; its accounts are new, so no other test's counters interfere.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from api.app import create_app
from core.limits import RateLimit, UploadQuotas
from core.settings import Settings
from tests.api.conftest import BASE_URL
from tests.api.quiz_support import block, course, enroll, expect_error, submit
from tests.e2e.api import Api
from tests.e2e.authz_support import verified

pytestmark = pytest.mark.api


@pytest.fixture(scope="module")
def tight(settings: Settings) -> Iterator[Api]:
    quotas = UploadQuotas(storage_bytes=2000, uploads=RateLimit(2, 3600))
    with TestClient(create_app(dataclasses.replace(settings, quotas=quotas)), base_url=BASE_URL) as client:
        yield Api(client)


def test_submissions_count_against_the_upload_window_and_the_storage_quota(
    tight: Api, base_env: dict[str, str]
) -> None:
    db = base_env["DATABASE_URL"]
    teacher, student = verified(tight, base_env, "teacher"), verified(tight, base_env)
    c = course(db, teacher)
    enroll(db, c, student)
    expect_error(submit(tight, student, block(db, c), content=b"x" * 3000), 413, "storage_quota_exceeded")
    assert submit(tight, student, block(db, c), content=b"x" * 1000).status_code == 202
    expect_error(submit(tight, student, block(db, c), content=b"x" * 10), 429, "too_many_uploads")
