"""Benchmark: Cadenza's render + thumbnail steps against a naive one-process-per-output pipeline.

Cadenza decodes the source once for both renditions (cascaded scale + split) and grabs the
thumbnail frame with an input seek. The naive pipeline runs three ffmpeg processes that each
decode from the start: HD from the source, SD from the source, and the images via an output
seek. Encoder settings are identical, so the difference is the pipeline's shape alone.

Run from the project root: ``.venv/bin/python -m bench.bench_render``.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from pipelines.ffmpeg_args import BASE_ARGS, render_video_args, thumbnail_args, thumbnail_time, video_encoder_args
from pipelines.ladder import RenditionSpec, plan_renditions, poster_width, thumbnail_width
from pipelines.media import MediaInfo
from pipelines.probe import probe_file
from pipelines.runner import run_process

BENCH_DIR = Path(__file__).resolve().parents[1] / ".var" / "bench"
SOURCE_SECONDS = 30
RUNS = 3
GOAL_RATIO = 0.85
TIMEOUT = 600.0


def ensure_source() -> Path:
    """A 30 s 1080p30 H.264/AAC clip with 2 s GOPs, like a phone's, generated once and cached."""
    path = BENCH_DIR / f"source_1080p_{SOURCE_SECONDS}s.mp4"
    if path.exists() and path.stat().st_size > 0:
        return path
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.mp4")
    subprocess.run(
        [
            "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={SOURCE_SECONDS}",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={SOURCE_SECONDS}",
            "-c:v", "libx264", "-preset", "veryfast", "-b:v", "12M", "-g", "60",
            "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "192k", "-shortest",
            str(partial),
        ],
        check=True,
    )  # fmt: skip
    partial.rename(path)
    return path


def cadenza_commands(src: str, info: MediaInfo, out: Path) -> list[list[str]]:
    outputs = [(spec, str(out / spec.filename)) for spec in plan_renditions(info)]
    images = thumbnail_args(
        src,
        at_seconds=thumbnail_time(info.duration),
        thumbnail=(str(out / "thumbnail.jpg"), thumbnail_width(info)),
        poster=(str(out / "poster.jpg"), poster_width(info)),
    )
    return [render_video_args(src, outputs, info), images]


def _naive_rendition(src: str, spec: RenditionSpec, path: str) -> list[str]:
    return [
        *BASE_ARGS, "-i", src, "-vf", f"scale={spec.width}:{spec.height}",
        "-map", "0:v:0", "-map", "0:a:0?", *video_encoder_args(spec), "-c:a", "aac", "-b:a", "128k", "-ac", "2",
        "-movflags", "+faststart", "-f", "mp4", path,
    ]  # fmt: skip


def naive_commands(src: str, info: MediaInfo, out: Path) -> list[list[str]]:
    renditions = [_naive_rendition(src, spec, str(out / f"naive_{spec.filename}")) for spec in plan_renditions(info)]
    at = f"{thumbnail_time(info.duration):.3f}"
    graph = f"[0:v:0]split=2[a][b];[a]scale={thumbnail_width(info)}:-2[t];" f"[b]scale={poster_width(info)}:-2[p]"
    images = [
        *BASE_ARGS, "-i", src, "-ss", at, "-filter_complex", graph,  # output seek: decodes up to `at`
        "-map", "[t]", "-frames:v", "1", "-q:v", "3", str(out / "naive_thumbnail.jpg"),
        "-map", "[p]", "-frames:v", "1", "-q:v", "3", str(out / "naive_poster.jpg"),
    ]  # fmt: skip
    return [*renditions, images]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def timed(commands: list[list[str]]) -> tuple[float, float]:
    """Wall and CPU seconds (user+sys of the reaped children) to run ``commands`` in order.

    CPU time is reported beside wall time because it barely moves when other jobs share the
    machine, while wall time does.
    """
    cpu, started = _children_cpu(), time.perf_counter()
    for argv in commands:
        await run_process(argv, timeout=TIMEOUT)
    return time.perf_counter() - started, _children_cpu() - cpu


async def main() -> dict[str, object]:
    src = ensure_source()
    info = await probe_file(str(src))
    times: dict[str, list[float]] = {"cadenza": [], "naive": []}
    cpu: dict[str, list[float]] = {"cadenza": [], "naive": []}
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        out = Path(tmp)
        plans = {
            "cadenza": cadenza_commands(str(src), info, out),
            "naive": naive_commands(str(src), info, out),
        }
        for _ in range(RUNS):  # alternate, so drift (thermal, noisy neighbours) hits both
            for name, commands in plans.items():
                wall, used = await timed(commands)
                times[name].append(wall)
                cpu[name].append(used)
    medians = {name: statistics.median(values) for name, values in times.items()}
    cpu_medians = {name: statistics.median(values) for name, values in cpu.items()}
    ratio = medians["cadenza"] / medians["naive"]
    cpu_ratio = cpu_medians["cadenza"] / cpu_medians["naive"]
    load = os.getloadavg()[0]

    print(
        f"source: {src} ({SOURCE_SECONDS} s 1920x1080), {RUNS} runs each, "
        f"cpus={os.cpu_count()}, load(1 min)={load:.2f}"
    )
    print(f"{'pipeline':<10} {'processes':>9} {'wall med s':>10} {'cpu med s':>9}  wall runs")
    for name, values in times.items():
        runs = " ".join(f"{v:.2f}" for v in values)
        print(f"{name:<10} {len(plans[name]):>9} {medians[name]:>10.2f} " f"{cpu_medians[name]:>9.2f}  {runs}")
    verdict = "meets" if ratio <= GOAL_RATIO else "MISSES"
    print(f"wall ratio cadenza/naive = {ratio:.3f} ({verdict} the goal <= {GOAL_RATIO})")
    print(f"cpu ratio cadenza/naive  = {cpu_ratio:.3f}")

    record = {
        "bench": "render",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source_seconds": SOURCE_SECONDS,
        "runs": RUNS,
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "cadenza_s": [round(v, 3) for v in times["cadenza"]],
        "naive_s": [round(v, 3) for v in times["naive"]],
        "cadenza_median_s": round(medians["cadenza"], 3),
        "naive_median_s": round(medians["naive"], 3),
        "ratio": round(ratio, 3),
        "cadenza_cpu_s": round(cpu_medians["cadenza"], 3),
        "naive_cpu_s": round(cpu_medians["naive"], 3),
        "cpu_ratio": round(cpu_ratio, 3),
        "load_1min": round(load, 2),
        "goal": GOAL_RATIO,
    }
    line = json.dumps(record)
    with open(BENCH_DIR / "bench_render.jsonl", "a", encoding="utf-8") as log:
        log.write(line + "\n")
    print(line)
    return record


if __name__ == "__main__":
    result = asyncio.run(main())
    sys.exit(0 if float(result["ratio"]) <= GOAL_RATIO else 1)  # type: ignore[arg-type]
