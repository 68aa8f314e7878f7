"""An in-process S3 server (moto) for integration tests, plus helpers to inspect what it holds.

``start_s3_server`` is a plain function so scripts and benchmarks can use it too; the
session-scoped ``s3_server`` fixture wraps it and is meant to be re-exported from a conftest.
moto keeps every bucket in this process's memory, so tests use a bucket of their own
(``unique_bucket``) instead of cleaning up after each other.
"""

from __future__ import annotations

import logging
import socket
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

TEST_ACCESS_KEY = "testing"
TEST_SECRET_KEY = "testing"


def start_s3_server() -> tuple[str, Callable[[], None]]:
    """Start moto's S3 server on a free loopback port; return ``(endpoint_url, stop)``."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one access-log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return f"http://{host}:{port}", server.stop


def s3_storage_url(endpoint_url: str, bucket: str = "cadenza-test") -> str:
    """The ``STORAGE_URL`` for ``bucket`` on the test server."""
    host_port = endpoint_url.split("://", 1)[1]
    return f"s3://{TEST_ACCESS_KEY}:{TEST_SECRET_KEY}@{host_port}/{bucket}?secure=false"


def unique_bucket(prefix: str = "cadenza-test") -> str:
    """A fresh, valid bucket name, so tests sharing one server never see each other's objects."""
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def closed_port_url(bucket: str = "cadenza-test") -> str:
    """A ``STORAGE_URL`` pointing at a loopback port nobody listens on (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"s3://{TEST_ACCESS_KEY}:{TEST_SECRET_KEY}@127.0.0.1:{port}/{bucket}?secure=false"


def boto3_client(endpoint_url: str) -> Any:
    """A plain boto3 S3 client on the test server, to check the store from the outside."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        aws_access_key_id=TEST_ACCESS_KEY,
        aws_secret_access_key=TEST_SECRET_KEY,
        region_name="us-east-1",
    )


def bucket_leftovers(endpoint_url: str, bucket: str, prefix: str = "") -> list[str]:
    """Every object and every in-progress multipart upload in ``bucket`` (``upload:<key>``) under ``prefix``."""
    client = boto3_client(endpoint_url)
    objects = client.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    uploads = client.list_multipart_uploads(Bucket=bucket, Prefix=prefix).get("Uploads", [])
    return [item["Key"] for item in objects] + [f"upload:{item['Key']}" for item in uploads]


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """Endpoint URL (``http://127.0.0.1:PORT``) of an S3 server shared by the whole session."""
    endpoint_url, stop = start_s3_server()
    try:
        yield endpoint_url
    finally:
        stop()
