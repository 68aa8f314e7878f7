"""Turn recording rows into response bodies, with media URLs for the caller."""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Set

from api.authz import RecordingAction
from api.authz.recordings import OWNER_PERMISSIONS
from api.context import AppContext
from api.recordings.schemas import RecordingLinks, RecordingOut, RenditionOut
from storage.models.recordings import Recording, RecordingStatus
from storage.objects.local import LocalStore
from storage.objects.signing import sign_media_path
from storage.repositories.recording_reads import PieceSongView, RecordingView


#: Local media URLs expire on a whole multiple of this many seconds (at least the TTL from now), so a
#: recording polled again within the step gets the same URLs: cached signatures, and media the
#: browser has cached stays cached.
EXPIRY_STEP_SECONDS = 60


class MediaUrls:
    """Presigned GET URLs on S3; short-lived signed API URLs (Range-capable) on local storage."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.ttl = ctx.settings.media.media_url_ttl_seconds

    async def url_for(self, key: str, *, filename: str | None = None) -> str:
        if not isinstance(self.ctx.store, LocalStore):  # LocalStore never presigns: don't ask it
            presigned = await self.ctx.store.presigned_url(key, expires=self.ttl, filename=filename)
            if presigned is not None:
                return presigned
        step = min(EXPIRY_STEP_SECONDS, self.ttl)
        expires_at = -(-(int(time.time()) + self.ttl) // step) * step  # rounded up to the step
        return _signed_url(self.ctx.settings.public_base_url, key, self.ctx.settings.auth.secret_key, expires_at)


@functools.lru_cache(maxsize=8192)
def _signed_url(base: str, key: str, secret: str, expires_at: int) -> str:
    return f"{base}/media/{key}?{sign_media_path(key, secret=secret, expires_at=expires_at)}"


async def present(
    ctx: AppContext,
    recording: Recording | RecordingView,
    job_id: uuid.UUID | None,
    permissions: Set[RecordingAction] = OWNER_PERMISSIONS,
    piece_song: PieceSongView | None = None,
) -> RecordingOut:
    """The recording (a row, or a one-statement read's view) as ``permissions`` (the caller's, from
    the policy) let the caller see it.

    Media URLs go to whoever may view; the processing job (``GET /jobs/{id}`` is the owner's) and
    the uploaded file's name only to the owner, the one caller who holds every permission.
    A view carries its ``piece_song``; a row's comes as ``piece_song``.
    """
    owner_view = permissions >= OWNER_PERMISSIONS
    if not owner_view:
        job_id = None
    urls = MediaUrls(ctx)
    ready = recording.status == RecordingStatus.READY
    renditions = (
        [
            RenditionOut(
                name=r.name,
                content_type=r.content_type,
                width=r.width,
                height=r.height,
                bitrate=r.bitrate,
                size_bytes=r.size_bytes,
                duration_seconds=r.duration_seconds,
                url=await urls.url_for(r.storage_key),
            )
            for r in recording.renditions
        ]
        if ready
        else []
    )

    async def optional(key: str | None) -> str | None:
        return await urls.url_for(key) if key and ready else None

    base = ctx.settings.public_base_url
    return RecordingOut(
        id=recording.id,
        owner_id=recording.owner_id,
        title=recording.title,
        description=recording.description,
        piece=recording.piece,
        composer=recording.composer,
        status=recording.status,
        media_kind=recording.media_kind,
        original_filename=recording.original_filename if owner_view else None,
        size_bytes=recording.size_bytes,
        duration_seconds=recording.duration_seconds,
        width=recording.width,
        height=recording.height,
        error_code=recording.error_code,
        error_message=recording.error_message,
        created_at=recording.created_at,
        updated_at=recording.updated_at,
        ready_at=recording.ready_at,
        job_id=job_id,
        renditions=renditions,
        thumbnail_url=await optional(recording.thumbnail_key),
        poster_url=await optional(recording.poster_key),
        waveform_url=await optional(recording.waveform_key),
        links=RecordingLinks(
            self=f"{base}/api/v1/recordings/{recording.id}",
            job=f"{base}/api/v1/jobs/{job_id}" if job_id else None,
            events=f"{base}/api/v1/events",
        ),
        is_public=recording.is_public,
        practice_goals=recording.practice_goals,
        view_count=recording.view_count,
        permissions=sorted(p.value for p in permissions),
        piece_song=recording.piece_song if isinstance(recording, RecordingView) else piece_song,
    )
