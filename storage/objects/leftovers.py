"""Part files a ``LocalStore`` write left behind when its process died mid-upload.

A write goes to ``<final>.part-<random>`` and is renamed into place on commit, or removed on
discard (``_atomic``); a process killed meanwhile leaves the part file for good. A part file
still being written has its modification time renewed by every chunk, so one untouched for
longer than the bound belongs to nobody.
"""

from __future__ import annotations

import os
from pathlib import Path

from storage.objects._atomic import PART_MARKER


def remove_stale_parts(root: Path, *, older_than: float) -> list[Path]:
    """Remove part files under ``root`` last modified before ``older_than`` (``time.time()``)."""
    removed = []
    for directory, _dirs, files in os.walk(root):
        for name in files:
            if PART_MARKER not in name:
                continue
            path = Path(directory) / name
            try:
                if path.stat().st_mtime >= older_than:
                    continue
                path.unlink()
            except FileNotFoundError:  # committed or discarded meanwhile
                continue
            removed.append(path)
    return removed
