"""Benchmark: the whole media path on the real Procfile processes, against the bare expert command.

Three measures, side by side in one run (no threshold is asserted):

- queue hop latency: each step's ``enqueued_at`` → ``started_at`` (``job_steps``) for tiny clips
  uploaded one after the other on an otherwise idle platform, p50/p95, with the Procfile's worker
  poll and, for comparison, with Dramatiq's default (``WORKER_POLL_MS=1000``);
- upload → ready for a clean and a grainy 30 s 1080p clip: from the first byte of the POST to the
  recording's ``ready_at``, against the bare expert command (one ffmpeg with ``split`` for HD + SD,
  then an input-seeked thumbnail, the same encoder settings), the two alternating run by run;
- the HD rendition's bytes and SSIM (ffmpeg's ``ssim`` filter, against the source scaled to
  720p) beside bare x264 CRF 23 and beside the old rate control (the ladder's rate as an average).

Run from the project root: ``.venv/bin/python -m bench pipeline`` (``make bench`` runs them all).
Environment: ``DATABASE_URL``, ``REDIS_URL`` (required), ``BENCH_PIPELINE_RUNS`` (default 3),
``BENCH_PIPELINE_HOP_UPLOADS`` (default 8); ``BENCH_PIPELINE_RUNS=0`` measures the hops only. docs/benchmarks.md explains the results.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import BENCH_DIR, fresh_database, require_env, table
from bench.pipeline_media import BARE_CRF, bare_commands, ensure_source, ensure_tiny_clip, old_average_bitrate
from bench.pipeline_media import reference_encode, ssim
from bench.pipeline_stack import Processed, hops_of, start_stack, upload_until_ready, wait_job_done
from tests.e2e.stack import Stack
from bench.upload_client import Client
from pipelines.ladder import plan_renditions
from pipelines.probe import probe_file
from pipelines.runner import run_process
from storage.objects import LocalStore

RUNS = int(os.environ.get("BENCH_PIPELINE_RUNS", "3"))
HOP_UPLOADS = int(os.environ.get("BENCH_PIPELINE_HOP_UPLOADS", "8"))
CLIPS = ("clean", "grainy")
GOAL_HOP_P95_MS = 100
GOAL_READY_RATIO = 1.10
OBJECTS = BENCH_DIR / "objects-pipeline"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def measure_hops(client: Client, database_url: str, stack: Stack) -> list[tuple[str, float, float, float]]:
    """Tiny uploads one at a time, each job finished before the next: every hop starts idle."""
    tiny = ensure_tiny_clip()
    ids = []
    for _ in range(HOP_UPLOADS):
        done = upload_until_ready(client, tiny, database_url, stack)
        wait_job_done(client, done.recording_id)
        ids.append(done.recording_id)
        time.sleep(1.5)  # idle: every consumer back to waiting (doorbell, or poll at its ceiling)
    hops = hops_of(database_url, ids)
    for rid in ids:
        client.delete(rid)
    return hops


def bare_seconds(src: Path, out: Path) -> tuple[float, float]:
    """Wall and CPU seconds (the reaped ffmpeg children's user + sys) of the bare expert command."""
    info = asyncio.run(probe_file(str(src)))
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    for argv in bare_commands(str(src), info, out):
        asyncio.run(run_process(argv, timeout=900))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
    return time.perf_counter() - started, cpu


def measure_ready(client: Client, database_url: str, keep: Path, stack: Stack) -> dict[str, dict[str, object]]:
    """Platform and bare command alternate ``RUNS`` times per clip; the first HD rendition is kept."""
    results: dict[str, dict[str, object]] = {}
    store = LocalStore(OBJECTS)
    for clip in CLIPS:
        src = ensure_source(clip)
        platform_s: list[float] = []
        bare_s: list[float] = []
        bare_cpu: list[float] = []
        runs: list[Processed] = []
        for i in range(RUNS):
            done = upload_until_ready(client, src, database_url, stack)
            wait_job_done(client, done.recording_id)
            if i == 0:
                shutil.copyfile(store.path_for(done.renditions["hd"][0]), keep / f"{clip}_cadenza_hd.mp4")
            client.delete(done.recording_id)
            platform_s.append(done.seconds)
            runs.append(done)
            wall, cpu = bare_seconds(src, keep)
            bare_s.append(wall)
            bare_cpu.append(cpu)
        platform_cpu = [run.cpu_seconds for run in runs]
        results[clip] = {"platform_s": platform_s, "bare_s": bare_s, "runs": runs}
        results[clip].update(platform_cpu_s=platform_cpu, bare_cpu_s=bare_cpu)
    return results


def measure_quality(keep: Path) -> dict[str, list[tuple[str, int, int | None, float]]]:
    """(label, bytes, video bit/s, SSIM) of the HD rendition under each rate control, per clip."""
    quality = {}
    for clip in CLIPS:
        src = ensure_source(clip)
        hd = plan_renditions(asyncio.run(probe_file(str(src))))[0]
        variants = {
            "cadenza: CRF 23 capped": keep / f"{clip}_cadenza_hd.mp4",
            "old: ladder rate as average": reference_encode(src, hd, keep / f"{clip}_old.mp4", old_average_bitrate(hd)),
            "bare x264 CRF 23": reference_encode(src, hd, keep / f"{clip}_crf23.mp4", BARE_CRF),
        }
        rows = []
        for label, path in variants.items():
            video = asyncio.run(probe_file(str(path))).video
            rows.append((label, path.stat().st_size, video.bit_rate if video else None, ssim(path, src, hd)))
        quality[clip] = rows
    return quality


def report_hops(hops: dict[str, list[tuple[str, float, float, float]]]) -> dict[str, object]:
    hop_rows, record_hops = [], {}
    for label, measured in hops.items():
        values, relay, pickup = ([t[i] * 1000 for t in measured] for i in (1, 2, 3))
        p50, p95 = _percentile(values, 0.5), _percentile(values, 0.95)
        verdict = "meets" if p95 <= GOAL_HOP_P95_MS else "MISSES"
        hop_rows.append([
            label, len(values), f"{p50:.0f}", f"{p95:.0f}", f"{max(values):.0f}",
            f"{_percentile(relay, 0.5):.0f} / {_percentile(relay, 0.95):.0f}",
            f"{_percentile(pickup, 0.5):.0f} / {_percentile(pickup, 0.95):.0f}", verdict,
        ])  # fmt: skip
        steps = sorted({t[0] for t in measured})
        by_step = {step: round(statistics.median(t[1] * 1000 for t in measured if t[0] == step), 1) for step in steps}
        record_hops[label] = {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "n": len(values), "step_p50_ms": by_step}
        hop_rows.append(["  p50 by step, ms", "", *(f"{step} {ms:.0f}" for step, ms in by_step.items())][:8])
        hop_rows[-1] += [""] * (8 - len(hop_rows[-1]))
    print(f"queue hop, enqueued_at → started_at of every step, {HOP_UPLOADS} tiny clips one at a time (idle);")
    print("relay = enqueued_at → outbox sent_at (published), pick-up = sent_at → started_at (claimed)")
    headers = ["worker poll", "hops", "p50 ms", "p95 ms", "max ms", "relay p50/p95", "pick-up p50/p95"]
    print(table([*headers, f"p95 <= {GOAL_HOP_P95_MS} ms"], hop_rows))
    return record_hops


def report_ready(ready: dict[str, dict[str, object]]) -> dict[str, object]:
    ready_rows, record_ready = [], {}
    for clip, result in ready.items():
        platform = statistics.median(result["platform_s"])  # type: ignore[arg-type]
        bare = statistics.median(result["bare_s"])  # type: ignore[arg-type]
        ratio = platform / bare
        runs = " ".join(f"{p:.1f}/{b:.1f}" for p, b in zip(result["platform_s"], result["bare_s"]))  # type: ignore[call-overload]
        step_hops = [h for run in result["runs"] for h in run.hops.values()] or [0.0]  # type: ignore[attr-defined]
        ready_rows.append([
            clip, f"{platform:.2f}", f"{bare:.2f}", f"{ratio:.3f}", f"{_percentile(step_hops, 0.95) * 1000:.0f}",
            "meets" if ratio <= GOAL_READY_RATIO else "MISSES", runs,
        ])  # fmt: skip
        cpu_ratio = statistics.median(result["platform_cpu_s"]) / statistics.median(result["bare_cpu_s"])  # type: ignore[arg-type]
        ready_rows[-1].insert(4, f"{cpu_ratio:.3f}")
        record_ready[clip] = {
            "platform_s": result["platform_s"], "bare_s": result["bare_s"], "ratio": round(ratio, 3),
            "platform_cpu_s": result["platform_cpu_s"], "bare_cpu_s": result["bare_cpu_s"], "cpu_ratio": round(cpu_ratio, 3),
        }  # fmt: skip
    print()
    print(f"upload → ready, 30 s 1080p, median of {RUNS} alternating runs (platform / bare command)")
    print("cpu ratio = CPU seconds of every platform process (ffmpeg, PostgreSQL, Redis included) / the bare command's")
    headers = ["clip", "platform s", "bare s", "wall ratio", "cpu ratio", "hop p95 ms", f"wall <= {GOAL_READY_RATIO}"]
    print(table([*headers, "runs"], ready_rows))
    return record_ready


def report_quality(quality: dict[str, list[tuple[str, int, int | None, float]]]) -> dict[str, object]:
    quality_rows, record_quality = [], {}
    for clip, rows in quality.items():
        crf_bytes, crf_ssim = rows[-1][1], rows[-1][3]
        for label, size, rate, value in rows:
            quality_rows.append([
                f"{clip}: {label}", f"{size:,}", f"{(rate or 0) / 1000:.0f}", f"{size / crf_bytes:.2f}",
                f"{value:.4f}", f"{value - crf_ssim:+.4f}",
            ])  # fmt: skip
        record_quality[clip] = [
            {"rate_control": label, "bytes": size, "video_bps": rate, "ssim": value} for label, size, rate, value in rows
        ]
    print()
    print("HD rendition (1280x720, with 128k AAC), SSIM against the source scaled to 720p; cap: 4500 kb/s")
    print(table(["clip: rate control", "bytes", "video kb/s", "bytes / CRF 23", "SSIM", "ΔSSIM vs CRF 23"], quality_rows))
    return record_quality


def main() -> dict[str, object]:
    env = require_env("DATABASE_URL", "REDIS_URL")
    hops: dict[str, list[tuple[str, float, float, float]]] = {}
    ready: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp, fresh_database(env["DATABASE_URL"]) as db:
        keep = Path(tmp)
        poll = f"Procfile (WORKER_POLL_MS={os.environ.get('WORKER_POLL_MS', 'default')})"
        for label, extra in ((poll, {}), ("WORKER_POLL_MS=1000, Dramatiq's", {"WORKER_POLL_MS": "1000"})):
            stack = start_stack(db, env["REDIS_URL"], OBJECTS, BENCH_DIR / "logs-pipeline", **extra)
            client = Client(stack.base_url)
            try:
                client.register()
                upload_until_ready(client, ensure_tiny_clip(), db, stack)  # warm-up: imports, pools, caches
                hops[label] = measure_hops(client, db, stack)
                if not extra and RUNS > 0:
                    ready = measure_ready(client, db, keep, stack)
            except BaseException:
                print(stack.all_logs())
                raise
            finally:
                client.close()
                stack.stop()
        quality = measure_quality(keep) if ready else {}
    print(f"cpus={os.cpu_count()}, load(1 min)={os.getloadavg()[0]:.2f}")
    record: dict[str, object] = {"bench": "pipeline", "at": datetime.now(UTC).isoformat(timespec="seconds"), "runs": RUNS}
    record["hops"] = report_hops(hops)
    if ready:
        record["ready"] = report_ready(ready)
        record["quality"] = report_quality(quality)
    record["load_1min"] = round(os.getloadavg()[0], 2)
    print(json.dumps(record))
    return record
