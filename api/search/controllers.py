"""/api/v1/search: everything at once, or only courses, or only chapters."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.di import Provide

from api.auth.caller import optional_claims
from api.auth.tokens import TokenClaims
from api.context import AppContext
from api.ratelimit import client_ip
from api.search.schemas import Query, SearchLimit, SearchOffset, SearchPage, Types
from api.search.services import SearchService, search_types

#: OpenAPI: a token is optional; without one only what everybody may see is searched.
OPTIONAL_TOKEN = [{}, {"BearerToken": []}]


class SearchController(Controller):
    path = "/api/v1/search"
    tags = ["search"]
    dependencies = {"claims": Provide(optional_claims, sync_to_thread=False)}  # noqa: RUF012 - read by Litestar

    @get("/", security=OPTIONAL_TOKEN)
    async def search_all(
        self,
        request: Request,
        ctx: AppContext,
        claims: TokenClaims | None,
        q: Query = None,
        types: Types = None,
        limit: SearchLimit = 10,
        offset: SearchOffset = 0,
    ) -> SearchPage:
        """Search every type (or ``types``) for ``q``: ranked, with highlighted snippets."""
        wanted = search_types(types)
        return await SearchService(ctx).search(client_ip(request), claims, q, wanted, limit=limit, offset=offset)

    @get("/courses", security=OPTIONAL_TOKEN)
    async def search_courses(
        self,
        request: Request,
        ctx: AppContext,
        claims: TokenClaims | None,
        q: Query = None,
        limit: SearchLimit = 10,
        offset: SearchOffset = 0,
    ) -> SearchPage:
        """Search the courses the caller may see."""
        wanted = search_types("course")
        return await SearchService(ctx).search(client_ip(request), claims, q, wanted, limit=limit, offset=offset)

    @get("/chapters", security=OPTIONAL_TOKEN)
    async def search_chapters(
        self,
        request: Request,
        ctx: AppContext,
        claims: TokenClaims | None,
        q: Query = None,
        limit: SearchLimit = 10,
        offset: SearchOffset = 0,
    ) -> SearchPage:
        """Search the chapters of the courses the caller may see."""
        wanted = search_types("chapter")
        return await SearchService(ctx).search(client_ip(request), claims, q, wanted, limit=limit, offset=offset)
