"""Translate minio/urllib3 failures into project errors at the edge (STYLE: errors).

Only a missing object is a ``NotFound``; everything else the backend can throw at us — refused
connections, timeouts, 5xx, a missing bucket, bad credentials — is ``StorageUnavailable``, which
workers retry with backoff and ``/health/ready`` reports.
"""

from __future__ import annotations

from typing import NoReturn

import urllib3.exceptions
from minio.error import InvalidResponseError, MinioException, S3Error, ServerError

from core.errors import NotFound, StorageUnavailable

from ._pipe import UploadAborted

NOT_FOUND_CODES = frozenset({"NoSuchKey", "NoSuchObject", "NoSuchVersion"})


def is_not_found(exc: S3Error) -> bool:
    """True when S3 says the object (not the bucket) does not exist."""
    return exc.code in NOT_FOUND_CODES


def translate_s3_error(exc: BaseException, key: str | None = None) -> BaseException:
    """Return the project error for ``exc``, or ``exc`` itself if it is not a backend fault."""
    if isinstance(exc, (NotFound, StorageUnavailable, UploadAborted)):
        return exc
    if isinstance(exc, S3Error):
        if is_not_found(exc) and key is not None:
            return NotFound(f"object {key!r} does not exist", error_code="object_not_found")
        return StorageUnavailable(f"object store refused the request: {exc.code}")
    if isinstance(exc, (ServerError, InvalidResponseError, MinioException)):
        return StorageUnavailable(f"object store answered with an error: {type(exc).__name__}")
    if isinstance(exc, (urllib3.exceptions.HTTPError, OSError)):
        return StorageUnavailable(f"object store is unreachable: {type(exc).__name__}")
    return exc


def raise_translated(exc: Exception, key: str | None = None) -> NoReturn:
    """Raise the project error for ``exc`` (chained to it), or re-raise ``exc`` unchanged."""
    translated = translate_s3_error(exc, key)
    if translated is exc:
        raise exc
    raise translated from exc
