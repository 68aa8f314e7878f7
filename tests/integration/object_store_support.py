"""Helpers shared by the object store tests (``test_object_store*.py``): streams, hashes, leftovers.

The ``store`` fixture itself (LocalStore on a temp dir, S3Store on moto) is in ``conftest.py``.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.objects import LocalStore, ObjectStore, S3Store
from tests.integration.s3_server import bucket_leftovers

MIB = 1024 * 1024
PROJECT_ROOT = Path(__file__).resolve().parents[2]
KEY = "recordings/u1/r1/original"


def leftovers(store: ObjectStore, request: pytest.FixtureRequest) -> list[str]:
    """Everything the backend holds: files (incl. part/meta files) or objects + multipart uploads."""
    if isinstance(store, LocalStore):
        return sorted(str(p.relative_to(store.root)) for p in store.root.rglob("*") if p.is_file())
    assert isinstance(store, S3Store)
    return bucket_leftovers(request.getfixturevalue("s3_server"), store.bucket)


class Generated:
    """A deterministic pseudo-random stream in odd-sized chunks, hashed as it is produced."""

    def __init__(self, total: int, *, chunk: int = 100_003, seed: int = 7) -> None:
        self.total = total
        self.chunk = chunk
        self.seed = seed
        self.sha256 = hashlib.sha256()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        rng = random.Random(self.seed)
        sent = 0
        while sent < self.total:
            piece = rng.randbytes(min(self.chunk, self.total - sent))
            self.sha256.update(piece)
            sent += len(piece)
            yield piece
            await asyncio.sleep(0)


async def chunks_of(data: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    for offset in range(0, len(data), size):
        yield data[offset : offset + size]


async def failing_after(n_bytes: int) -> AsyncIterator[bytes]:
    async for piece in Generated(n_bytes):
        yield piece
    raise ConnectionResetError("client went away mid-upload")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(MIB):
            digest.update(block)
    return digest.hexdigest()
