"""An ffmpeg failure's message names files, never the worker's temporary paths: owners read it in
their job's steps (issue 11 item 8, the same kind of leak as the thumbnails step's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import MediaProcessingFailed
from pipelines.runner import run_process


async def test_an_ffmpeg_failure_does_not_show_the_working_directory(tmp_path: Path) -> None:
    source = tmp_path / "work" / "original"
    source.parent.mkdir()
    source.write_bytes(b"this is not media at all" * 100)
    argv = ["ffmpeg", "-nostdin", "-hide_banner", "-i", str(source), "-f", "null", "-"]

    with pytest.raises(MediaProcessingFailed) as failed:
        await run_process(argv, timeout=30)

    assert failed.value.error_code == "ffmpeg_failed"
    assert "original" in failed.value.detail and str(tmp_path) not in failed.value.detail
