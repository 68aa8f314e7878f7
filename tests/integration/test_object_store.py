"""The object store contract, run against both backends: LocalStore on a temp dir, S3Store on moto.

What is checked is what callers rely on: bytes round-trip exactly, a failed or oversized upload
leaves nothing behind (not even an S3 multipart upload), ranges serve the right bytes, deletes are
idempotent and keys cannot escape. Backend-specific behaviour is in test_object_store_local.py and
test_object_store_s3.py, flat memory in test_object_store_memory.py, key building and URL signing
(no store needed) in tests/unit. The ``store`` fixture is in conftest.py.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from core.errors import NotFound, PayloadTooLarge
from storage.objects import LocalStore, ObjectStore, recording_key, recording_prefix, user_key
from tests.integration.object_store_support import KEY, MIB, Generated, chunks_of, failing_after, file_sha256, leftovers

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


async def test_local_path_is_the_object_itself_or_none(store: ObjectStore) -> None:
    # Workers hand this path to ffmpeg instead of copying the original into every step's temp dir.
    await store.put_stream(KEY, chunks_of(b"original bytes"), content_type="video/mp4")

    path = await store.local_path(KEY)

    if isinstance(store, LocalStore):
        assert path is not None and path.read_bytes() == b"original bytes"
        assert path.is_relative_to(store.root) and path.is_absolute()
        with pytest.raises(NotFound):
            await store.local_path("recordings/u1/r1/missing")
        with pytest.raises(NotFound):
            await store.local_path("recordings/u1")  # a directory is not an object
    else:
        assert path is None  # S3: the caller downloads once with get_to_file


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


# -- keys -----------------------------------------------------------------------------------------

BAD_KEYS = ["../x", "/abs", "a//b", "a/../../etc/passwd", "a\\b", "a\x00b", "", "a/", "./a"]


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
    if isinstance(store, LocalStore):
        with pytest.raises(ValueError):
            await store.local_path(bad_key)
    assert not (tmp_path / "x").exists() and not (tmp_path / "out").exists()
