"""Fixtures for the integration tests; the session-scoped ``s3_server`` comes from tests/conftest.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from core.settings import parse_storage_url
from storage.objects import ObjectStore, create_object_store
from tests.integration.s3_server import s3_storage_url, unique_bucket


@pytest_asyncio.fixture(params=["local", "s3"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ObjectStore]:
    """Each object store backend in turn: LocalStore on a temp dir, S3Store on a fresh moto bucket."""
    if request.param == "local":
        settings = parse_storage_url(f"file://{tmp_path / 'objects'}")
    else:
        endpoint = request.getfixturevalue("s3_server")
        settings = parse_storage_url(s3_storage_url(endpoint, unique_bucket()))
    object_store = create_object_store(settings)
    await object_store.ensure_ready()
    await object_store.check()
    yield object_store
    await object_store.close()
