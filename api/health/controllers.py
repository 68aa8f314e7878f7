"""GET /health/live and /health/ready (database, Redis, object store)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from litestar import Controller, Response, get
from sqlalchemy import text

from api.context import AppContext

CHECK_TIMEOUT_SECONDS = 3.0


class HealthController(Controller):
    path = "/health"
    tags = ["health"]

    @get("/live")
    async def live(self) -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @get("/ready")
    async def ready(self, ctx: AppContext) -> Response[dict[str, object]]:
        """Every dependency answers; 503 names the ones that do not."""

        async def database() -> None:
            async with ctx.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))

        checks = {"database": database(), "redis": ctx.redis.ping(), "object_store": ctx.store.check()}
        results = await asyncio.gather(*(_check(c) for c in checks.values()))
        report = dict(zip(checks, results, strict=True))
        healthy = all(r == "ok" for r in results)
        return Response(
            {"status": "ok" if healthy else "unavailable", "checks": report}, status_code=200 if healthy else 503
        )


async def _check(awaitable: Awaitable[object]) -> str:
    try:
        await asyncio.wait_for(awaitable, CHECK_TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; the name is reported
        return f"error: {type(exc).__name__}"
    return "ok"
