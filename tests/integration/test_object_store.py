"""The object store contract, run against both backends: LocalStore on a temp dir, S3Store on moto.

What is checked is what callers rely on: bytes round-trip exactly, a failed or oversized upload
leaves nothing behind (not even an S3 multipart upload), ranges serve the right bytes, deletes are
idempotent, keys cannot escape, a dead endpoint fails fast, and streaming keeps memory flat.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from core.errors import NotFound, PayloadTooLarge, StorageUnavailable
from core.settings import parse_storage_url
from storage.objects import (
    LocalStore,
    ObjectStore,
    S3Store,
    create_object_store,
    recording_key,
    recording_prefix,
    sign_media_path,
    user_key,
    verify_media_signature,
)
from tests.integration.s3_server import bucket_leftovers, closed_port_url, s3_storage_url, unique_bucket

# The session-scoped ``s3_server`` fixture comes from tests/conftest.py (tests/integration/s3_server.py).

MIB = 1024 * 1024
PROJECT_ROOT = Path(__file__).resolve().parents[2]


# -- fixtures and helpers -------------------------------------------------------------------------


@pytest_asyncio.fixture(params=["local", "s3"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ObjectStore]:
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


KEY = "recordings/u1/r1/original"


# -- round trips ----------------------------------------------------------------------------------


async def test_streamed_put_and_get_round_trip_20_mib(store: ObjectStore, tmp_path: Path) -> None:
    source = Generated(20 * MIB + 12_345)

    written = await store.put_stream(KEY, source.__aiter__(), content_type="video/mp4")

    assert written == source.total
    info = await store.stat(KEY)
    assert info is not None and info.size == source.total and info.content_type == "video/mp4"
    assert info.key == KEY
    await store.get_to_file(KEY, tmp_path / "copy" / "original.mp4")
    assert file_sha256(tmp_path / "copy" / "original.mp4") == source.sha256.hexdigest()
    assert [p.name for p in (tmp_path / "copy").iterdir()] == ["original.mp4"]  # no part file left


async def test_put_file_round_trip(store: ObjectStore, tmp_path: Path) -> None:
    rendition = tmp_path / "sd.mp4"
    rendition.write_bytes(os.urandom(300_000))
    key = recording_key("u1", "r1", "sd.mp4")

    assert await store.put_file(key, rendition, content_type="video/mp4") == 300_000

    await store.get_to_file(key, tmp_path / "back.mp4")
    assert (tmp_path / "back.mp4").read_bytes() == rendition.read_bytes()
    info = await store.stat(key)
    assert info is not None and (info.size, info.content_type) == (300_000, "video/mp4")


async def test_overwrite_replaces_object(store: ObjectStore, tmp_path: Path) -> None:
    await store.put_stream(KEY, chunks_of(b"first version"), content_type="text/plain")
    await store.put_stream(KEY, chunks_of(b"second"), content_type="application/json")

    assert await store.read_head(KEY, 100) == b"second"
    info = await store.stat(KEY)
    assert info is not None and (info.size, info.content_type) == (6, "application/json")


# -- nothing partial survives a failed upload -----------------------------------------------------


@pytest.mark.parametrize(
    ("total", "limit"),
    [(5_000, 1_000), (20 * MIB, 12 * MIB)],  # single PUT / multipart upload already started
    ids=["small", "multipart"],
)
async def test_put_stream_over_limit_leaves_nothing(
    store: ObjectStore, request: pytest.FixtureRequest, total: int, limit: int
) -> None:
    with pytest.raises(PayloadTooLarge) as raised:
        await store.put_stream(KEY, Generated(total).__aiter__(), content_type="video/mp4", max_bytes=limit)

    assert raised.value.error_code == "upload_too_large"
    assert await store.stat(KEY) is None
    assert leftovers(store, request) == []


async def test_put_stream_exactly_at_limit_is_accepted(store: ObjectStore) -> None:
    assert await store.put_stream(KEY, chunks_of(b"x" * 4096), content_type="audio/mp4", max_bytes=4096) == 4096


@pytest.mark.parametrize("fail_after", [1_000, 10 * MIB], ids=["early", "after-first-part"])
async def test_chunk_iterator_error_leaves_nothing(
    store: ObjectStore, request: pytest.FixtureRequest, fail_after: int
) -> None:
    with pytest.raises(ConnectionResetError):
        await store.put_stream(KEY, failing_after(fail_after), content_type="video/mp4")

    assert await store.stat(KEY) is None
    assert leftovers(store, request) == []


async def test_cancelled_upload_leaves_nothing(store: ObjectStore, request: pytest.FixtureRequest) -> None:
    stalled = asyncio.Event()

    async def stalls_after_10_mib() -> AsyncIterator[bytes]:
        async for piece in Generated(10 * MIB):
            yield piece
        stalled.set()
        await asyncio.Event().wait()  # the client stops sending and never returns
        yield b""

    upload = asyncio.create_task(store.put_stream(KEY, stalls_after_10_mib(), content_type="video/mp4"))
    await asyncio.wait_for(stalled.wait(), timeout=30)
    await asyncio.sleep(0.2)  # let the S3 upload thread start its multipart upload
    upload.cancel()

    with pytest.raises(asyncio.CancelledError):
        await upload
    assert await store.stat(KEY) is None
    assert leftovers(store, request) == []


async def test_failed_overwrite_keeps_previous_object(store: ObjectStore) -> None:
    await store.put_stream(KEY, chunks_of(b"good take"), content_type="video/mp4")

    with pytest.raises(PayloadTooLarge):
        await store.put_stream(KEY, Generated(3 * MIB).__aiter__(), content_type="video/mp4", max_bytes=MIB)

    assert await store.read_head(KEY, 100) == b"good take"


# -- reads ----------------------------------------------------------------------------------------

PATTERN = bytes(range(256)) * 2400  # 614,400 bytes: several read chunks, every offset recognisable


async def test_read_head_returns_first_bytes(store: ObjectStore) -> None:
    await store.put_stream(KEY, chunks_of(PATTERN), content_type="video/mp4")

    assert await store.read_head(KEY, 16) == PATTERN[:16]
    assert await store.read_head(KEY, 0) == b""
    assert await store.read_head(KEY, len(PATTERN) + 10) == PATTERN
    with pytest.raises(NotFound) as raised:
        await store.read_head("recordings/u1/r1/missing", 16)
    assert raised.value.error_code == "object_not_found"


async def test_read_head_of_empty_object(store: ObjectStore) -> None:
    assert await store.put_stream(KEY, chunks_of(b""), content_type="video/mp4") == 0

    assert await store.read_head(KEY, 16) == b""
    assert (await store.stat(KEY)).size == 0  # type: ignore[union-attr]


SIZE = len(PATTERN)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, None, PATTERN),
        (0, 0, PATTERN[:1]),
        (10, 19, PATTERN[10:20]),
        (300_000, 599_999, PATTERN[300_000:600_000]),
        (SIZE - 5, None, PATTERN[-5:]),
        (SIZE - 5, SIZE + 100, PATTERN[-5:]),  # end past the object is clamped
        (SIZE - 1, SIZE - 1, PATTERN[-1:]),
        (SIZE, None, b""),  # start past the end: nothing (the API answers 416 from stat)
    ],
    ids=["all", "first-byte", "small", "large", "suffix", "clamped", "last-byte", "past-end"],
)
async def test_open_range_serves_inclusive_ranges(
    store: ObjectStore, start: int, end: int | None, expected: bytes
) -> None:
    await store.put_stream(KEY, chunks_of(PATTERN), content_type="video/mp4")

    stream = await store.open_range(KEY, start, end)
    received = b"".join([chunk async for chunk in stream])

    assert len(received) == len(expected)
    assert received == expected


async def test_open_range_early_close_and_missing(store: ObjectStore) -> None:
    await store.put_stream(KEY, chunks_of(PATTERN), content_type="video/mp4")

    stream = await store.open_range(KEY, 0, None)
    first = await stream.__anext__()
    await stream.aclose()  # a client that disconnects mid-download
    assert first == PATTERN[: len(first)]
    with pytest.raises(NotFound):
        await store.open_range("recordings/u1/r1/missing", 0, 10)
    with pytest.raises(ValueError):
        await store.open_range(KEY, 10, 5)


async def test_get_missing_object_raises_not_found(store: ObjectStore, tmp_path: Path) -> None:
    with pytest.raises(NotFound) as raised:
        await store.get_to_file("recordings/u1/r1/hd.mp4", tmp_path / "out" / "hd.mp4")

    assert raised.value.error_code == "object_not_found"
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
    assert await store.stat("recordings/u1/r1/hd.mp4") is None


# -- deletes --------------------------------------------------------------------------------------


async def test_delete_is_idempotent(store: ObjectStore, request: pytest.FixtureRequest) -> None:
    await store.put_stream(KEY, chunks_of(b"take 1"), content_type="video/mp4")

    await store.delete(KEY)
    await store.delete(KEY)
    await store.delete("recordings/u1/never-existed/original")

    assert await store.stat(KEY) is None
    assert leftovers(store, request) == []


async def test_delete_prefix_removes_one_recording_only(store: ObjectStore) -> None:
    for name in ("original", "hd.mp4", "poster.jpg"):
        await store.put_stream(recording_key("u1", "1", name), chunks_of(b"x" * 10), content_type="video/mp4")
    neighbour = recording_key("u1", "10", "original")  # shares the textual prefix "recordings/u1/1"
    await store.put_stream(neighbour, chunks_of(b"keep me"), content_type="video/mp4")
    profile = user_key("u1", "profile.jpg")
    await store.put_stream(profile, chunks_of(b"face"), content_type="image/jpeg")

    assert await store.delete_prefix(recording_prefix("u1", "1")) == 3
    assert await store.delete_prefix(recording_prefix("u1", "1")) == 0

    assert await store.stat(recording_key("u1", "1", "original")) is None
    assert await store.read_head(neighbour, 100) == b"keep me"
    assert await store.read_head(profile, 100) == b"face"
    with pytest.raises(ValueError):
        await store.delete_prefix("recordings/u1/1")  # no trailing slash: would also match /10/
    with pytest.raises(ValueError):
        await store.delete_prefix("")


# -- URLs -----------------------------------------------------------------------------------------


async def test_presigned_url_downloads_the_object(store: ObjectStore) -> None:
    await store.put_stream(KEY, chunks_of(PATTERN), content_type="video/mp4")

    url = await store.presigned_url(KEY, expires=300, filename="Étude op. 10.mp4")

    if isinstance(store, LocalStore):
        assert url is None  # the API signs and serves local media itself
        return
    assert url is not None
    async with httpx.AsyncClient() as client:
        response = await client.get(url)
    assert response.status_code == 200
    assert response.content == PATTERN
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "%C3%89tude%20op.%2010.mp4" in disposition


def test_media_signature_accepts_valid_and_rejects_expired_or_tampered() -> None:
    secret = "s" * 32
    now = 1_700_000_000
    query = sign_media_path(KEY, secret=secret, expires_at=now + 60)
    params = dict(pair.split("=", 1) for pair in query.split("&"))
    assert set(params) == {"expires", "sig"} and "=" not in params["sig"]
    expires, sig = params["expires"], params["sig"]

    assert verify_media_signature(KEY, expires, sig, secret=secret, now=now)
    assert verify_media_signature(KEY, int(expires), sig, secret=secret, now=now + 59)
    assert not verify_media_signature(KEY, expires, sig, secret=secret, now=now + 60)  # expired
    assert not verify_media_signature(KEY, str(now + 3600), sig, secret=secret, now=now)  # longer life
    assert not verify_media_signature("recordings/u2/r9/original", expires, sig, secret=secret, now=now)
    assert not verify_media_signature(KEY, expires, sig[:-1] + ("A" if sig[-1] != "A" else "B"), secret=secret, now=now)
    assert not verify_media_signature(KEY, expires, sig, secret="t" * 32, now=now)
    assert not verify_media_signature(KEY, "soon", sig, secret=secret, now=now)
    assert not verify_media_signature(KEY, expires, "", secret=secret, now=now)
    assert not verify_media_signature(KEY, expires, "é" * 43, secret=secret, now=now)


# -- keys -----------------------------------------------------------------------------------------

BAD_KEYS = ["../x", "/abs", "a//b", "a/../../etc/passwd", "a\\b", "a\x00b", "", "a/", "./a"]


def test_key_helpers_build_deterministic_keys() -> None:
    assert recording_prefix("u1", "r1") == "recordings/u1/r1/"
    assert recording_key("u1", "r1", "hd.mp4") == "recordings/u1/r1/hd.mp4"
    assert user_key(7, "profile_thumb.jpg") == "users/7/profile_thumb.jpg"
    with pytest.raises(ValueError):
        recording_key("u1", "r1", "hd.mov")
    with pytest.raises(ValueError):
        recording_prefix("..", "r1")
    with pytest.raises(ValueError):
        user_key("a/b", "profile.jpg")


@pytest.mark.parametrize("bad_key", BAD_KEYS, ids=repr)
async def test_stores_refuse_unsafe_keys(store: ObjectStore, tmp_path: Path, bad_key: str) -> None:
    with pytest.raises(ValueError):
        await store.put_stream(bad_key, chunks_of(b"evil"), content_type="text/plain")
    with pytest.raises(ValueError):
        await store.stat(bad_key)
    with pytest.raises(ValueError):
        await store.get_to_file(bad_key, tmp_path / "out")
    with pytest.raises(ValueError):
        await store.delete(bad_key)
    with pytest.raises(ValueError):
        await store.open_range(bad_key, 0, None)
    assert not (tmp_path / "x").exists() and not (tmp_path / "out").exists()


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


# -- a dead endpoint fails fast -------------------------------------------------------------------


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


# -- constant memory ------------------------------------------------------------------------------

MEMORY_PROBE = textwrap.dedent(
    """
    import asyncio, os, sys
    from core.settings import parse_storage_url
    from storage.objects import create_object_store

    def peak_rss() -> int:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        raise RuntimeError("no VmHWM")

    async def main() -> None:
        store = create_object_store(parse_storage_url(sys.argv[1]))
        await store.ensure_ready()
        block = os.urandom(1024 * 1024)

        async def stream():
            for _ in range(int(sys.argv[2])):
                for offset in range(0, len(block), 64 * 1024):
                    yield block[offset : offset + 64 * 1024]

        before = peak_rss()
        written = await store.put_stream("recordings/u/r/original", stream(), content_type="video/mp4")
        after = peak_rss()
        info = await store.stat("recordings/u/r/original")
        await store.close()
        print(written, info.size, after - before)

    asyncio.run(main())
    """
)


async def test_put_stream_of_200_mib_keeps_memory_flat(store: ObjectStore, request: pytest.FixtureRequest) -> None:
    # Measured in a child process: this one also hosts moto, which buffers what it receives.
    if isinstance(store, LocalStore):
        url = f"file://{store.root}"
    else:
        assert isinstance(store, S3Store)
        url = s3_storage_url(request.getfixturevalue("s3_server"), store.bucket)
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}

    probe = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", MEMORY_PROBE, url, "200"],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )

    assert probe.returncode == 0, probe.stderr
    written, stored, growth = map(int, probe.stdout.split())
    assert written == stored == 200 * MIB
    print(f"{type(store).__name__}: peak RSS growth {growth / MIB:.1f} MiB for a 200 MiB stream")
    assert growth < 128 * MIB
