"""Write a file next to its destination and rename it into place, so readers never see half of it.

Used by ``LocalStore`` for every write and by both stores' ``get_to_file``. The part file lives in
the destination's own directory (``<final>.part-<random>``) because ``os.replace`` is only atomic
within one filesystem. A lock serialises ``write`` with ``discard``: when an upload is cancelled
while a chunk is being written in a worker thread, the cleanup waits for that write instead of
closing the descriptor under it.
"""

from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path

PART_MARKER = ".part-"


class AtomicFile:
    """A ``<final>.part-<random>`` file that becomes ``final`` on ``commit`` or vanishes on ``discard``."""

    def __init__(self, final: Path) -> None:
        final.parent.mkdir(parents=True, exist_ok=True)
        self.final = final
        self.part = final.with_name(f"{final.name}{PART_MARKER}{secrets.token_hex(8)}")
        self._lock = threading.Lock()
        self._file = open(self.part, "xb")  # noqa: SIM115 - closed by commit()/discard()
        self.size = 0

    def write(self, *chunks: bytes) -> None:
        """Append ``chunks`` (blocking: call from a worker thread, a batch at a time)."""
        with self._lock:
            if self._file.closed:
                raise OSError(f"write to discarded part file {self.part}")
            for chunk in chunks:
                self._file.write(chunk)
                self.size += len(chunk)

    def commit(self, *, durable: bool = True) -> int:
        """Rename the part file onto ``final`` and return its size.

        ``durable`` fsyncs data and directory first, so a crash never leaves a renamed but empty
        file; worker scratch downloads skip it because they are rebuilt on retry anyway.
        """
        with self._lock:
            try:
                self._file.flush()
                if durable:
                    os.fsync(self._file.fileno())
                self._file.close()
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
            self._file.close()
        finally:
            self.part.unlink(missing_ok=True)


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
