"""Conditional GET for what clients poll: a weak ``ETag`` from the state's version, 304 on a match.

The tag is computed from the row the read already fetched (its version columns, the JSON of its
steps, the caller's permissions) before any body is built; when ``If-None-Match`` names it the
answer is 304 with no body, so a poll of an unchanged state costs the one statement and nothing
else. Tags are weak (``W/``): bodies carry signed media URLs whose bytes change with their expiry.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping

from litestar import Request, Response
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_304_NOT_MODIFIED

#: OpenAPI: the 304 a conditional GET may answer.
NOT_MODIFIED = {
    HTTP_304_NOT_MODIFIED: ResponseSpec(None, description="Not modified: If-None-Match names the current ETag")
}

#: Bodies differ per caller (permissions, owner-only fields): caches may keep them for that caller only.
CACHE_CONTROL = "private, no-cache"


def weak_etag(*parts: object) -> str:
    """``W/"<16 url-safe base64 chars>"`` of a BLAKE2b digest over ``parts`` (``bytes`` taken as they are)."""
    digest = hashlib.blake2b(digest_size=12)
    for part in parts:
        digest.update(part if isinstance(part, bytes) else str(part).encode())
        digest.update(b"\x1f")
    return 'W/"' + base64.urlsafe_b64encode(digest.digest()).decode() + '"'


def client_has(request: Request, etag: str) -> bool:
    """``If-None-Match`` names ``etag`` (weak comparison, as RFC 9110 prescribes for it) or is ``*``."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    opaque = etag.removeprefix("W/")
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == opaque:
            return True
    return False


def not_modified(etag: str) -> Response[None]:
    return Response(None, status_code=HTTP_304_NOT_MODIFIED, headers=tag_headers(etag))


def tag_headers(etag: str) -> Mapping[str, str]:
    return {"ETag": etag, "Cache-Control": CACHE_CONTROL}
