"""Local working copies: ffmpeg only ever reads and writes local temp files, never URLs."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

from storage.models.recordings import Recording
from workers.runtime import WorkerContext
from workers.workdirs import new_workdir


@contextlib.asynccontextmanager
async def working_copy(ctx: WorkerContext, recording: Recording) -> AsyncIterator[tuple[Path, Path]]:
    """Download the original into a private temp dir; yields (workdir, original path)."""
    workdir = new_workdir(f"recording-{recording.id}")  # named with our pid: see workers.workdirs
    try:
        original = workdir / "original"
        await ctx.store.get_to_file(recording.original_key, original)
        yield workdir, original
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
