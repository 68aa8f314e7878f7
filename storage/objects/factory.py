"""Pick the object store named by ``STORAGE_URL``; the only place that knows both backends."""

from __future__ import annotations

from core.settings import StorageSettings

from .base import ObjectStore
from .local import LocalStore
from .s3 import S3Store


def create_object_store(settings: StorageSettings) -> ObjectStore:
    """``file://`` → ``LocalStore``, ``s3://`` → ``S3Store``. Opens no connection by itself."""
    if settings.scheme == "file":
        if settings.local_root is None:
            raise ValueError("file:// storage settings need a local_root")
        return LocalStore(settings.local_root)
    if settings.scheme == "s3":
        return S3Store(settings)
    raise ValueError(f"unsupported storage scheme {settings.scheme!r}")
