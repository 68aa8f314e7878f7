"""GET /media/{key}?expires=&sig= — local-storage media behind short-lived HMAC-signed URLs.

Only used with the file:// store (S3 hands out presigned URLs instead). Supports single
``Range: bytes=a-b`` requests so players can seek.
"""

from __future__ import annotations

import mimetypes
import re
import time

from litestar import Controller, Request, Response, get
from litestar.response import Stream

from api.context import AppContext
from core.errors import CadenzaError, Forbidden, NotFound
from storage.objects.signing import verify_media_signature

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$", re.IGNORECASE)


class RangeNotSatisfiable(CadenzaError):
    status_code = 416
    default_code = "range_not_satisfiable"


class MediaController(Controller):
    path = "/media"
    tags = ["media"]
    include_in_schema = False

    @get("/{key:path}")
    async def download(self, key: str, request: Request, ctx: AppContext, expires: int, sig: str) -> Response:
        key = key.lstrip("/")
        if not verify_media_signature(key, expires, sig, secret=ctx.settings.auth.secret_key, now=int(time.time())):
            raise Forbidden("the media link is invalid or has expired", error_code="media_link_invalid")
        info = await ctx.store.stat(key)
        if info is None:
            raise NotFound("no such media", error_code="media_not_found")
        content_type = info.content_type or mimetypes.guess_type(key)[0] or "application/octet-stream"
        headers = {"Accept-Ranges": "bytes", "Cache-Control": "private, max-age=300"}
        start, end = 0, info.size - 1
        status = 200
        wanted = _parse_range(request.headers.get("range", ""), info.size)
        if wanted is not None:
            start, end = wanted
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end}/{info.size}"
        headers["Content-Length"] = str(end - start + 1)
        return Stream(
            await ctx.store.open_range(key, start, end), status_code=status, media_type=content_type, headers=headers
        )


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """``(start, end)`` of a single byte range; ``None`` to serve the whole file.

    RFC 9110 §14.2: a range unit other than ``bytes``, or a multi-range request, may be ignored.
    """
    header = header.strip()
    if not header.lower().startswith("bytes=") or "," in header:
        return None
    match = _RANGE.match(header)
    unsatisfiable = RangeNotSatisfiable(
        "the requested range is not satisfiable", headers={"Content-Range": f"bytes */{size}"}
    )
    if not match or (not match.group(1) and not match.group(2)):
        raise unsatisfiable
    first, last = match.groups()
    if not first:  # suffix range: the last N bytes
        length = int(last)
        if length == 0:
            raise unsatisfiable
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise unsatisfiable
    return start, end
