"""The project's error hierarchy: each error carries an HTTP status and a stable ``error_code``.

Library errors (minio, asyncpg, ffmpeg exit codes) are translated into these at the edge; the
rest of the code and the API's single exception handler only ever see ``CadenzaError``.
"""

from __future__ import annotations

from typing import ClassVar


class CadenzaError(Exception):
    """Base of every error the project raises on purpose."""

    status_code: ClassVar[int] = 400
    default_code: ClassVar[str] = "bad_request"
    #: Deterministic errors are never retried by workers (bad input stays bad).
    retryable: ClassVar[bool] = False

    def __init__(
        self,
        detail: str,
        *,
        error_code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.error_code = error_code or self.default_code
        self.headers = headers or {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.error_code!r}, {self.detail!r})"


class BadRequest(CadenzaError):
    status_code = 400
    default_code = "bad_request"


class ValidationFailed(CadenzaError):
    status_code = 422
    default_code = "validation_error"


class Unauthorized(CadenzaError):
    status_code = 401
    default_code = "not_authenticated"


class Forbidden(CadenzaError):
    status_code = 403
    default_code = "forbidden"


class NotFound(CadenzaError):
    status_code = 404
    default_code = "not_found"


class Conflict(CadenzaError):
    status_code = 409
    default_code = "conflict"


class PayloadTooLarge(CadenzaError):
    status_code = 413
    default_code = "upload_too_large"


class UnsupportedMediaType(CadenzaError):
    status_code = 415
    default_code = "unsupported_media_type"


class RateLimited(CadenzaError):
    status_code = 429
    default_code = "rate_limited"


class ServiceUnavailable(CadenzaError):
    """A dependency (DB, Redis, object store) is down; the caller may retry later."""

    status_code = 503
    default_code = "service_unavailable"
    retryable = True


class StorageUnavailable(ServiceUnavailable):
    default_code = "storage_unavailable"


class InvalidMedia(CadenzaError):
    """The uploaded file is not acceptable media. Deterministic: never retried."""

    status_code = 422
    default_code = "invalid_media"


class MediaProcessingFailed(CadenzaError):
    """ffmpeg failed or timed out on media that probed fine."""

    status_code = 500
    default_code = "processing_failed"


class TransientFailure(CadenzaError):
    """A fault that a retry with backoff may cure (worker lost, storage hiccup)."""

    status_code = 503
    default_code = "transient_failure"
    retryable = True
