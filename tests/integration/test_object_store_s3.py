"""S3Store-only behaviour: an unreachable endpoint fails fast with ``StorageUnavailable``.

The contract both stores share is in test_object_store.py.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from core.errors import StorageUnavailable
from core.settings import parse_storage_url
from storage.objects import create_object_store
from tests.integration.object_store_support import KEY, MIB, Generated, chunks_of
from tests.integration.s3_server import closed_port_url


async def test_s3_store_on_closed_port_fails_fast_with_storage_unavailable() -> None:
    store = create_object_store(parse_storage_url(closed_port_url()))
    try:
        for attempt in (
            store.check(),
            store.stat(KEY),
            store.put_stream(KEY, chunks_of(b"small"), content_type="video/mp4"),
            store.put_stream(KEY, Generated(20 * MIB).__aiter__(), content_type="video/mp4"),
        ):
            started = time.monotonic()
            with pytest.raises(StorageUnavailable):
                await asyncio.wait_for(attempt, timeout=30)
            assert time.monotonic() - started < 5
    finally:
        await store.close()
