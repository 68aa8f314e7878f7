"""The upload benchmark's inputs and client: a generated source file, the web process, HTTP calls.

Used by ``bench.bench_upload``; the client streams the file from disk (``socket.sendfile`` by
default), so the client process itself holds no more than a chunk.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench.common import BENCH_DIR, MIB, find_process
from tests.e2e.stack import Stack

SIZE_MIB = int(os.environ.get("BENCH_UPLOAD_MIB", "1024"))
CLIENT_CHUNK = 1 * MIB
MAX_UPLOAD_BYTES = 2 * 1024 * MIB
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
        # one bench user uploads GiBs many times over: per-user quotas would stop it
        "UPLOAD_QUOTA_BYTES": "off",
        "RATE_LIMIT_UPLOADS": "off",
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
