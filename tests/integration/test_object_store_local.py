"""LocalStore-only behaviour: the root cannot be escaped, and the part-file writer (``_atomic``).

The writer appends with ``writev`` (resuming short writes), starts the kernel's writeback every
``WRITE_BEHIND_BYTES`` of a durable file so the final ``fdatasync`` is short, and ``put_stream``
writes one batch in a thread while the next arrives; none of that may lose, reorder or leak bytes.
The contract both stores share is in test_object_store.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.errors import StorageUnavailable
from storage.objects import LocalStore, _atomic
from storage.objects._atomic import WRITE_BEHIND_BYTES, AtomicFile
from tests.integration.object_store_support import KEY, MIB, Generated, chunks_of


@pytest.fixture
async def local(tmp_path: Path) -> LocalStore:
    store = LocalStore(tmp_path / "root")
    await store.ensure_ready()
    return store


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


async def test_local_store_never_follows_a_symlink_out_of_its_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_bytes(b"top secret")
    store = LocalStore(tmp_path / "root")
    await store.ensure_ready()
    (store.root / "recordings").symlink_to(outside, target_is_directory=True)

    with pytest.raises(ValueError):
        await store.read_head("recordings/secret", 100)
    with pytest.raises(ValueError):
        await store.put_stream("recordings/planted", chunks_of(b"x"), content_type="text/plain")
    assert sorted(p.name for p in outside.iterdir()) == ["secret"]


# -- the part-file writer ---------------------------------------------------------------------------


def test_atomic_file_resumes_short_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_writev, real_write = os.writev, os.write
    monkeypatch.setattr(os, "writev", lambda fd, bufs: real_writev(fd, [memoryview(bufs[0])[:1000]]))
    monkeypatch.setattr(os, "write", lambda fd, buf: real_write(fd, memoryview(buf)[:777]))
    pieces = [os.urandom(5000), b"", bytearray(b"abc"), memoryview(os.urandom(3001)), os.urandom(1)]
    target = AtomicFile(tmp_path / "out")

    target.write(*pieces)
    target.write(pieces[0])
    assert target.commit() == 2 * 5000 + 3 + 3001 + 1

    assert (tmp_path / "out").read_bytes() == b"".join(bytes(p) for p in pieces) + pieces[0]
    assert os.listdir(tmp_path) == ["out"]


def test_write_behind_starts_writeback_in_order_and_commit_still_syncs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ranges: list[tuple[int, int]] = []
    synced: list[int] = []
    monkeypatch.setattr(_atomic, "_sync_file_range", lambda fd, offset, n: ranges.append((offset, n)) or 0)
    monkeypatch.setattr(_atomic, "_fdatasync", synced.append)
    block = os.urandom(MIB)
    target = AtomicFile(tmp_path / "out", write_behind=True)

    for _ in range(2 * WRITE_BEHIND_BYTES // MIB + 3):
        target.write(block)
    target.commit()

    assert ranges == [(0, WRITE_BEHIND_BYTES), (WRITE_BEHIND_BYTES, WRITE_BEHIND_BYTES)]
    assert len(synced) == 1  # the data itself is made durable by commit, write-behind or not
    plain = AtomicFile(tmp_path / "scratch")  # scratch files (get_to_file) never start writeback
    for _ in range(WRITE_BEHIND_BYTES // MIB + 1):
        plain.write(block)
    plain.commit(durable=False)
    assert len(ranges) == 2 and len(synced) == 1


def test_write_behind_refused_by_the_kernel_is_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(_atomic, "_sync_file_range", lambda fd, offset, n: calls.append(offset) or -1)
    target = AtomicFile(tmp_path / "out", write_behind=True)

    for _ in range(3):
        target.write(b"x" * WRITE_BEHIND_BYTES)

    assert calls == [0]  # tried once, then left to commit's fdatasync
    assert target.commit() == 3 * WRITE_BEHIND_BYTES


async def test_put_stream_syncs_object_and_sidecar_and_hands_off_writeback(
    local: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    ranges: list[tuple[int, int]] = []
    synced: list[int] = []
    monkeypatch.setattr(_atomic, "_sync_file_range", lambda fd, offset, n: ranges.append((offset, n)) or 0)
    monkeypatch.setattr(_atomic, "_fdatasync", synced.append)
    source = Generated(2 * WRITE_BEHIND_BYTES + 12_345, chunk=256 * 1024 + 7)

    assert await local.put_stream(KEY, source.__aiter__(), content_type="video/mp4") == source.total

    assert [offset for offset, _ in ranges] == [0, ranges[0][1]] and ranges[0][1] >= WRITE_BEHIND_BYTES
    assert len(synced) == 2  # the object and its .meta.json sidecar
    assert hashlib.sha256(local.path_for(KEY).read_bytes()).hexdigest() == source.sha256.hexdigest()


class SlowWrites:
    """Makes each batch write take ``delay`` seconds (in its worker thread), counting the writes."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, delay: float, fail_at: int | None = None) -> None:
        self.delay = delay
        self.fail_at = fail_at
        self.calls = 0
        self.started = threading.Event()
        real = AtomicFile.write

        def write(target: AtomicFile, *chunks: bytes) -> None:
            self.calls += 1
            self.started.set()
            time.sleep(self.delay)
            if self.calls == self.fail_at:
                raise OSError(28, "No space left on device")
            real(target, *chunks)

        monkeypatch.setattr(AtomicFile, "write", write)


async def test_put_stream_disk_error_in_a_background_write_leaves_nothing(
    local: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes = SlowWrites(monkeypatch, delay=0.01, fail_at=3)

    with pytest.raises(StorageUnavailable):
        await local.put_stream(KEY, Generated(10 * MIB).__aiter__(), content_type="video/mp4")

    assert writes.calls == 3  # stopped at the failing batch
    assert files_under(local.root) == []


async def test_put_stream_source_error_during_a_background_write_leaves_nothing(
    local: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes = SlowWrites(monkeypatch, delay=0.3)

    async def fails_while_writing() -> AsyncIterator[bytes]:
        async for piece in Generated(3 * MIB):
            yield piece
        await asyncio.to_thread(writes.started.wait, 5)
        raise ConnectionResetError("client went away mid-upload")

    with pytest.raises(ConnectionResetError):
        await local.put_stream(KEY, fails_while_writing(), content_type="video/mp4")

    assert files_under(local.root) == []


async def test_put_stream_cancelled_during_a_background_write_leaves_nothing(
    local: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    await local.put_stream(KEY, chunks_of(b"good take"), content_type="video/mp4")
    writes = SlowWrites(monkeypatch, delay=0.3)

    upload = asyncio.create_task(local.put_stream(KEY, Generated(8 * MIB).__aiter__(), content_type="video/mp4"))
    await asyncio.to_thread(writes.started.wait, 5)
    await asyncio.sleep(0.05)
    upload.cancel()

    with pytest.raises(asyncio.CancelledError):
        await upload
    assert files_under(local.root) == sorted([KEY, KEY + ".meta.json"])
    assert await local.read_head(KEY, 100) == b"good take"
