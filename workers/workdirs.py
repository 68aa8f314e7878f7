"""Private temporary directories of worker processes, named so a sweeper can tell whose they are.

A worker killed with ``-9`` never runs its ``finally``: its directory (an original and its
renditions, gigabytes) stays. Each directory's name carries the pid of the process that made it
(``cadenza-work-<pid>-<tag>-<random>``), so ``workers.sweeper`` removes only directories whose
process is gone, never a live worker's, however long its render takes.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

PREFIX = "cadenza-work-"
#: ``cadenza-work-<pid>-``: the pid of the process that owns the directory.
NAME = re.compile(rf"^{re.escape(PREFIX)}(\d+)-")


def new_workdir(tag: str) -> Path:
    """A new private directory under the system's temporary directory, owned by this process."""
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-{tag}-"))


@contextlib.contextmanager
def workdir(tag: str) -> Iterator[Path]:
    """``new_workdir``, removed with everything in it on the way out."""
    path = new_workdir(tag)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def owner_pid(path: Path) -> int | None:
    """The pid in a work directory's name, or None for any other name."""
    match = NAME.match(path.name)
    return int(match.group(1)) if match else None


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def remove_abandoned(root: Path, *, older_than: float) -> list[Path]:
    """Remove work directories under ``root`` whose process is gone and that were last modified
    before ``older_than`` (a ``time.time()`` value). Returns what was removed."""
    removed = []
    for path in root.glob(f"{PREFIX}*"):
        pid = owner_pid(path)
        if pid is None or not path.is_dir() or process_alive(pid):
            continue
        try:
            if path.stat().st_mtime >= older_than:
                continue
        except FileNotFoundError:
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed
