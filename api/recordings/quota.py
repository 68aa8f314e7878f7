"""Per-user upload quotas: bytes stored and uploads per window (``UploadQuotas``).

Checked before an upload's body is read; the bytes still free also cap the upload while it
streams. The uploads counter is the shared Redis sliding window, but, unlike the sign-in limits,
it fails open: uploads keep working while Redis is down (the outbox carries them).
"""

from __future__ import annotations

import logging
import uuid

from redis.exceptions import RedisError

from api.context import AppContext
from api.ratelimit import RateLimiter, counter
from api.users.schemas import UsageOut
from core.errors import PayloadTooLarge, RateLimited, ServiceUnavailable
from core.limits import RateLimit
from storage.models.users import User
from storage.repositories.recordings import stored_bytes

log = logging.getLogger("cadenza.upload")


def quota_exceeded(quota: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"this upload would take your storage past its quota of {quota} bytes; delete recordings to make room",
        error_code="storage_quota_exceeded",
    )


async def admit_upload(ctx: AppContext, owner: User) -> int | None:
    """Count one upload against the owner's window and return the bytes it may take (``None``: no
    quota). Raises 429 ``too_many_uploads`` or 413 ``storage_quota_exceeded``."""
    quotas = ctx.settings.quotas
    await _count_upload(ctx, quotas.uploads, "uploads", owner, "recordings")
    if quotas.storage_bytes is None:
        return None
    async with ctx.sessions() as session:
        used = await stored_bytes(session, owner.id)
    if used >= quotas.storage_bytes:
        raise quota_exceeded(quotas.storage_bytes)
    return quotas.storage_bytes - used


async def admit_photo_upload(ctx: AppContext, owner: User) -> None:
    """Count one profile photo upload (each is an images job); 429 ``too_many_uploads`` past the limit."""
    await _count_upload(ctx, ctx.settings.quotas.photos, "photo-uploads", owner, "profile photos")


async def _count_upload(ctx: AppContext, limit: RateLimit | None, scope: str, owner: User, what: str) -> None:
    try:
        await RateLimiter(ctx.redis).hit(limit, counter(scope, "account", str(owner.id)))
    except RateLimited as exc:
        detail = f"you have uploaded as many {what} as allowed for now"
        raise RateLimited(detail, error_code="too_many_uploads", headers=exc.headers) from None
    except ServiceUnavailable:
        log.warning("upload counter unavailable; accepting the upload", extra={"scope": scope})


async def usage_of(ctx: AppContext, owner_id: uuid.UUID, used: int) -> UsageOut:
    """The owner's usage beside its quotas, given the bytes it stores (read with the account)."""
    quotas = ctx.settings.quotas
    uploads = 0
    if quotas.uploads is not None:
        try:
            seconds, micros = await ctx.redis.time()
            now_ms = seconds * 1000 + micros // 1000
            key = counter("uploads", "account", str(owner_id))
            uploads = int(await ctx.redis.zcount(key, now_ms - quotas.uploads.seconds * 1000, "+inf"))
        except RedisError:
            log.warning("upload counter unavailable; usage shows no uploads")
    return UsageOut(
        stored_bytes=used,
        storage_quota_bytes=quotas.storage_bytes,
        uploads_in_window=uploads,
        uploads_per_window=quotas.uploads.count if quotas.uploads else None,
        upload_window_seconds=quotas.uploads.seconds if quotas.uploads else None,
    )
