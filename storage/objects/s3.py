"""``S3Store``: objects in an S3-compatible bucket (MinIO, AWS, moto) through the minio SDK.

The SDK is synchronous, so every call runs in a worker thread. Streaming uploads use
``put_object(length=-1)`` fed by a bounded ``ChunkPipe`` (see ``_pipe``) from a dedicated daemon
thread: memory stays at about one part plus the pipe, whatever the object size. Parts go up one
at a time (``num_parallel_uploads=1``): with minio's parallel pool, parts still in flight race the
abort (S3 may then keep them) and three parts sit in memory. To cancel, ``put_stream`` makes the
pipe's ``read`` raise; minio then aborts its multipart upload itself, and ``put_stream`` waits for
that before it re-raises. Library errors never leave this module (see ``_s3_errors``).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import urllib3
from minio import Minio
from minio.deleteobjects import DeleteObject
from minio.error import S3Error
from urllib3 import BaseHTTPResponse

from core.errors import NotFound, StorageUnavailable
from core.settings import StorageSettings

from ._atomic import AtomicFile
from ._pipe import ChunkPipe, run_in_daemon_thread, settle
from ._s3_errors import is_not_found, raise_translated, translate_s3_error
from ._streams import BlockingReadStream, empty_stream
from .base import (
    ObjectInfo,
    ObjectStore,
    check_range,
    check_read_length,
    content_disposition,
    too_large,
)
from .keys import validate_key, validate_prefix

__all__ = ["S3Store"]

#: Multipart part size: S3 needs >= 5 MiB per part and allows 10,000 parts (80 GiB at 8 MiB).
PART_SIZE = 8 * 1024 * 1024
PIPE_BYTES = 4 * 1024 * 1024
PIPE_MIN_READ = 1024 * 1024
DOWNLOAD_CHUNK_BYTES = 1024 * 1024
MAX_PRESIGN_SECONDS = 7 * 24 * 3600

_T = TypeVar("_T")


def build_http_client() -> urllib3.PoolManager:
    """A pool that gives up on a dead endpoint in seconds (minio's default waits minutes)."""
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=3.0, read=60.0),
        maxsize=16,
        retries=urllib3.Retry(total=3, connect=1, read=1, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
    )


class S3Store(ObjectStore):
    """``ObjectStore`` on one bucket of an S3-compatible service."""

    def __init__(self, settings: StorageSettings, *, http_client: urllib3.PoolManager | None = None) -> None:
        if settings.scheme != "s3" or not settings.endpoint or not settings.bucket:
            raise ValueError("S3Store needs s3:// storage settings with an endpoint and a bucket")
        self.bucket = settings.bucket
        self._http = http_client or build_http_client()
        self._client = Minio(
            settings.endpoint,
            access_key=settings.access_key,
            secret_key=settings.secret_key,
            secure=settings.secure,
            region=settings.region,
            http_client=self._http,
        )

    async def _call(self, func: Callable[..., _T], *args: object, key: str | None = None) -> _T:
        try:
            return await asyncio.to_thread(func, *args)
        except Exception as exc:
            raise_translated(exc, key)

    # -- writes -----------------------------------------------------------------------------------

    async def put_stream(
        self,
        key: str,
        chunks: AsyncIterator[bytes],
        *,
        content_type: str,
        max_bytes: int | None = None,
    ) -> int:
        validate_key(key)
        pipe = ChunkPipe(max_buffered=PIPE_BYTES, min_read=PIPE_MIN_READ)

        def upload() -> None:
            try:
                self._client.put_object(
                    self.bucket,
                    key,
                    pipe,
                    length=-1,
                    part_size=PART_SIZE,
                    content_type=content_type,
                    num_parallel_uploads=1,
                )
            finally:
                pipe.close_reader()

        uploading = run_in_daemon_thread(upload, name="cadenza-s3-upload")
        size = 0
        try:
            async for chunk in chunks:
                if not chunk:
                    continue
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise too_large(max_bytes)
                if not await pipe.feed(bytes(chunk)):
                    break  # the upload thread failed; its error is raised below
            pipe.finish()
        except BaseException:
            pipe.abort()
            await settle(uploading)  # minio's abort of the multipart upload happens in there
            raise
        try:
            await asyncio.shield(uploading)
        except Exception as exc:
            raise_translated(exc, key)
        return size

    async def put_file(self, key: str, path: str | Path, *, content_type: str) -> int:
        validate_key(key)
        size = (await asyncio.to_thread(os.stat, path)).st_size  # a missing source is the caller's bug
        await self._call(
            lambda: self._client.fput_object(self.bucket, key, os.fspath(path), content_type=content_type),
            key=key,
        )
        return size

    # -- reads ------------------------------------------------------------------------------------

    async def get_to_file(self, key: str, path: str | Path) -> None:
        validate_key(key)
        destination = Path(path)

        def download() -> None:
            response = self._client.get_object(self.bucket, key)
            try:
                target = AtomicFile(destination)
                try:
                    for block in response.stream(DOWNLOAD_CHUNK_BYTES):
                        target.write(block)
                    target.commit(durable=False)
                except BaseException:
                    target.discard()
                    raise
            finally:
                response.close()
                response.release_conn()

        await self._call(download, key=key)

    async def read_head(self, key: str, n: int) -> bytes:
        validate_key(key)
        check_read_length(n)
        if n == 0:  # minio treats length=0 as "the whole object"
            if await self.stat(key) is None:
                raise NotFound(f"object {key!r} does not exist", error_code="object_not_found")
            return b""

        def read() -> bytes:
            try:
                response = self._client.get_object(self.bucket, key, offset=0, length=n)
            except S3Error as exc:
                if exc.code == "InvalidRange":  # an empty object has no byte 0
                    return b""
                raise
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()

        return await self._call(read, key=key)

    async def open_range(self, key: str, start: int, end: int | None) -> AsyncIterator[bytes]:
        validate_key(key)
        check_range(start, end)
        length = 0 if end is None else end - start + 1  # minio: 0 means "to the end"

        def open_response() -> BaseHTTPResponse | None:
            try:
                return self._client.get_object(self.bucket, key, offset=start, length=length)
            except S3Error as exc:
                if exc.code == "InvalidRange":
                    return None  # start is past the end of the object
                raise

        response = await self._call(open_response, key=key)
        if response is None:
            return empty_stream()

        def close() -> None:
            response.close()
            response.release_conn()

        return BlockingReadStream(response.read, close, None, translate=lambda exc: translate_s3_error(exc, key))

    async def stat(self, key: str) -> ObjectInfo | None:
        validate_key(key)

        def head() -> ObjectInfo | None:
            try:
                info = self._client.stat_object(self.bucket, key)
            except S3Error as exc:
                if is_not_found(exc):
                    return None
                raise
            etag = info.etag.strip('"') if info.etag else None
            content_type = info.content_type or "application/octet-stream"
            return ObjectInfo(key, int(info.size or 0), content_type, etag)

        return await self._call(head, key=key)

    # -- deletes ----------------------------------------------------------------------------------

    async def delete(self, key: str) -> None:
        validate_key(key)
        await self._call(self._client.remove_object, self.bucket, key, key=key)

    async def delete_prefix(self, prefix: str) -> int:
        validate_prefix(prefix)

        def remove_all() -> int:
            listing = self._client.list_objects(self.bucket, prefix=prefix, recursive=True)
            names = [item.object_name for item in listing if item.object_name]
            if not names:
                return 0
            errors = list(self._client.remove_objects(self.bucket, (DeleteObject(n) for n in names)))
            if errors:
                raise StorageUnavailable(f"could not delete {len(errors)} objects under {prefix!r}")
            return len(names)

        return await self._call(remove_all)

    # -- the rest -----------------------------------------------------------------------------------

    async def presigned_url(self, key: str, *, expires: int, filename: str | None = None) -> str | None:
        validate_key(key)
        if not 1 <= expires <= MAX_PRESIGN_SECONDS:
            raise ValueError(f"expires must be 1..{MAX_PRESIGN_SECONDS} seconds, not {expires}")
        headers = {"response-content-disposition": content_disposition(filename)} if filename else None
        return await self._call(
            lambda: self._client.presigned_get_object(
                self.bucket, key, expires=timedelta(seconds=expires), response_headers=headers
            ),
            key=key,
        )

    async def check(self) -> None:
        if not await self._call(self._client.bucket_exists, self.bucket):
            raise StorageUnavailable(f"bucket {self.bucket!r} does not exist")

    async def ensure_ready(self) -> None:
        def create() -> None:
            if self._client.bucket_exists(self.bucket):
                return
            try:
                self._client.make_bucket(self.bucket)
            except S3Error as exc:
                if exc.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                    raise

        await self._call(create)

    async def close(self) -> None:
        self._http.clear()
