"""Catalogue reads: one statement each, the caller's account checked on the statement's own row.

Reads are open to anonymous callers (``api.authz.library``); a token that is sent is still checked
(expired, revoked, inactive account: 401), never silently ignored.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from api.auth.caller import read_as
from api.auth.guards import check_account
from api.auth.tokens import TokenClaims
from api.conditional import weak_etag
from api.context import AppContext
from core.errors import NotFound
from storage.repositories.library_reads import (
    CatalogueDetail,
    CatalogueFilter,
    Kind,
    Sort,
    catalogue_detail,
    catalogue_page,
)
from storage.repositories.reads import CallerRow


async def read_page(
    ctx: AppContext,
    claims: TokenClaims | None,
    kind: Kind,
    where: CatalogueFilter,
    *,
    sort: Sort,
    limit: int,
    offset: int,
) -> tuple[CallerRow | None, int, list[Any]]:
    """The checked caller (``None``: anonymous), the number of matching entries and one page."""
    caller_id = claims.sub if claims is not None else None
    read = catalogue_page(ctx.reads, kind, caller_id, where, sort=sort, limit=limit, offset=offset)
    caller, total, views = await read_as(ctx, claims, read)
    return (check_account(claims, caller) if claims is not None else None), total, views


async def read_detail(
    ctx: AppContext, claims: TokenClaims | None, kind: Kind, entry_id: uuid.UUID
) -> tuple[CallerRow | None, Any]:
    """The checked caller and the entry (404 ``<kind>_not_found``)."""
    found = await read_found(ctx, claims, kind, entry_id)
    return found.caller, found.view


async def read_found(ctx: AppContext, claims: TokenClaims | None, kind: Kind, entry_id: uuid.UUID) -> CatalogueDetail:
    """``read_detail`` with the entry's version (for an ETag); ``caller`` is checked."""
    caller_id = claims.sub if claims is not None else None
    found = await read_as(ctx, claims, catalogue_detail(ctx.reads, kind, caller_id, entry_id))
    checked = check_account(claims, found.caller) if claims is not None else None
    if found.view is None:
        raise NotFound(f"no such {kind.value}", error_code=f"{kind.value}_not_found")
    return CatalogueDetail(checked, found.view, found.version)


def song_etag(found: CatalogueDetail, media_url_ttl: int) -> str:
    """Changes with the song (its audio's state included), with who asks (permissions, the
    uploader's job id), and every half URL lifetime, as a recording's does."""
    caller = found.caller
    who = (caller.id, caller.role, caller.email_verified) if caller is not None else ()
    return weak_etag(found.version or "", *who, int(time.time()) // max(media_url_ttl // 2, 1))
