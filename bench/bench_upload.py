"""Benchmark: streaming upload of a 1 GiB file through the real web process, against ``cp``.

Two numbers, side by side in one run (no threshold is asserted):

- peak RSS growth of the web process during the upload (goal: under 64 MiB), from the kernel's
  own high-water mark (``VmHWM`` in ``/proc/PID/status``, reset to the current RSS just before
  the upload through ``/proc/PID/clear_refs``) and cross-checked by sampling ``VmRSS``;
- throughput against ``cp`` of the same file onto the same filesystem (goal: 0.5x or better).
  The page cache cannot be dropped without root, so ``cp`` runs once untimed (the source is then
  warm for both), then upload and ``cp`` alternate ``RUNS`` times and the best of each is kept.

Only the ``web`` line of the Procfile runs (no relay, no workers): the upload is measured, not
the processing; the outbox row of each upload just stays pending in a throw-away database.
The upload's wall time runs from the first byte sent to the ``202`` answer, so it includes the
store's ``fsync`` and the database commit; ``cp`` does not fsync, so the time of an ``fsync``
right after it is reported beside it (and a ratio against ``cp`` + ``fsync``) for fairness.

Optionally (``BENCH_UPLOAD_S3_MIB``, default 256, ``0`` skips) the same upload goes to an S3
store (moto, in this process; it keeps objects in memory, hence the smaller size) to report the
web process's RSS growth on that backend too.

Run from the project root: ``.venv/bin/python -m bench upload`` (``make bench`` runs them all).
Environment: ``DATABASE_URL`` and ``REDIS_URL`` (required), ``BENCH_UPLOAD_MIB`` (default 1024),
``BENCH_UPLOAD_S3_MIB`` (default 256), ``BENCH_UPLOAD_RUNS`` (default 2), ``BENCH_KEEP_FILES``
(keep the generated source file).
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import secrets
import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.common import (
    BENCH_DIR,
    MIB,
    RssSampler,
    find_process,
    fresh_database,
    proc_cpu_seconds,
    proc_memory,
    require_env,
    reset_peak_rss,
    table,
)
from tests.e2e.stack import Stack

SIZE_MIB = int(os.environ.get("BENCH_UPLOAD_MIB", "1024"))
S3_SIZE_MIB = int(os.environ.get("BENCH_UPLOAD_S3_MIB", "256"))
RUNS = int(os.environ.get("BENCH_UPLOAD_RUNS", "2"))
WARMUP_MIB = 16
CLIENT_CHUNK = 1 * MIB
MAX_UPLOAD_BYTES = 2 * 1024 * MIB
GOAL_RSS_MIB = 64
GOAL_RATIO = 0.5
#: ``sendfile``: http.client + ``socket.sendfile`` (zero-copy, so the client barely competes with the
#: server for CPU on the same host); ``httpx``: httpx with a generator body (1 MiB reads).
CLIENT = os.environ.get("BENCH_UPLOAD_CLIENT", "sendfile")
SECRET_KEY = "bench-secret-key-for-cadenza-upload"  # noqa: S105 - a throw-away local instance
PASSWORD = "practice-every-day"  # noqa: S105


# -- inputs ----------------------------------------------------------------------------------------


def ensure_source(size_mib: int = SIZE_MIB) -> Path:
    """A file of ``size_mib`` MiB of random-looking bytes, generated once (a second or two) and reused."""
    path = BENCH_DIR / f"upload_source_{size_mib}MiB.bin"
    if path.exists() and path.stat().st_size == size_mib * MIB:
        return path
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    block = os.urandom(16 * MIB)
    with open(partial, "wb") as out:
        written, turn = 0, 0
        while written < size_mib * MIB:
            shift = (turn * 4099) % len(block)  # rotate the block so no 16 MiB repeats exactly
            piece = (block[shift:] + block[:shift])[: size_mib * MIB - written]
            out.write(piece)
            written += len(piece)
            turn += 1
    partial.rename(path)
    return path


# -- the web process and a client ------------------------------------------------------------------


def start_web(database_url: str, redis_url: str, storage_url: str, log_dir: Path) -> tuple[Stack, int]:
    """The Procfile's ``web`` line alone; returns the stack and the uvicorn process's pid."""
    env = {
        "CADENZA_ENV": "development",
        "CADENZA_VAR_DIR": str(BENCH_DIR),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "STORAGE_URL": storage_url,
        "SECRET_KEY": SECRET_KEY,
        "MAX_UPLOAD_BYTES": str(MAX_UPLOAD_BYTES),
        "LOG_LEVEL": "INFO",
    }
    shutil.rmtree(log_dir, ignore_errors=True)
    stack = Stack(env=env, log_dir=log_dir)
    try:
        stack.start(["web"])
        return stack, find_process(stack.processes["web"].pid, "uvicorn")
    except BaseException:
        stack.stop()
        raise


class Client:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = httpx.Client(base_url=base_url, timeout=httpx.Timeout(900, connect=5))
        self.headers: dict[str, str] = {}

    def close(self) -> None:
        self.http.close()

    def register(self) -> None:
        name = f"bench{uuid.uuid4().hex[:12]}"
        r = self.http.post(
            "/api/v1/auth/register",
            json={"email": f"{name}@example.test", "username": name, "password": PASSWORD, "role": "student"},
        )
        if r.status_code != 201:
            raise RuntimeError(f"register: {r.status_code} {r.text}")
        r = self.http.post("/api/v1/auth/login", json={"login": name, "password": PASSWORD})
        if r.status_code != 200:
            raise RuntimeError(f"login: {r.status_code} {r.text}")
        self.headers = {"Authorization": f"Bearer {r.json()['access_token']}"}

    def upload(self, path: Path, nbytes: int) -> dict[str, object]:
        """POST the first ``nbytes`` of ``path`` as the form's file, streamed from disk chunk by chunk."""
        boundary = f"cadenza-bench-{secrets.token_hex(16)}"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nupload benchmark\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()

        def body() -> Iterator[bytes]:
            yield head
            left = nbytes
            with open(path, "rb", buffering=0) as source:
                while left > 0:
                    chunk = source.read(min(CLIENT_CHUNK, left))
                    if not chunk:
                        raise RuntimeError(f"{path} is shorter than {nbytes} bytes")
                    left -= len(chunk)
                    yield chunk
            yield tail

        headers = {
            **self.headers,
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(head) + nbytes + len(tail)),  # httpx then sends no chunked framing
        }
        if CLIENT == "httpx":
            r = self.http.post("/api/v1/recordings", headers=headers, content=body())
            status, text = r.status_code, r.text
        else:
            status, text = self._post_sendfile("/api/v1/recordings", headers, head, path, nbytes, tail)
        if status != 202:
            raise RuntimeError(f"upload: {status} {text[:500]}")
        return json.loads(text)

    def _post_sendfile(
        self, url: str, headers: dict[str, str], head: bytes, path: Path, nbytes: int, tail: bytes
    ) -> tuple[int, str]:
        """POST with the file's bytes handed to the kernel (``sendfile``): no copy through this process."""
        host, _, port = self.base_url.split("://", 1)[1].partition(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=900)
        try:
            conn.putrequest("POST", url, skip_accept_encoding=True)
            for name, value in headers.items():
                conn.putheader(name, value)
            try:
                conn.endheaders(head)
                assert conn.sock is not None
                with open(path, "rb") as source:
                    conn.sock.sendfile(source, 0, nbytes)
                conn.send(tail)
            except OSError:
                pass  # the server answered early and closed: read its answer below
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def delete(self, recording_id: str) -> None:
        r = self.http.delete(f"/api/v1/recordings/{recording_id}", headers=self.headers)
        if r.status_code != 204:
            raise RuntimeError(f"delete: {r.status_code} {r.text[:500]}")


# -- measurements ----------------------------------------------------------------------------------


class PartFileWatcher:
    """Notes when the store's part file (``*.part-*``) under ``root`` first holds ``nbytes``.

    That is when the whole body has been received and written (not yet fsynced): it splits the
    upload's wall time into streaming and commit (fsync, rename, database) without touching the
    application.
    """

    def __init__(self, root: Path | None, nbytes: int, interval: float = 0.005) -> None:
        self.root = root
        self.nbytes = nbytes
        self.interval = interval
        self.written_at: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="part-watcher", daemon=True)

    def _size(self) -> int:
        assert self.root is not None
        biggest = 0
        for current, _, files in os.walk(self.root):
            for name in files:
                if ".part-" in name:
                    try:
                        biggest = max(biggest, os.stat(os.path.join(current, name)).st_size)
                    except OSError:
                        pass
        return biggest

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._size() >= self.nbytes:
                self.written_at = time.perf_counter()
                return
            self._stop.wait(self.interval)

    def __enter__(self) -> PartFileWatcher:
        if self.root is not None:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.root is not None:
            self._thread.join()


@dataclass
class UploadRun:
    seconds: float
    nbytes: int
    rss_before: int
    hwm_before: int
    hwm_after: int
    rss_after: int
    sampled_peak: int
    peak_reset: bool
    server_user: float
    server_sys: float
    client_cpu: float
    streamed_seconds: float | None  # until the part file held every byte (local store only)

    @property
    def server_cpu(self) -> float:
        return self.server_user + self.server_sys

    @property
    def commit_seconds(self) -> float | None:
        return None if self.streamed_seconds is None else self.seconds - self.streamed_seconds

    @property
    def mib_s(self) -> float:
        return self.nbytes / MIB / self.seconds

    @property
    def growth(self) -> int:
        """Peak RSS during the upload minus RSS just before it."""
        return self.hwm_after - self.rss_before

    @property
    def hwm_growth(self) -> int:
        return self.hwm_after - self.hwm_before


def measure_upload(client: Client, pid: int, path: Path, nbytes: int, objects: Path | None = None) -> UploadRun:
    time.sleep(0.3)  # let the previous request's tail (logging, GC) settle
    peak_reset = reset_peak_rss(pid)
    before = proc_memory(pid)
    (user, system), client_cpu = proc_cpu_seconds(pid), time.process_time()
    with RssSampler(pid) as sampler, PartFileWatcher(objects, nbytes) as watcher:
        started = time.perf_counter()
        created = client.upload(path, nbytes)
        seconds = time.perf_counter() - started
    after = proc_memory(pid)
    user_after, system_after = proc_cpu_seconds(pid)
    run = UploadRun(
        seconds=seconds,
        nbytes=nbytes,
        rss_before=before["VmRSS"],
        hwm_before=before["VmHWM"],
        hwm_after=after["VmHWM"],
        rss_after=after["VmRSS"],
        sampled_peak=sampler.peak,
        peak_reset=peak_reset,
        server_user=user_after - user,
        server_sys=system_after - system,
        client_cpu=time.process_time() - client_cpu,
        streamed_seconds=None if watcher.written_at is None else watcher.written_at - started,
    )
    stored = created.get("size_bytes")
    if stored is not None and stored != nbytes:
        raise RuntimeError(f"the server stored {stored} bytes of {nbytes}")
    client.delete(str(created["id"]))
    return run


@dataclass
class CopyRun:
    seconds: float
    fsync_seconds: float
    nbytes: int

    @property
    def mib_s(self) -> float:
        return self.nbytes / MIB / self.seconds

    @property
    def fsync_mib_s(self) -> float:
        return self.nbytes / MIB / (self.seconds + self.fsync_seconds)


def measure_cp(source: Path, target: Path) -> CopyRun:
    """``cp`` (a real copy, never a reflink), then an fsync of the copy timed on its own."""
    target.unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run(["cp", "--reflink=never", str(source), str(target)], check=True)
    seconds = time.perf_counter() - started
    fd = os.open(target, os.O_RDONLY)
    try:
        started = time.perf_counter()
        os.fsync(fd)
        fsync_seconds = time.perf_counter() - started
    finally:
        os.close(fd)
    target.unlink()
    return CopyRun(seconds, fsync_seconds, source.stat().st_size)


def bench_local(database_url: str, redis_url: str, source: Path) -> tuple[list[UploadRun], list[CopyRun]]:
    objects = BENCH_DIR / "objects"
    objects.mkdir(parents=True, exist_ok=True)
    cp_target = BENCH_DIR / "cp_baseline.bin"
    if os.stat(objects).st_dev != os.stat(BENCH_DIR).st_dev:
        raise RuntimeError(f"{objects} and {BENCH_DIR} are on different filesystems")
    stack, pid = start_web(database_url, redis_url, f"file://{objects}", BENCH_DIR / "logs-upload-local")
    client = Client(stack.base_url)
    uploads: list[UploadRun] = []
    copies: list[CopyRun] = []
    try:
        client.register()
        measure_upload(client, pid, source, WARMUP_MIB * MIB)  # warm-up: imports, pools, caches
        measure_cp(source, cp_target)  # warm-up: the source is in the page cache from here on
        for _ in range(RUNS):  # alternate, so drift (noisy neighbours, writeback) hits both
            uploads.append(measure_upload(client, pid, source, source.stat().st_size, objects))
            copies.append(measure_cp(source, cp_target))
    except BaseException:
        print(stack.logs("web"))
        raise
    finally:
        client.close()
        stack.stop()
        cp_target.unlink(missing_ok=True)
        _prune_empty_dirs(objects / "recordings")  # DELETE leaves the owner's empty directory
    return uploads, copies


def _prune_empty_dirs(root: Path) -> None:
    for current, _, _ in os.walk(root, topdown=False):
        try:
            os.rmdir(current)  # fails, and is skipped, unless empty
        except OSError:
            pass


def bench_s3(database_url: str, redis_url: str, source: Path, nbytes: int) -> list[UploadRun]:
    from tests.integration.s3_server import s3_storage_url, start_s3_server, unique_bucket

    endpoint, stop_s3 = start_s3_server()
    try:
        storage_url = s3_storage_url(endpoint, unique_bucket("cadenza-bench"))
        stack, pid = start_web(database_url, redis_url, storage_url, BENCH_DIR / "logs-upload-s3")
        client = Client(stack.base_url)
        try:
            client.register()
            measure_upload(client, pid, source, WARMUP_MIB * MIB)
            return [measure_upload(client, pid, source, nbytes) for _ in range(RUNS)]
        except BaseException:
            print(stack.logs("web"))
            raise
        finally:
            client.close()
            stack.stop()
    finally:
        stop_s3()


# -- report ----------------------------------------------------------------------------------------


def _mib(n: float) -> str:
    return f"{n / MIB:.1f}"


def upload_rows(label: str, runs: list[UploadRun]) -> list[list[object]]:
    return [
        [
            f"{label} #{i}", f"{r.nbytes // MIB}", f"{r.seconds:.2f}", f"{r.mib_s:.0f}",
            "-" if r.streamed_seconds is None else f"{r.streamed_seconds:.2f}",
            "-" if r.commit_seconds is None else f"{r.commit_seconds:.2f}",
            f"{r.server_user:.2f}/{r.server_sys:.2f}", _mib(r.rss_before), _mib(r.hwm_after), _mib(r.growth),
            _mib(r.hwm_growth), _mib(r.sampled_peak - r.rss_before),
        ]
        for i, r in enumerate(runs, 1)
    ]  # fmt: skip


def main() -> dict[str, object]:
    env = require_env("DATABASE_URL", "REDIS_URL")
    source = ensure_source()
    size = source.stat().st_size
    s3_runs: list[UploadRun] = []
    s3_error: str | None = None
    try:
        with fresh_database(env["DATABASE_URL"]) as database_url:
            uploads, copies = bench_local(database_url, env["REDIS_URL"], source)
            if S3_SIZE_MIB > 0:
                try:
                    s3_runs = bench_s3(database_url, env["REDIS_URL"], source, min(S3_SIZE_MIB * MIB, size))
                except Exception as exc:  # noqa: BLE001 - optional part: report and go on
                    s3_error = f"{type(exc).__name__}: {exc}"
    finally:
        if not os.environ.get("BENCH_KEEP_FILES"):
            source.unlink(missing_ok=True)

    best_upload = min(uploads, key=lambda r: r.seconds)
    best_cp = min(copies, key=lambda r: r.seconds)
    best_cp_fsync = min(copies, key=lambda r: r.seconds + r.fsync_seconds)
    ratio = best_upload.mib_s / best_cp.mib_s
    ratio_fsync = best_upload.mib_s / best_cp_fsync.fsync_mib_s
    growth = max(r.growth for r in uploads)  # the worst run: the goal is a ceiling
    load = os.getloadavg()[0]
    reset = all(r.peak_reset for r in uploads + s3_runs)

    print(
        f"upload: {size // MIB} MiB file, web process alone (uvicorn, Procfile line), local store on the "
        f"same filesystem as cp; {RUNS} alternating runs each after a warm cp and a {WARMUP_MIB} MiB "
        f"warm-up upload, best of each kept; client: {CLIENT}; cpus={os.cpu_count()}, load(1 min)={load:.2f}"
    )
    print(
        "peak = VmHWM after the upload"
        + (" (reset to VmRSS just before it)" if reset else " (could NOT be reset: includes earlier peaks)")
        + "; growth = peak - VmRSS before; sampled = VmRSS polled every 10 ms"
    )
    print(
        "streamed = until the part file held every byte (received and written, not yet synced); "
        "commit = the rest until the 202 (fsync, rename, database, answer)"
    )
    headers = [
        "upload", "MiB", "wall s", "MiB/s", "streamed s", "commit s", "server cpu usr/sys s",
        "rss before MiB", "peak MiB",
        "growth MiB", "hwm growth MiB", "sampled growth MiB",
    ]  # fmt: skip
    print(table(headers, upload_rows("local", uploads) + upload_rows("s3 (moto)", s3_runs)))
    if s3_error:
        print(f"s3 (moto): skipped: {s3_error}")
    print()
    print(
        table(
            ["cp --reflink=never", "MiB", "wall s", "MiB/s", "fsync after s", "MiB/s with fsync"],
            [
                [f"cp #{i}", f"{c.nbytes // MIB}", f"{c.seconds:.2f}", f"{c.mib_s:.0f}",
                 f"{c.fsync_seconds:.2f}", f"{c.fsync_mib_s:.0f}"]
                for i, c in enumerate(copies, 1)
            ],
        )
    )  # fmt: skip
    print()
    summary = [
        ["throughput upload / cp", f"{ratio:.2f}x", f"{best_upload.mib_s:.0f} vs {best_cp.mib_s:.0f} MiB/s",
         f">= {GOAL_RATIO}x", "meets" if ratio >= GOAL_RATIO else "MISSES"],
        ["throughput upload / (cp + fsync)", f"{ratio_fsync:.2f}x",
         f"{best_upload.mib_s:.0f} vs {best_cp_fsync.fsync_mib_s:.0f} MiB/s", "(info)", ""],
        ["peak RSS growth (local, worst run)", f"{growth / MIB:.1f} MiB", "", f"< {GOAL_RSS_MIB} MiB",
         "meets" if growth < GOAL_RSS_MIB * MIB else "MISSES"],
    ]  # fmt: skip
    if s3_runs:
        s3_growth = max(r.growth for r in s3_runs)
        summary.append(
            ["peak RSS growth (s3, worst run)", f"{s3_growth / MIB:.1f} MiB", "", f"< {GOAL_RSS_MIB} MiB",
             "meets" if s3_growth < GOAL_RSS_MIB * MIB else "MISSES"]
        )  # fmt: skip
    print(table(["metric", "measured", "detail", "goal", "verdict"], summary))

    record: dict[str, object] = {
        "bench": "upload",
        "size_mib": size // MIB,
        "upload_mib_s": round(best_upload.mib_s, 1),
        "cp_mib_s": round(best_cp.mib_s, 1),
        "throughput_ratio": round(ratio, 3),
        "rss_growth_mib": round(growth / MIB, 1),
        "goal_rss_mib": GOAL_RSS_MIB,
        "goal_ratio": GOAL_RATIO,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": RUNS,
        "upload_s": [round(r.seconds, 3) for r in uploads],
        "cp_s": [round(c.seconds, 3) for c in copies],
        "cp_fsync_s": [round(c.fsync_seconds, 3) for c in copies],
        "cp_fsync_mib_s": round(best_cp_fsync.fsync_mib_s, 1),
        "throughput_ratio_vs_cp_fsync": round(ratio_fsync, 3),
        "rss_before_mib": [round(r.rss_before / MIB, 1) for r in uploads],
        "hwm_after_mib": [round(r.hwm_after / MIB, 1) for r in uploads],
        "hwm_growth_mib": round(max(r.hwm_growth for r in uploads) / MIB, 1),
        "sampled_growth_mib": round(max(r.sampled_peak - r.rss_before for r in uploads) / MIB, 1),
        "peak_reset": reset,
        "upload_streamed_s": [None if r.streamed_seconds is None else round(r.streamed_seconds, 3) for r in uploads],
        "upload_commit_s": [None if r.commit_seconds is None else round(r.commit_seconds, 3) for r in uploads],
        "server_cpu_s": [round(r.server_cpu, 2) for r in uploads],
        "server_user_s": [round(r.server_user, 2) for r in uploads],
        "server_sys_s": [round(r.server_sys, 2) for r in uploads],
        "client": CLIENT,
        "client_cpu_s": [round(r.client_cpu, 2) for r in uploads],
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "load_1min": round(load, 2),
    }
    if s3_runs:
        record.update(
            s3_size_mib=s3_runs[0].nbytes // MIB,
            s3_upload_mib_s=round(max(r.mib_s for r in s3_runs), 1),
            s3_rss_growth_mib=round(max(r.growth for r in s3_runs) / MIB, 1),
            s3_server_cpu_s=[round(r.server_cpu, 2) for r in s3_runs],
        )
    elif s3_error:
        record["s3_skipped"] = s3_error
    print(json.dumps(record))
    return record


if __name__ == "__main__":
    main()
