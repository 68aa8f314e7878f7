"""Streaming keeps memory flat: a 200 MiB ``put_stream`` on each backend, measured in a child process."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap

import pytest

from storage.objects import LocalStore, ObjectStore, S3Store
from tests.integration.object_store_support import MIB, PROJECT_ROOT
from tests.integration.s3_server import s3_storage_url

MEMORY_PROBE = textwrap.dedent(
    """
    import asyncio, os, sys
    from core.settings import parse_storage_url
    from storage.objects import create_object_store

    def peak_rss() -> int:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        raise RuntimeError("no VmHWM")

    async def main() -> None:
        store = create_object_store(parse_storage_url(sys.argv[1]))
        await store.ensure_ready()
        block = os.urandom(1024 * 1024)

        async def stream():
            for _ in range(int(sys.argv[2])):
                for offset in range(0, len(block), 64 * 1024):
                    yield block[offset : offset + 64 * 1024]

        before = peak_rss()
        written = await store.put_stream("recordings/u/r/original", stream(), content_type="video/mp4")
        after = peak_rss()
        info = await store.stat("recordings/u/r/original")
        await store.close()
        print(written, info.size, after - before)

    asyncio.run(main())
    """
)


async def test_put_stream_of_200_mib_keeps_memory_flat(store: ObjectStore, request: pytest.FixtureRequest) -> None:
    # Measured in a child process: this one also hosts moto, which buffers what it receives.
    if isinstance(store, LocalStore):
        url = f"file://{store.root}"
    else:
        assert isinstance(store, S3Store)
        url = s3_storage_url(request.getfixturevalue("s3_server"), store.bucket)
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}

    probe = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", MEMORY_PROBE, url, "200"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )

    assert probe.returncode == 0, probe.stderr
    written, stored, growth = map(int, probe.stdout.split())
    assert written == stored == 200 * MIB
    print(f"{type(store).__name__}: peak RSS growth {growth / MIB:.1f} MiB for a 200 MiB stream")
    assert growth < 128 * MIB
