"""Search: check the question, count it against the client address, run the one statement.

Which rows the caller may see is decided inside that statement (``storage.repositories.
search_sources``), before counting and paging, so nothing the caller may not see is counted,
ranked or shown. The caller's account is checked on the row the same statement returns.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from api.auth.caller import read_as
from api.auth.guards import check_account
from api.auth.tokens import TokenClaims
from api.context import AppContext
from api.ratelimit import RateLimiter, counter
from api.search.schemas import MAX_QUERY_LENGTH, SEARCH_TYPES, SearchPage
from core.errors import RateLimited, ServiceUnavailable, ValidationFailed
from storage.repositories.search import search
from storage.repositories.search_sources import SOURCES
from storage.repositories.search_text import SearchText, split_search_text

log = logging.getLogger("cadenza.search")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def search_text(q: str | None) -> SearchText:
    """The box's text, refused with a 422 when empty, too long, or holding control characters."""
    if q is None or not q.strip():
        raise ValidationFailed("say what to search for: q must not be empty", error_code="search_query_empty")
    if len(q) > MAX_QUERY_LENGTH:
        raise ValidationFailed(f"q is longer than {MAX_QUERY_LENGTH} characters", error_code="search_query_too_long")
    if _CONTROL.search(q):
        raise ValidationFailed("q must not contain control characters", error_code="search_query_invalid")
    return split_search_text(q)


def search_types(types: str | None) -> tuple[str, ...]:
    """``types`` (comma-separated) as a tuple; none given: every type there is. 422 for one unknown."""
    names = [name.strip() for name in (types or "").split(",") if name.strip()]
    if not names:
        return tuple(SOURCES)
    unknown = sorted({name for name in names if name not in SOURCES})
    if unknown:
        known = ", ".join(name for name in SEARCH_TYPES if name in SOURCES)
        raise ValidationFailed(
            f"unknown search type(s): {', '.join(unknown)} (known: {known})", error_code="unknown_search_type"
        )
    return tuple(dict.fromkeys(names))


class SearchService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    async def search(
        self, ip: str, claims: TokenClaims | None, q: str | None, types: Sequence[str], *, limit: int, offset: int
    ) -> SearchPage:
        """One page of what the caller may see of ``types`` matching ``q``, best first."""
        text = search_text(q)
        await self._count(ip)
        caller_id = claims.sub if claims is not None else None
        read = search(self.ctx.reads, caller_id, text, types, limit=limit, offset=offset)
        caller, total, hits = await read_as(self.ctx, claims, read)
        if claims is not None:
            check_account(claims, caller)
        return SearchPage(items=hits, total=total)

    async def _count(self, ip: str) -> None:
        """50 searches a minute per address (``RATE_LIMIT_SEARCH``). Fails open: search is a read,
        and type-ahead should not stop while Redis is away."""
        try:
            await RateLimiter(self.ctx.redis).hit(self.ctx.settings.rate_limits.search, counter("search", "ip", ip))
        except RateLimited as exc:
            raise RateLimited("too many searches; try again shortly", headers=exc.headers) from None
        except ServiceUnavailable:
            log.warning("search counter unavailable; searching anyway")
