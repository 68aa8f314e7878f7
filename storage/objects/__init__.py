"""Object storage for uploads, renditions and images: one async ``ObjectStore`` contract, two backends.

``LocalStore`` keeps files under a directory (development, single host); ``S3Store`` talks to
MinIO/S3 through the minio SDK. Keys come from ``keys`` and are validated by every store.
"""

from __future__ import annotations

from .base import ObjectInfo, ObjectStore
from .factory import create_object_store
from .keys import (
    RECORDING_OBJECT_NAMES,
    USER_OBJECT_NAMES,
    recording_key,
    recording_prefix,
    user_key,
    user_prefix,
    validate_key,
    validate_prefix,
)
from .local import LocalStore
from .s3 import S3Store
from .signing import sign_media_path, verify_media_signature

__all__ = [
    "RECORDING_OBJECT_NAMES",
    "USER_OBJECT_NAMES",
    "LocalStore",
    "ObjectInfo",
    "ObjectStore",
    "S3Store",
    "create_object_store",
    "recording_key",
    "recording_prefix",
    "sign_media_path",
    "user_key",
    "user_prefix",
    "validate_key",
    "validate_prefix",
    "verify_media_signature",
]
