"""The body of an event stream: the caller's channel, keep-alives, and access checked throughout.

A stream outlives the moment it was authorised, so access is checked again before every event and
at every keep-alive, and a keep-alive is due no later than the token's expiry: after logout, a
password change, deactivation or expiry the stream sends one ``stream.closed`` event naming the
reason (the error code a request would get) and ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator

from litestar.channels import ChannelsPlugin
from litestar.response import ServerSentEventMessage

from api.auth.guards import user_for_token
from api.auth.tokens import ACCESS, decode_token
from api.context import AppContext
from api.events.slots import StreamSlot
from core.errors import Unauthorized
from core.events import user_channel
from core.ids import utcnow


async def stream_events(
    ctx: AppContext, channels: ChannelsPlugin, token: str, user_id: uuid.UUID, slot: StreamSlot
) -> AsyncIterator[ServerSentEventMessage]:
    """The caller's events until the client leaves or its access ends; the slot is freed either way."""
    channel = user_channel(user_id)
    expires_at = decode_token(ctx.settings.auth, token, expected_type=ACCESS).exp
    keepalive = ctx.settings.streams.keepalive_seconds
    queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=1000)
    try:
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
                    # Wake up at the token's expiry at the latest (plus a moment, so it has expired).
                    until_expiry = (expires_at - utcnow()).total_seconds() + 0.5
                    try:
                        raw = await asyncio.wait_for(queue.get(), timeout=max(0.1, min(keepalive, until_expiry)))
                    except TimeoutError:
                        raw = None
                    refused = await _access_refused(ctx, token, user_id)
                    if refused is not None:
                        yield refused
                        return
                    if raw is None:
                        await slot.renew()
                        yield ServerSentEventMessage(comment="keep-alive")
                        continue
                    message = _message(raw)
                    if message is not None:
                        yield message
            finally:
                pump_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pump_task
    finally:
        await slot.release()


async def _access_refused(ctx: AppContext, token: str, user_id: uuid.UUID) -> ServerSentEventMessage | None:
    """The closing event if the token no longer grants access to ``user_id``'s events, else None."""
    try:
        user = await user_for_token(ctx, token)
    except Unauthorized as exc:
        body = {"error_code": exc.error_code, "detail": exc.detail}
        return ServerSentEventMessage(event="stream.closed", data=json.dumps(body))
    if user.id != user_id:  # cannot happen with a valid token; never deliver someone else's events
        return ServerSentEventMessage(event="stream.closed", data=json.dumps({"error_code": "token_invalid"}))
    return None


def _message(raw: bytes) -> ServerSentEventMessage | None:
    try:
        message = json.loads(raw)
        return ServerSentEventMessage(event=message["event"], data=json.dumps(message["data"]))
    except (ValueError, KeyError, TypeError):
        return None
