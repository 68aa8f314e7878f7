"""Rate control of the renditions as a viewer's data plan sees it: capped quality, real ffmpeg.

An easy picture (a still test card) costs a fraction of the ladder's rate, where an average
bitrate spent most of it; a hard one (heavy temporal grain, which CRF alone would encode at
tens of Mb/s) stays within the ladder's cap: ``maxrate`` over the clip plus at most one
``bufsize`` of buffered burst, which is what the VBV guarantees.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.ffmpeg_args import render_video_args, timeout_for
from pipelines.ladder import RenditionSpec, plan_renditions
from pipelines.probe import probe_file
from pipelines.runner import run_process
from tests.media import ffmpeg

SECONDS = 2


def source(path: Path, lavfi: str) -> Path:
    ffmpeg(
        "-f", "lavfi", "-i", f"{lavfi}=size=1280x720:rate=30:duration={SECONDS}",
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-pix_fmt", "yuv420p", str(path),
    )  # fmt: skip
    return path


async def render(src: Path, out: Path) -> dict[str, tuple[int, float, RenditionSpec]]:
    """Render every rendition; name → (video bits/s, duration s, spec)."""
    info = await probe_file(str(src))
    outputs = [(spec, str(out / spec.filename)) for spec in plan_renditions(info)]
    await run_process(render_video_args(str(src), outputs, info), timeout=timeout_for(info.duration))
    rendered = {}
    for spec, path in outputs:
        probed = await probe_file(path)
        assert probed.video is not None and probed.video.bit_rate is not None
        rendered[spec.name] = (probed.video.bit_rate, probed.duration, spec)
    return rendered


async def test_easy_content_costs_a_fraction_of_the_ladder_rate(tmp_path: Path) -> None:
    src = source(tmp_path / "easy.mp4", "testsrc")  # a still test card with a ticking counter

    rendered = await render(src, tmp_path)

    assert set(rendered) == {"hd", "sd"}
    for bitrate, _, spec in rendered.values():
        # An average-bitrate encode of this card lands near 1 Mb/s for HD; quality-driven, ~0.1.
        assert bitrate < spec.video_bitrate / 10, (spec.name, bitrate)


async def test_grainy_content_never_exceeds_the_ladder_caps(tmp_path: Path) -> None:
    grain = tmp_path / "grain.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=30:duration={SECONDS},noise=alls=20:allf=t",
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-pix_fmt", "yuv420p", str(grain),
    )  # fmt: skip

    rendered = await render(grain, tmp_path)

    assert set(rendered) == {"hd", "sd"}
    for bitrate, duration, spec in rendered.values():
        maxrate, bufsize = spec.maxrate, spec.bufsize
        # Hard content: the cap, not the quality target, decides the size (CRF 23 alone: ~50 Mb/s).
        assert bitrate > maxrate / 2, (spec.name, bitrate)
        # The VBV bound over the clip, with 5% for the encoder's rounding of its model.
        assert bitrate * duration <= (maxrate * duration + bufsize) * 1.05, (spec.name, bitrate)
