"""GET /api/v1/events — a server-sent event stream of the caller's own events.

Events are published by any process (workers publish straight to Redis) and fanned out to every
web replica through Litestar channels on Redis pub/sub. Browsers' EventSource cannot send headers,
so the access token may also come as ``?access_token=``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

from litestar import Controller, Request, get
from litestar.channels import ChannelsPlugin
from litestar.response import ServerSentEvent, ServerSentEventMessage

from api.auth.guards import bearer_token, user_for_token
from api.context import AppContext
from core.errors import Unauthorized
from core.events import user_channel

KEEPALIVE_SECONDS = 15.0


class EventsController(Controller):
    path = "/api/v1/events"
    tags = ["events"]

    @get("/", summary="Server-sent events: job.progress, job.step, recording.ready, recording.failed, notification")
    async def stream(
        self, request: Request, ctx: AppContext, channels: ChannelsPlugin, access_token: str | None = None
    ) -> ServerSentEvent:
        token = bearer_token(request) or access_token
        if not token:
            raise Unauthorized("an access token is required (Authorization: Bearer … or ?access_token=)")
        user = await user_for_token(ctx, token)
        return ServerSentEvent(
            _events(channels, user_channel(user.id)),
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )


async def _events(channels: ChannelsPlugin, channel: str) -> AsyncIterator[ServerSentEventMessage]:
    queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=1000)
    async with channels.start_subscription([channel]) as subscriber:

        async def pump() -> None:
            async for raw in subscriber.iter_events():
                if queue.full():  # a stalled client loses the oldest events, never blocks the others
                    queue.get_nowait()
                queue.put_nowait(raw)

        pump_task = asyncio.create_task(pump())
        try:
            yield ServerSentEventMessage(event="subscribed", data=json.dumps({"channel": channel}), retry=3000)
            while True:
                try:
                    raw = await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield ServerSentEventMessage(comment="keep-alive")
                    continue
                try:
                    message = json.loads(raw)
                    yield ServerSentEventMessage(event=message["event"], data=json.dumps(message["data"]))
                except (ValueError, KeyError, TypeError):
                    continue
        finally:
            pump_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump_task
