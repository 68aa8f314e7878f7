"""The upload benchmark's measurements: one timed upload (CPU, peak RSS, phases) and one timed ``cp``."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import MIB, RssSampler, proc_cpu_seconds, proc_memory, reset_peak_rss
from bench.upload_client import Client


class PartFileWatcher:
    """Notes when the store's part file (``*.part-*``) under ``root`` first holds ``nbytes``.

    That is when the whole body has been received and written (not yet fsynced): it splits the
    upload's wall time into streaming and commit (fsync, rename, database) without touching the
    application.
    """

    NEAR_END = 64 * MIB

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
            size = self._size()
            if size >= self.nbytes:
                self.written_at = time.perf_counter()
                return
            # Poll faster near the end: the part file may be synced and renamed within milliseconds.
            self._stop.wait(self.interval if self.nbytes - size > self.NEAR_END else self.interval / 5)

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
