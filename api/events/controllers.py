"""GET /api/v1/events — a server-sent event stream of the caller's own events.

Events are published by any process (workers publish straight to Redis) and fanned out to every
web replica through Litestar channels on Redis pub/sub. Browsers' EventSource cannot send headers,
so the access token may also come as ``?access_token=``. The caller's access is checked again
before every event and at every keep-alive (``api/events/stream.py``), and each user and client
address may hold only so many streams at once (``api/events/slots.py``).
"""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.channels import ChannelsPlugin
from litestar.response import ServerSentEvent

from api.auth.guards import bearer_token, user_for_token
from api.context import AppContext
from api.events.slots import acquire_stream_slot
from api.events.stream import stream_events
from api.ratelimit import client_ip
from core.errors import Unauthorized


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
        slot = await acquire_stream_slot(ctx.redis, ctx.settings.streams, user.id, client_ip(request))
        return ServerSentEvent(
            stream_events(ctx, channels, token, user.id, slot),
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
