"""Local files for ffmpeg: it only ever reads and writes local paths, never URLs.

A step gets a private temp dir for its outputs and the original to read. Where the store keeps
the object as a file on this machine (``LocalStore``), that file is read in place: copying a
large original into every step's temp dir cost a full read and write per step for nothing, since
ffmpeg and ffprobe only read their input. Other stores (S3) download it once into the temp dir.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

from pipelines.media import MediaInfo
from pipelines.probe import probe_file
from storage.models.recordings import Recording
from workers.runtime import WorkerContext
from workers.workdirs import new_workdir


@contextlib.asynccontextmanager
async def working_copy(ctx: WorkerContext, recording: Recording) -> AsyncIterator[tuple[Path, Path]]:
    """Yield (private temp dir, path of the original to read, never to write); the dir is removed after."""
    workdir = new_workdir(f"recording-{recording.id}")  # named with our pid: see workers.workdirs
    try:
        original = await ctx.store.local_path(recording.original_key)
        if original is None:
            original = workdir / "original"
            await ctx.store.get_to_file(recording.original_key, original)
        yield workdir, original
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


async def source_info(recording: Recording, original: Path) -> MediaInfo:
    """What the probe step found in this original (stored with the recording), else ffprobe it now.

    The probe step runs before render and thumbnails and stores its findings, so probing the same
    file again in each of them only added an ffprobe to each step's critical path.
    """
    return MediaInfo.from_dict(recording.media_info) or await probe_file(str(original))
