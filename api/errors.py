"""One exception handler: every error becomes ``{detail, error_code, timestamp, request_id}``."""

from __future__ import annotations

import logging

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from sqlalchemy.exc import DBAPIError

from core.errors import CadenzaError
from core.ids import utcnow
from core.logging import request_id_var

log = logging.getLogger("cadenza.api")

_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "request_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    503: "service_unavailable",
}


def error_response(status: int, detail: str, error_code: str, headers: dict[str, str] | None = None) -> Response:
    body = {
        "detail": detail,
        "error_code": error_code,
        "timestamp": utcnow().isoformat(),
        "request_id": request_id_var.get() or "",
    }
    return Response(content=body, status_code=status, media_type=MediaType.JSON, headers=headers)


def handle_exception(request: Request, exc: Exception) -> Response:
    if isinstance(exc, CadenzaError):
        if exc.status_code >= 500:
            log.warning("request failed", extra={"error_code": exc.error_code, "path": request.url.path})
        return error_response(exc.status_code, exc.detail, exc.error_code, exc.headers)
    if isinstance(exc, ValidationException):
        # Litestar reports body/query validation as 400; the contract says 422 with the field errors.
        detail = _validation_detail(exc)
        return error_response(422, detail, "validation_error")
    if isinstance(exc, HTTPException):
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return error_response(exc.status_code, str(exc.detail), code, dict(exc.headers or {}))
    if isinstance(exc, DBAPIError) and str(getattr(exc.orig, "sqlstate", "") or "").startswith("22"):
        # SQLSTATE class 22 (data exception): a value the schema let through but PostgreSQL can't
        # store or compare. The transaction is rolled back; it is the caller's input, not our fault.
        log.warning("data exception from the database", extra={"path": request.url.path})
        return error_response(422, "a value in the request cannot be stored", "validation_error")
    log.exception("unhandled error", extra={"path": request.url.path})
    return error_response(500, "internal server error", "internal_error")


def _validation_detail(exc: ValidationException) -> str:
    extra = exc.extra if isinstance(exc.extra, list) else []
    parts = []
    for item in extra:
        if isinstance(item, dict):
            key = item.get("key") or item.get("source") or ""
            parts.append(f"{key}: {item.get('message', '')}".strip(": "))
    return "; ".join(parts) or str(exc.detail)
