"""Run the benchmarks in turn and collect their JSON records in ``.var/bench/results.jsonl``.

    python -m bench                 every benchmark (what ``make bench`` runs)
    python -m bench upload          only the named ones (render, upload, pipeline)

Each benchmark prints its own table and returns its record (a dict, or a list of them); this
runner writes this run's records, one JSON line each, to ``.var/bench/results.jsonl`` (replaced
on every run). Benchmarks print ratios side by side and assert no threshold: the exit status is
non-zero only when a benchmark could not run.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import sys
import time
import traceback

from bench.common import BENCH_DIR

#: name → module under ``bench``; run in this order.
BENCHES = {"render": "bench.bench_render", "upload": "bench.bench_upload", "reads": "bench.bench_reads"}
BENCHES["pipeline"] = "bench.bench_pipeline"  # upload → ready, queue hops, bytes and SSIM
BENCHES["comments"] = "bench.bench_comments"  # a page of threads: one statement vs one query per thread
BENCHES["progress"] = "bench.bench_progress"  # a course's progress: one statement vs a per-chapter loop
BENCHES["search"] = "bench.bench_search"  # full-text search against ILIKE (BENCH_SEARCH_SCALE)
RESULTS = BENCH_DIR / "results.jsonl"


def run_one(name: str) -> list[dict[str, object]]:
    module = importlib.import_module(BENCHES[name])
    result = module.main()
    if inspect.isawaitable(result):  # bench_render's main is a coroutine
        result = asyncio.run(result)
    if result is None:
        return []
    return list(result) if isinstance(result, list | tuple) else [result]


def main(argv: list[str]) -> int:
    unknown = [name for name in argv if name not in BENCHES]
    if unknown or any(arg in ("-h", "--help") for arg in argv):
        print(f"usage: python -m bench [{' '.join(BENCHES)}]...", file=sys.stderr)
        return 0 if not unknown else 2
    names = argv or list(BENCHES)
    records: list[dict[str, object]] = []
    failed: list[str] = []
    for name in names:
        print(f"\n===== bench {name}", flush=True)
        started = time.monotonic()
        try:
            records.extend(run_one(name))
        except Exception:  # noqa: BLE001 - report it and go on with the others
            traceback.print_exc()
            failed.append(name)
        print(f"===== bench {name}: {'FAILED' if name in failed else 'done'} in {time.monotonic() - started:.0f} s")
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    print(f"\n{len(records)} result(s) written to {RESULTS}")
    if failed:
        print(f"could not run: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
