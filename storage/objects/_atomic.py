"""Write a file next to its destination and rename it into place, so readers never see half of it.

Used by ``LocalStore`` for every write and by both stores' ``get_to_file``. The part file lives in
the destination's own directory (``<final>.part-<random>``) because ``os.replace`` is only atomic
within one filesystem. A lock serialises ``write`` with ``discard``: when an upload is cancelled
while a chunk is being written in a worker thread, the cleanup waits for that write instead of
closing the descriptor under it (where a later write could land in a reused descriptor).

Durable writes (``write_behind=True``) hand each ``WRITE_BEHIND_BYTES`` of written data to the
kernel's writeback at once (``sync_file_range(SYNC_FILE_RANGE_WRITE)``: start, do not wait), so
the disk works while the rest of the file is still arriving and the ``fdatasync`` in ``commit``
only has the tail left to flush. That is a hint: durability still comes from ``commit``.
"""

from __future__ import annotations

import ctypes
import os
import secrets
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

PART_MARKER = ".part-"
#: Start the writeback of every this many bytes written (durable files on Linux only).
WRITE_BEHIND_BYTES = 8 * 1024 * 1024
_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _iov_max() -> int:
    """How many buffers one ``writev`` takes (1024 on Linux; POSIX promises at least 16)."""
    try:
        n = os.sysconf("SC_IOV_MAX")
    except (AttributeError, ValueError, OSError):
        n = -1
    return n if n > 0 else 16


_IOV_MAX = _iov_max()
_fdatasync: Callable[[int], None] = getattr(os, "fdatasync", os.fsync)  # macOS has no fdatasync


class AtomicFile:
    """A ``<final>.part-<random>`` file that becomes ``final`` on ``commit`` or vanishes on ``discard``."""

    def __init__(self, final: Path, *, write_behind: bool = False) -> None:
        final.parent.mkdir(parents=True, exist_ok=True)
        self.final = final
        self.part = final.with_name(f"{final.name}{PART_MARKER}{secrets.token_hex(8)}")
        self._lock = threading.Lock()
        self._fd: int | None = os.open(self.part, _OPEN_FLAGS, 0o666)  # closed by commit()/discard()
        self.size = 0
        self._write_behind = write_behind and _sync_file_range is not None
        self._handed_off = 0  # bytes already given to the kernel's writeback

    def write(self, *chunks: bytes | bytearray | memoryview) -> None:
        """Append ``chunks`` (blocking: call from a worker thread, a batch at a time)."""
        with self._lock:
            if self._fd is None:
                raise OSError(f"write to discarded part file {self.part}")
            if len(chunks) == 1 or not hasattr(os, "writev"):
                for chunk in chunks:
                    self.size += _write_all(self._fd, chunk)
            else:
                for start in range(0, len(chunks), _IOV_MAX):
                    self.size += _writev_all(self._fd, chunks[start : start + _IOV_MAX])
            if self._write_behind and self.size - self._handed_off >= WRITE_BEHIND_BYTES:
                self._start_writeback()

    def _start_writeback(self) -> None:
        assert self._fd is not None and _sync_file_range is not None
        if _sync_file_range(self._fd, self._handed_off, self.size - self._handed_off) != 0:
            self._write_behind = False  # not supported here (EINVAL, ESPIPE...): commit flushes it all
            return
        self._handed_off = self.size

    def commit(self, *, durable: bool = True) -> int:
        """Rename the part file onto ``final`` and return its size.

        ``durable`` syncs data (``fdatasync``: content and size, not timestamps) and then, after
        the rename, the directory, so a crash never leaves a renamed but empty file; worker
        scratch downloads skip it because they are rebuilt on retry anyway.
        """
        with self._lock:
            try:
                if self._fd is None:
                    raise OSError(f"commit of discarded part file {self.part}")
                if durable:
                    _fdatasync(self._fd)
                fd, self._fd = self._fd, None
                os.close(fd)
                os.replace(self.part, self.final)
            except BaseException:
                self._discard_locked()
                raise
        if durable:
            fsync_dir(self.final.parent)
        return self.size

    def discard(self) -> None:
        """Close and remove the part file; safe to call more than once."""
        with self._lock:
            self._discard_locked()

    def _discard_locked(self) -> None:
        try:
            if self._fd is not None:
                fd, self._fd = self._fd, None
                os.close(fd)
        finally:
            self.part.unlink(missing_ok=True)


def _write_all(fd: int, data: bytes | bytearray | memoryview) -> int:
    view = memoryview(data).cast("B")
    total = len(view)
    while view:
        view = view[os.write(fd, view) :]
    return total


def _writev_all(fd: int, chunks: Sequence[bytes | bytearray | memoryview]) -> int:
    """``writev`` until every byte is written (a short write resumes where it stopped)."""
    views = [memoryview(c).cast("B") for c in chunks if len(c)]
    total = sum(len(v) for v in views)
    while views:
        written = os.writev(fd, views)
        while views and written >= len(views[0]):
            written -= len(views[0])
            views.pop(0)
        if written:
            views[0] = views[0][written:]
    return total


def fsync_dir(path: Path) -> None:
    """Persist a rename: POSIX only guarantees it once the directory itself is synced."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems (and all of Windows) refuse fsync on directories
    finally:
        os.close(fd)


def _load_sync_file_range() -> Callable[[int, int, int], int] | None:
    """Linux's ``sync_file_range(fd, offset, nbytes, SYNC_FILE_RANGE_WRITE)`` via libc, or ``None``.

    Python's ``os`` does not wrap it. ctypes releases the GIL around the call.
    """
    if not hasattr(os, "uname") or os.uname().sysname != "Linux":
        return None
    try:
        func = ctypes.CDLL(None, use_errno=True).sync_file_range  # libc, already loaded
    except (OSError, AttributeError):
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    func.restype = ctypes.c_int
    sync_file_range_write = 2  # SYNC_FILE_RANGE_WRITE: start writeback of dirty pages, do not wait

    def start_writeback(fd: int, offset: int, nbytes: int) -> int:
        return int(func(fd, offset, nbytes, sync_file_range_write))

    return start_writeback


_sync_file_range = _load_sync_file_range()
