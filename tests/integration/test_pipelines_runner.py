"""The runner and the argument builders against real ffmpeg 5.1 processes (small, fast clips).

Media is generated with lavfi into temp dirs; each test checks what a user would see: files
with the right codecs and dimensions, upright video, refused playlists, no stray processes.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from core.errors import InvalidMedia, MediaProcessingFailed
from pipelines.ffmpeg_args import (
    BASE_ARGS,
    render_audio_args,
    render_video_args,
    thumbnail_args,
    thumbnail_time,
)
from pipelines.ladder import plan_renditions, poster_width, thumbnail_width
from pipelines.probe import probe_command, probe_file
from pipelines.runner import kill_all_children, live_children, run_process
from pipelines.waveform import waveform_peaks, waveform_sample_rate

ROOT = Path(__file__).resolve().parents[2]


def ffmpeg(*args: str) -> None:
    subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args],
        check=True, timeout=60,
    )  # fmt: skip


def lavfi_clip(path: Path, size: str, seconds: int, *extra: str) -> str:
    ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", *extra, str(path),
    )  # fmt: skip
    return str(path)


def stream_facts(path: str) -> list[dict[str, object]]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", path],
        check=True, capture_output=True, timeout=30,
    ).stdout  # fmt: skip
    return json.loads(out)["streams"]


def top_level_boxes(path: Path) -> list[bytes]:
    """Types of the top-level ISO-BMFF boxes, in file order."""
    data, offset, boxes = path.read_bytes(), 0, []
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        boxes.append(data[offset + 4 : offset + 8])
        if size == 1:
            size = int.from_bytes(data[offset + 8 : offset + 16], "big")
        offset += size if size else len(data)
    return boxes


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def dead(pid: int) -> bool:
    """Gone, or a zombie: killed, waiting for its new parent (init) to reap it."""
    try:
        return gone(pid) or Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except FileNotFoundError:
        return True


async def started_child() -> int:
    for _ in range(200):
        if live_children():
            return next(iter(live_children()))
        await asyncio.sleep(0.01)
    raise AssertionError("no child started")


LONG_FFMPEG = [*BASE_ARGS, "-re", "-f", "lavfi", "-i", "testsrc=duration=60", "-f", "null", "-"]


@pytest.fixture(scope="module")
def hd_clip(tmp_path_factory: pytest.TempPathFactory) -> str:
    return lavfi_clip(tmp_path_factory.mktemp("src") / "hd.mp4", "1920x1080", 3)


@pytest.mark.asyncio
async def test_progress_ends_at_one(tmp_path: Path) -> None:
    argv = [
        *BASE_ARGS,
        "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=2",
        "-f", "lavfi", "-i", "sine=duration=2",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(tmp_path / "out.mp4"),
    ]  # fmt: skip
    seen: list[float] = []

    async def on_progress(fraction: float) -> None:
        seen.append(fraction)

    result = await run_process(argv, timeout=30, duration=2.0, on_progress=on_progress)

    assert result.returncode == 0
    assert seen and seen[-1] == 1.0 and seen.count(1.0) == 1
    assert seen == sorted(seen) and all(0.0 <= f <= 1.0 for f in seen)
    assert (tmp_path / "out.mp4").stat().st_size > 0


@pytest.mark.asyncio
async def test_timeout_kills_and_reaps_the_process() -> None:
    task = asyncio.create_task(run_process(LONG_FFMPEG, timeout=1, duration=60))
    pid = await started_child()
    started = time.monotonic()

    with pytest.raises(MediaProcessingFailed) as excinfo:
        await task

    assert excinfo.value.error_code == "ffmpeg_timeout"
    assert time.monotonic() - started < 5
    assert gone(pid) and not live_children()


@pytest.mark.asyncio
async def test_cancelling_the_job_kills_the_process() -> None:
    task = asyncio.create_task(run_process(LONG_FFMPEG, timeout=60))
    pid = await started_child()

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert gone(pid) and not live_children()


@pytest.mark.asyncio
async def test_kill_all_children_stops_running_jobs() -> None:
    task = asyncio.create_task(run_process(LONG_FFMPEG, timeout=60))
    pid = await started_child()

    assert kill_all_children() == 1
    with pytest.raises(MediaProcessingFailed) as excinfo:
        await task

    assert excinfo.value.error_code == "ffmpeg_failed"
    assert gone(pid)


def test_child_dies_with_a_sigkilled_worker() -> None:
    # A worker process that starts a long ffmpeg, prints its pid, then is killed with -9.
    worker = textwrap.dedent(
        f"""
        import asyncio, sys
        sys.path.insert(0, {str(ROOT)!r})
        from pipelines.runner import live_children, run_process
        async def main():
            task = asyncio.create_task(run_process({LONG_FFMPEG!r}, timeout=60))
            while not live_children():
                await asyncio.sleep(0.01)
            print(next(iter(live_children())), flush=True)
            await task
        asyncio.run(main())
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", worker], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    ffmpeg_pid = int(proc.stdout.readline())

    proc.kill()
    proc.wait(timeout=5)

    try:
        for _ in range(100):
            if dead(ffmpeg_pid):
                break
            time.sleep(0.02)
        assert dead(ffmpeg_pid)
    finally:
        if not dead(ffmpeg_pid):  # don't leak a 60 s ffmpeg when the assertion fails
            os.kill(ffmpeg_pid, 9)


@pytest.mark.asyncio
async def test_non_zero_exit_reports_last_stderr_line(tmp_path: Path) -> None:
    argv = [*BASE_ARGS, "-i", str(tmp_path / "missing.mp4"), "-f", "null", "-"]

    with pytest.raises(MediaProcessingFailed) as excinfo:
        await run_process(argv, timeout=10)

    assert excinfo.value.error_code == "ffmpeg_failed"
    assert "No such file or directory" in excinfo.value.detail


@pytest.mark.asyncio
async def test_render_and_thumbnails_end_to_end(hd_clip: str, tmp_path: Path) -> None:
    info = await probe_file(hd_clip)
    specs = plan_renditions(info)
    outputs = [(spec, str(tmp_path / spec.filename)) for spec in specs]

    await run_process(render_video_args(hd_clip, outputs, info), timeout=60)
    thumb, poster = str(tmp_path / "thumbnail.jpg"), str(tmp_path / "poster.jpg")
    await run_process(
        thumbnail_args(
            hd_clip,
            at_seconds=thumbnail_time(info.duration),
            thumbnail=(thumb, thumbnail_width(info)),
            poster=(poster, poster_width(info)),
        ),
        timeout=30,
    )

    for name, size in [("hd.mp4", (1280, 720)), ("sd.mp4", (854, 480))]:
        rendition = await probe_file(str(tmp_path / name))
        assert rendition.video is not None and rendition.audio is not None
        assert (rendition.video.codec, rendition.audio.codec) == ("h264", "aac")
        assert (rendition.video.width, rendition.video.height) == size
        assert rendition.video.pix_fmt == "yuv420p"
        assert rendition.duration == pytest.approx(3.0, abs=0.1)
        boxes = top_level_boxes(tmp_path / name)
        assert boxes.index(b"moov") < boxes.index(b"mdat")  # +faststart
    for path, size in [(thumb, (320, 180)), (poster, (1280, 720))]:
        (stream,) = stream_facts(path)
        assert stream["codec_name"] == "mjpeg"
        assert (stream["width"], stream["height"]) == size


@pytest.mark.asyncio
async def test_rotated_phone_clip_comes_out_upright(tmp_path: Path) -> None:
    plain = lavfi_clip(tmp_path / "plain.mp4", "640x360", 1)
    # In ffmpeg 5.1 the legacy rotate tag on a stream copy writes a Display Matrix;
    # rotate=270 gives the -90 a phone writes for a portrait recording.
    rotated = str(tmp_path / "rotated.mp4")
    ffmpeg("-i", plain, "-c", "copy", "-metadata:s:v", "rotate=270", rotated)
    info = await probe_file(rotated)
    assert info.video is not None and info.video.rotation == 90

    specs = plan_renditions(info)
    outputs = [(spec, str(tmp_path / spec.filename)) for spec in specs]
    await run_process(render_video_args(rotated, outputs, info), timeout=60)

    assert [(s.name, s.width, s.height) for s in specs] == [("sd", 360, 640)]
    video = stream_facts(str(tmp_path / "sd.mp4"))[0]
    assert (video["width"], video["height"]) == (360, 640)
    assert "side_data_list" not in video and "rotate" not in video.get("tags", {})


@pytest.mark.asyncio
async def test_audio_render_and_waveform(tmp_path: Path) -> None:
    src = str(tmp_path / "take.wav")
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=220:duration=3", src)  # mono: no downmix
    info = await probe_file(src)
    m4a, pcm = str(tmp_path / "audio.m4a"), str(tmp_path / "wave.pcm")
    rate = waveform_sample_rate(info.duration)

    await run_process(render_audio_args(src, m4a, pcm, pcm_rate=rate), timeout=30)

    rendition = await probe_file(m4a)
    assert rendition.kind == "audio" and rendition.audio is not None
    assert rendition.audio.codec == "aac"
    assert os.path.getsize(pcm) == pytest.approx(2 * rate * 3, rel=0.02)
    peaks = waveform_peaks(pcm)
    assert len(peaks) == 1000
    assert all(0.1 < p < 0.15 for p in peaks[5:-5])  # lavfi sine is 1/8 of full scale


@pytest.mark.asyncio
async def test_hls_playlist_is_refused(tmp_path: Path) -> None:
    segment = lavfi_clip(tmp_path / "secret.mp4", "64x64", 1)
    playlist = tmp_path / "upload.m3u8"
    playlist.write_text(f"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n{segment}\n#EXT-X-ENDLIST\n")

    with pytest.raises(InvalidMedia) as excinfo:
        await probe_file(str(playlist))
    assert excinfo.value.error_code == "playlist_not_allowed"

    # Defence in depth: ffprobe itself refuses the hls demuxer, even without the sniff.
    result = await run_process(probe_command(str(playlist)), timeout=10, capture_stdout=True, check=False)
    assert result.returncode != 0 and "not on whitelist" in result.stderr_tail


@pytest.mark.asyncio
async def test_truncated_and_non_media_files(hd_clip: str, tmp_path: Path) -> None:
    truncated = tmp_path / "cut.mp4"
    truncated.write_bytes(Path(hd_clip).read_bytes()[:20_000])  # moov is at the end
    garbage = tmp_path / "noise.bin"
    garbage.write_bytes(bytes(range(256)) * 64)

    for path, code in [(truncated, "truncated_media"), (garbage, "not_media")]:
        with pytest.raises(InvalidMedia) as excinfo:
            await probe_file(str(path))
        assert excinfo.value.error_code == code
