"""Queue ``notify``: the ``deliver_webhook`` actor, one attempt at one delivery.

The delivery row (``jobs.fanout``) holds the event; its id is the ``Cadenza-Delivery`` header of
every attempt, so a receiver recognises a redelivery (after a worker died mid-request, the broker
hands the message out again and the same delivery is sent again). Each attempt resolves the host
again and, in production, refuses private answers (DNS rebinding); the request then goes to the
address that was checked (the name kept for ``Host`` and TLS), redirects are not followed, and the
response body is never read. A failure writes a new outbox row for ``attempt + 1`` after the
task's backoff, until ``max_attempts``; then the delivery is ``failed``.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

import httpx
import msgspec

from core.ids import utcnow
from core.webhook_signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signature
from core.webhook_targets import Target, TargetRefused, parse_target, resolve
from jobs.tasks import DELIVER_WEBHOOK, WebhookArgs, enqueue
from storage.repositories.webhooks import DeliveryRepository
from workers.runtime import get_context

log = logging.getLogger("cadenza.webhooks")

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
USER_AGENT = "Cadenza-Webhooks/1"


class Attempt(msgspec.Struct):
    """What one attempt found: a status code, or the error that stopped it."""

    response_code: int | None = None
    error: str | None = None
    duration_ms: int = 0
    permanent: bool = False

    @property
    def succeeded(self) -> bool:
        return self.response_code is not None and 200 <= self.response_code < 300


async def deliver_webhook(args: WebhookArgs) -> None:
    ctx = await get_context()
    async with ctx.sessions() as session:
        found = await DeliveryRepository(session).with_webhook(args.delivery_id)
        if found is None:  # the webhook or the recording was deleted meanwhile
            return
        delivery, webhook = found
        if delivery.status != "pending":
            log.info("delivery already settled (redelivered message)", extra={"delivery_id": str(delivery.id)})
            return
        body = encode_body(delivery.id, delivery.payload)
        url, secret, event = webhook.url, webhook.secret, delivery.event
    attempt = await send(url, secret, delivery.id, event, body, production=ctx.settings.is_production)
    await _record(args, attempt)


def encode_body(delivery_id: uuid.UUID, payload: dict[str, Any]) -> bytes:
    """The same bytes at every attempt: the delivery id first, then the stored event."""
    return msgspec.json.encode({"id": str(delivery_id), **payload})


async def send(url: str, secret: str, delivery_id: uuid.UUID, event: str, body: bytes, *, production: bool) -> Attempt:
    """POST ``body`` signed with ``secret``; never raises for the receiver's faults."""
    try:
        target = parse_target(url)
        addresses = await resolve(target, production=production)
    except TargetRefused as exc:
        return Attempt(error=exc.error_code, permanent=True)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature(secret, int(time.time()), body),
        DELIVERY_HEADER: str(delivery_id),
        EVENT_HEADER: event,
        "Host": _host_header(target),
    }
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False, trust_env=False) as client:
        for address in addresses:  # the next checked address only when this one refuses to connect
            request = client.build_request(
                "POST", _pinned(url, address), content=body, headers=headers, extensions=extensions
            )
            try:
                response = await client.send(request, stream=True)  # the body is never read
                await response.aclose()
                break
            except httpx.ConnectError as exc:
                error = type(exc).__name__
            except httpx.HTTPError as exc:
                return Attempt(error=type(exc).__name__, duration_ms=_ms(started))
        else:
            return Attempt(error=error, duration_ms=_ms(started))
    code = response.status_code
    return Attempt(response_code=code, duration_ms=_ms(started), error=None if 200 <= code < 300 else f"HTTP {code}")


def _pinned(url: str, address: str) -> httpx.URL:
    """``url`` with its host replaced by the checked address, so no second lookup can differ."""
    return httpx.URL(url).copy_with(host=address)


def _host_header(target: Target) -> str:
    default = 443 if target.scheme == "https" else 80
    host = f"[{target.host}]" if ":" in target.host else target.host
    return host if target.port == default else f"{host}:{target.port}"


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


async def _record(args: WebhookArgs, attempt: Attempt) -> None:
    """Log the attempt on the delivery; schedule the next one or settle it."""
    ctx = await get_context()
    now = utcnow()
    async with ctx.sessions.begin() as session:
        found = await DeliveryRepository(session).with_webhook(args.delivery_id, lock=True)
        if found is None or found[0].status != "pending":
            return
        delivery = found[0]
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.response_code = attempt.response_code
        delivery.error = attempt.error
        delivery.duration_ms = attempt.duration_ms
        delivery.next_attempt_at = None
        if attempt.succeeded:
            delivery.status, delivery.delivered_at = "succeeded", now
        elif attempt.permanent or args.attempt + 1 >= DELIVER_WEBHOOK.max_attempts:
            delivery.status = "failed"
        else:
            due = DELIVER_WEBHOOK.backoff.due(args.attempt + 1, now)
            delivery.next_attempt_at = due
            again = WebhookArgs(delivery_id=args.delivery_id, attempt=args.attempt + 1)
            enqueue(session, DELIVER_WEBHOOK, again, available_at=due)
    log.info(
        "webhook attempt",
        extra={"delivery_id": str(args.delivery_id), "attempt": args.attempt, "code": attempt.response_code,
               "error": attempt.error},
    )


__all__ = ["Attempt", "deliver_webhook", "encode_body", "send"]
