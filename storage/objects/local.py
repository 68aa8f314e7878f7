"""``LocalStore``: objects as files under one root directory, for development and single-host installs.

Layout: the object ``a/b/c`` is the file ``<root>/a/b/c``. Its content type lives in a sidecar
``<root>/a/b/c.meta.json`` because the keys that matter most (``original``) have no extension to
derive it from; without a sidecar the type is guessed from the extension. Writes go to
``<file>.part-<random>`` in the same directory and are renamed into place after an fdatasync, so
a reader sees the old object or the new one, never a torn one. Keys whose segments would collide
with those names (``*.meta.json``, ``*.part-*``) are refused. File I/O runs in worker threads
(``asyncio.to_thread``), a batch of about 1 MiB at a time, so the event loop never blocks on disk;
``put_stream`` writes one batch while the next arrives, and the part file's writeback starts as it
grows (``_atomic``), so the sync at the end is short.
"""

from __future__ import annotations

import asyncio
import json
import mimetypes
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

from core.errors import NotFound, StorageUnavailable

from ._atomic import PART_MARKER, AtomicFile
from ._streams import BlockingReadStream, empty_stream
from .base import ObjectInfo, ObjectStore, check_range, check_read_length, too_large
from .keys import validate_key, validate_prefix

__all__ = ["LocalStore"]

META_SUFFIX = ".meta.json"
WRITE_BATCH_BYTES = 1 * 1024 * 1024
DEFAULT_CONTENT_TYPE = "application/octet-stream"

_T = TypeVar("_T")


class LocalStore(ObjectStore):
    """Filesystem-backed ``ObjectStore``; ``presigned_url`` is ``None`` (the API signs its own URLs)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    # -- key → path -----------------------------------------------------------------------------

    def path_for(self, key: str) -> Path:
        """The file for ``key``; ``ValueError`` for any key that could leave the root."""
        validate_key(key)
        for segment in key.split("/"):
            if segment.endswith(META_SUFFIX) or PART_MARKER in segment:
                raise ValueError(f"object key segment {segment!r} is reserved by LocalStore")
        return self._inside_root(self.root.joinpath(*key.split("/")))

    def _inside_root(self, path: Path) -> Path:
        # Validation already excludes "..", but a symlink planted inside the root could still
        # point elsewhere: compare real paths as the last line of defence.
        real_root = os.path.realpath(self.root)
        if not os.path.realpath(path).startswith(real_root + os.sep):
            raise ValueError(f"object path {path} escapes the store root")
        return path

    @staticmethod
    def _meta_path(path: Path) -> Path:
        return path.with_name(path.name + META_SUFFIX)

    async def _io(self, func: Callable[..., _T], *args: object) -> _T:
        """Run blocking file work in a thread; disk faults become ``StorageUnavailable``."""
        try:
            return await asyncio.to_thread(func, *args)
        except OSError as exc:
            raise StorageUnavailable(f"local object store I/O failed: {exc.strerror or exc}") from exc

    # -- writes -----------------------------------------------------------------------------------

    async def put_stream(
        self,
        key: str,
        chunks: AsyncIterator[bytes],
        *,
        content_type: str,
        max_bytes: int | None = None,
    ) -> int:
        target = await self._open_part(self.path_for(key))
        writing: asyncio.Task[None] | None = None  # one batch is written while the next one fills
        try:
            size = 0
            batch: list[bytes] = []
            batched = 0
            async for chunk in chunks:
                if not chunk:
                    continue
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise too_large(max_bytes)
                batch.append(bytes(chunk))  # a no-op for bytes; copies a reusable bytearray
                batched += len(chunk)
                if batched >= WRITE_BATCH_BYTES:
                    if writing is not None:
                        await writing
                    writing = asyncio.ensure_future(self._io(target.write, *batch))
                    batch, batched = [], 0
            if writing is not None:
                await writing
            if batch:
                await self._io(target.write, *batch)
            await self._io(self._commit, target, content_type)
        except BaseException:
            if writing is not None:
                _abandon(writing)
            # Synchronous on purpose: after a cancellation an awaited cleanup could be cancelled
            # again. discard() waits (on the file's lock) for at most one in-flight batch write.
            target.discard()
            raise
        return size

    async def _open_part(self, final: Path) -> AtomicFile:
        """Create the part file in a thread without leaking it if we are cancelled meanwhile."""
        opening = asyncio.ensure_future(self._io(lambda: AtomicFile(final, write_behind=True)))
        try:
            return await asyncio.shield(opening)
        except asyncio.CancelledError:
            opening.add_done_callback(
                lambda done: None if done.cancelled() or done.exception() else done.result().discard()
            )
            raise

    async def put_file(self, key: str, path: str | Path, *, content_type: str) -> int:
        final = self.path_for(key)
        source = await asyncio.to_thread(open, path, "rb")  # a missing source is the caller's bug

        def copy() -> int:
            with source:
                target = AtomicFile(final, write_behind=True)
                try:
                    while block := source.read(WRITE_BATCH_BYTES):
                        target.write(block)
                    return self._commit(target, content_type)
                except BaseException:
                    target.discard()
                    raise

        return await self._io(copy)

    def _commit(self, target: AtomicFile, content_type: str) -> int:
        meta = AtomicFile(self._meta_path(target.final))
        try:
            meta.write(json.dumps({"content_type": content_type}).encode())
            meta.commit()
        except BaseException:
            meta.discard()
            raise
        return target.commit()

    # -- reads ------------------------------------------------------------------------------------

    def _open_existing(self, key: str, path: Path) -> BinaryIO:
        try:
            handle = open(path, "rb")  # noqa: SIM115 - the caller owns it
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise NotFound(f"object {key!r} does not exist", error_code="object_not_found") from None
        if not os.path.isfile(path):
            handle.close()
            raise NotFound(f"object {key!r} does not exist", error_code="object_not_found")
        return handle

    async def get_to_file(self, key: str, path: str | Path) -> None:
        source_path = self.path_for(key)
        destination = Path(path)

        def copy() -> None:
            with self._open_existing(key, source_path) as source:
                target = AtomicFile(destination)
                try:
                    while block := source.read(WRITE_BATCH_BYTES):
                        target.write(block)
                    target.commit(durable=False)
                except BaseException:
                    target.discard()
                    raise

        await self._io(copy)

    async def local_path(self, key: str) -> Path:
        """The stored file itself (inside the root, symlinks refused), so readers need no copy."""
        path = self.path_for(key)

        def existing() -> Path:
            self._open_existing(key, path).close()  # NotFound for a missing object or a directory
            return path

        return await self._io(existing)

    async def read_head(self, key: str, n: int) -> bytes:
        check_read_length(n)
        path = self.path_for(key)

        def read() -> bytes:
            with self._open_existing(key, path) as handle:
                return handle.read(n)

        return await self._io(read)

    async def open_range(self, key: str, start: int, end: int | None) -> AsyncIterator[bytes]:
        check_range(start, end)
        path = self.path_for(key)

        def open_at() -> tuple[BinaryIO, int]:
            handle = self._open_existing(key, path)
            size = os.fstat(handle.fileno()).st_size
            handle.seek(start)
            return handle, size

        handle, size = await self._io(open_at)
        last = size - 1 if end is None else min(end, size - 1)
        if start > last:
            handle.close()
            return empty_stream()
        return BlockingReadStream(handle.read, handle.close, last - start + 1)

    async def stat(self, key: str) -> ObjectInfo | None:
        path = self.path_for(key)

        def read_stat() -> ObjectInfo | None:
            try:
                st = path.stat()
            except (FileNotFoundError, NotADirectoryError):
                return None
            if not path.is_file():
                return None
            return ObjectInfo(key, st.st_size, self._content_type(path), f"{st.st_mtime_ns:x}-{st.st_size:x}")

        return await self._io(read_stat)

    def _content_type(self, path: Path) -> str:
        try:
            meta = json.loads(self._meta_path(path).read_bytes())
            return str(meta["content_type"])
        except (OSError, ValueError, KeyError, TypeError):
            return mimetypes.guess_type(path.name)[0] or DEFAULT_CONTENT_TYPE

    # -- deletes ----------------------------------------------------------------------------------

    async def delete(self, key: str) -> None:
        path = self.path_for(key)

        def remove() -> None:
            if path.is_dir():
                return  # a "directory" is not an object; nothing to do
            path.unlink(missing_ok=True)
            self._meta_path(path).unlink(missing_ok=True)

        await self._io(remove)

    async def delete_prefix(self, prefix: str) -> int:
        validate_prefix(prefix)
        directory = self.path_for(prefix[:-1])

        def remove_tree() -> int:
            removed = 0
            # Unlink file by file (not rmtree) so a concurrent upload into the tree cannot make
            # the whole deletion fail; empty directories are pruned bottom-up afterwards.
            for current, dirnames, filenames in os.walk(directory, topdown=False):
                for name in filenames:
                    try:
                        os.unlink(os.path.join(current, name))
                    except FileNotFoundError:
                        continue
                    if not name.endswith(META_SUFFIX) and PART_MARKER not in name:
                        removed += 1
                for name in dirnames:
                    try:
                        os.rmdir(os.path.join(current, name))
                    except OSError:
                        pass
            try:
                os.rmdir(directory)
            except OSError:
                pass
            return removed

        return await self._io(remove_tree)

    # -- the rest -----------------------------------------------------------------------------------

    async def presigned_url(self, key: str, *, expires: int, filename: str | None = None) -> str | None:
        self.path_for(key)
        return None

    async def check(self) -> None:
        def probe() -> None:
            if not self.root.is_dir() or not os.access(self.root, os.W_OK | os.X_OK):
                raise StorageUnavailable(f"object store root {self.root} is missing or not writable")

        await self._io(probe)

    async def ensure_ready(self) -> None:
        await self._io(lambda: self.root.mkdir(parents=True, exist_ok=True))

    async def close(self) -> None:
        return None


def _abandon(task: asyncio.Task[None]) -> None:
    """Stop waiting for a batch write we no longer need; its outcome is read so none goes unseen."""
    task.cancel()  # the thread finishes its write (discard() waits for it); the task stops waiting
    task.add_done_callback(lambda done: None if done.cancelled() else done.exception())
