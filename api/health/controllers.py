"""GET /health/live and /health/ready (database, Redis, object store)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from litestar import Controller, Request, Response, get
from sqlalchemy import text

from api.context import AppContext
from api.health.readiness import Readiness

CHECK_TIMEOUT_SECONDS = 3.0


class HealthController(Controller):
    path = "/health"
    tags = ["health"]

    @get("/live")
    async def live(self) -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @get("/ready")
    async def ready(self, request: Request, ctx: AppContext) -> Response[dict[str, object]]:
        """Every dependency answers; 503 names the ones that do not (checked at most once a second)."""
        readiness = request.app.state.get("readiness")
        if readiness is None:
            readiness = request.app.state["readiness"] = Readiness()
        healthy, report = await readiness.report(lambda: _check_all(ctx))
        return Response(
            {"status": "ok" if healthy else "unavailable", "checks": report}, status_code=200 if healthy else 503
        )


async def _check_all(ctx: AppContext) -> tuple[bool, dict[str, str]]:
    async def database() -> None:
        async with ctx.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    checks = {"database": database(), "redis": ctx.redis.ping(), "object_store": ctx.store.check()}
    results = await asyncio.gather(*(_check(c) for c in checks.values()))
    return all(r == "ok" for r in results), dict(zip(checks, results, strict=True))


async def _check(awaitable: Awaitable[object]) -> str:
    try:
        await asyncio.wait_for(awaitable, CHECK_TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; the name is reported
        return f"error: {type(exc).__name__}"
    return "ok"
