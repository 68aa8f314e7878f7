"""Every operation's error answers in the OpenAPI document, with the one error body they share.

Litestar documents only a 400 with its own body shape, which the app never sends (its handler
answers ``{detail, error_code, timestamp, request_id}``, validation as 422). ``declare_error_responses``
walks the app's route handlers once, at start-up, and gives each the statuses it can answer:

- from facts about the handler: a caller (``current_user``, ``claims``, ``admin``, ``viewer``, or a token it
  reads itself) → 401; ``admin`` → 403; a path parameter → 404; any input → 400 and 422;
- from ``EXTRA``: what the services behind an operation refuse (409 conflicts, 413/415 uploads,
  429/503 rate limits, 403 policy). A key that names no route stops the app at start-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import msgspec
from litestar import Litestar
from litestar.openapi.datastructures import ResponseSpec
from litestar.routes import HTTPRoute

from api.learning.openapi import LEARNING_ERRORS

__all__ = ["EXTRA", "ErrorBody", "declare_error_responses"]


class ErrorBody(msgspec.Struct):
    """Every error answer (DESIGN §6); ``error_code`` is stable, ``detail`` is for people."""

    detail: str
    error_code: str
    timestamp: dt.datetime
    request_id: str


DESCRIPTIONS = {
    400: "Malformed request (body, multipart, token or header)",
    401: "No valid access token (error_code says why: token_expired, token_revoked, …)",
    403: "Not allowed (admin_required, email_not_verified, not_owner, …)",
    404: "No such resource, or not visible to the caller",
    409: "Conflicts with the current state",
    413: "Too large (upload_too_large, storage_quota_exceeded)",
    415: "Unsupported media type",
    416: "The Range cannot be satisfied",
    422: "Validation failed",
    429: "Rate limited: retry after Retry-After seconds",
    503: "A dependency is unavailable for a moment: retry later",
}

_CALLER = frozenset({"current_user", "admin", "viewer", "claims"})
_NOT_INPUT = frozenset({"ctx", "request", "channels", "current_user", "admin", "viewer", "claims"})
_RATE_LIMITED = (429, 503)
_UPLOAD = (413, 415, 429)

#: ``"METHOD path"`` → statuses beyond the generic ones.
EXTRA: dict[str, tuple[int, ...]] = {
    "POST /api/v1/auth/register": (409, *_RATE_LIMITED),
    "POST /api/v1/auth/login": (401, *_RATE_LIMITED),
    "POST /api/v1/auth/refresh": (401,),
    "POST /api/v1/auth/logout": (401, 503),
    "POST /api/v1/auth/verify/resend": (409, *_RATE_LIMITED),
    "POST /api/v1/auth/password/forgot": _RATE_LIMITED,
    "POST /api/v1/auth/password/reset": (401, *_RATE_LIMITED),
    "POST /api/v1/auth/password/change": (403, *_RATE_LIMITED),
    "PUT /api/v1/users/me/photo": (*_UPLOAD, 503),
    "POST /api/v1/recordings": (*_UPLOAD, 503),
    "GET /api/v1/recordings": (403,),
    "PATCH /api/v1/recordings/{recording_id:uuid}": (403,),
    "DELETE /api/v1/recordings/{recording_id:uuid}": (403,),
    "GET /api/v1/recordings/{recording_id:uuid}/shares": (403,),
    "POST /api/v1/recordings/{recording_id:uuid}/shares": (403, 409),
    "DELETE /api/v1/recordings/{recording_id:uuid}/shares/{user_id:uuid}": (403,),
    "POST /api/v1/relationships": (403, 404, 409),
    "POST /api/v1/relationships/{relationship_id:uuid}/accept": (403, 409),
    "POST /api/v1/relationships/{relationship_id:uuid}/decline": (403, 409),
    "DELETE /api/v1/relationships/{relationship_id:uuid}": (403,),
    "PATCH /api/v1/admin/users/{user_id:uuid}": (409,),
    "POST /api/v1/admin/users/{user_id:uuid}/deactivate": (409,),
    "POST /api/v1/admin/jobs/{job_id:uuid}/retry": (409, 503),
    "POST /api/v1/admin/jobs/{job_id:uuid}/cancel": (409, 503),
    "GET /api/v1/admin/queues": (503,),
    "GET /api/v1/events": (401, 429, 503),
    "GET /media/{key:path}": (403, 416),
    "GET /health/ready": (503,),
    # review and feedback (DESIGN §9)
    "POST /api/v1/recordings/{recording_id:uuid}/comments": (403, 409),
    "POST /api/v1/comments/{comment_id:uuid}/replies": (403, 409),
    "PATCH /api/v1/comments/{comment_id:uuid}": (403, 409),
    "DELETE /api/v1/comments/{comment_id:uuid}": (403,),
    "POST /api/v1/recordings/{recording_id:uuid}/assessments": (403,),
    "GET /api/v1/recordings/{recording_id:uuid}/assessments": (403,),
    "GET /api/v1/users/{user_id:uuid}/progress": (403,),
    "POST /api/v1/recordings/{recording_id:uuid}/links": (403,),
    "GET /api/v1/recordings/{recording_id:uuid}/links": (403,),
    "DELETE /api/v1/recordings/{recording_id:uuid}/links/{link_id:uuid}": (403,),
    "POST /api/v1/webhooks": (403, 409),
    "GET /api/v1/users/lookup": (404,),
    # The catalogue (api/library): writes are teachers'/admins' and their creators'.
    "POST /api/v1/genres": (403, 409),
    "PATCH /api/v1/genres/{genre_id:uuid}": (403, 409),
    "DELETE /api/v1/genres/{genre_id:uuid}": (403,),
    "POST /api/v1/artists": (403,),
    "PATCH /api/v1/artists/{artist_id:uuid}": (403,),
    "DELETE /api/v1/artists/{artist_id:uuid}": (403,),
    "POST /api/v1/albums": (403,),
    "PATCH /api/v1/albums/{album_id:uuid}": (403,),
    "DELETE /api/v1/albums/{album_id:uuid}": (403,),
    "PUT /api/v1/albums/{album_id:uuid}/cover": (403, *_UPLOAD, 503),
    "DELETE /api/v1/albums/{album_id:uuid}/cover": (403,),
    "POST /api/v1/songs": (403,),
    "PATCH /api/v1/songs/{song_id:uuid}": (403,),
    "DELETE /api/v1/songs/{song_id:uuid}": (403,),
    "PUT /api/v1/songs/{song_id:uuid}/audio": (403, *_UPLOAD, 503),
    # Playlists (api/playlists): owners and editors; likes and follows (api/social) need a verified e-mail.
    "POST /api/v1/playlists": (403,),
    "PATCH /api/v1/playlists/{playlist_id:uuid}": (403,),
    "DELETE /api/v1/playlists/{playlist_id:uuid}": (403,),
    "POST /api/v1/playlists/{playlist_id:uuid}/items": (403,),
    "PATCH /api/v1/playlists/{playlist_id:uuid}/items/{item_id:uuid}": (403,),
    "DELETE /api/v1/playlists/{playlist_id:uuid}/items/{item_id:uuid}": (403,),
    "POST /api/v1/playlists/{playlist_id:uuid}/members": (403, 409),
    "DELETE /api/v1/playlists/{playlist_id:uuid}/members/{user_id:uuid}": (403, 409),
    "PUT /api/v1/songs/{target_id:uuid}/like": (403,),
    "PUT /api/v1/albums/{target_id:uuid}/like": (403,),
    "PUT /api/v1/playlists/{target_id:uuid}/like": (403,),
    "PUT /api/v1/artists/{target_id:uuid}/follow": (403,),
    "PUT /api/v1/users/{target_id:uuid}/follow": (403,),
    "PUT /api/v1/playlists/{target_id:uuid}/follow": (403,),
    "DELETE /api/v1/songs/{target_id:uuid}/like": (403,),
    "DELETE /api/v1/albums/{target_id:uuid}/like": (403,),
    "DELETE /api/v1/playlists/{target_id:uuid}/like": (403,),
    "DELETE /api/v1/artists/{target_id:uuid}/follow": (403,),
    "DELETE /api/v1/users/{target_id:uuid}/follow": (403,),
    "DELETE /api/v1/playlists/{target_id:uuid}/follow": (403,),
    # quizzes and submissions (DESIGN §10)
    "POST /api/v1/courses/{course_id:uuid}/quizzes": (403,),
    "GET /api/v1/quizzes/{quiz_id:uuid}": (403,),
    "POST /api/v1/quizzes/{quiz_id:uuid}/attempts": (403, 409, *_RATE_LIMITED),
    "GET /api/v1/quizzes/{quiz_id:uuid}/attempts": (403,),
    "POST /api/v1/blocks/{block_id:uuid}/submissions": (403, 409, *_UPLOAD, 503),
    "GET /api/v1/blocks/{block_id:uuid}/submissions": (403,),
    "PUT /api/v1/submissions/{submission_id:uuid}/file": (403, 409, *_UPLOAD, 503),
    "DELETE /api/v1/submissions/{submission_id:uuid}": (403,),
    "PATCH /api/v1/submissions/{submission_id:uuid}": (403,),
    "GET /api/v1/search": (429,),
    "GET /api/v1/search/courses": (429,),
    "GET /api/v1/search/chapters": (429,),
}
EXTRA.update(LEARNING_ERRORS)


def declare_error_responses(app: Litestar, extra: dict[str, tuple[int, ...]] = EXTRA) -> None:
    """Give every documented handler its error responses (see the module docstring)."""
    unused = set(extra)
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            keys = [f"{method} {route.path}" for method in handler.http_methods]
            unused.difference_update(keys)
            if not handler.resolve_include_in_schema():
                continue
            params = set(handler.parsed_fn_signature.parameters)
            statuses = set(_generic(params, bool(route.path_parameters)))
            for key in keys:
                statuses.update(extra.get(key, ()))
            handler.responses = {**_specs(statuses), **(handler.responses or {})}
    if unused:
        raise RuntimeError(f"EXTRA names operations that do not exist: {sorted(unused)}")


def _generic(params: set[str], has_path_parameters: bool) -> Iterable[int]:
    if params & _CALLER:
        yield 401
    if "admin" in params:
        yield 403
    if has_path_parameters:
        yield 404
    if params - _NOT_INPUT or "request" in params:
        yield from (400, 422)


def _specs(statuses: Iterable[int]) -> dict[int, ResponseSpec]:
    return {
        status: ResponseSpec(data_container=ErrorBody, description=DESCRIPTIONS[status]) for status in sorted(statuses)
    }
