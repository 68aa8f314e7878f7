"""Queue ``ingest``: discard a song's audio recording that nothing serves or awaits any more.

Sent by finalize when a new audio replaces the served one, and by the API when an upload still
processing is replaced or its song deleted. The rows go first (a step still running on the
recording then finds its job gone and removes what it wrote), then every object under its prefix.
"""

from __future__ import annotations

import logging

from jobs.song_audio import discard_song_audio
from jobs.tasks import RecordingArgs
from storage.objects.keys import recording_prefix
from workers.runtime import get_context

log = logging.getLogger("cadenza.worker")


async def discard_recording(args: RecordingArgs) -> None:
    ctx = await get_context()
    async with ctx.sessions.begin() as session:
        owner_id = await discard_song_audio(session, args.recording_id)
    if owner_id is None:
        log.info("nothing to discard", extra={"recording_id": str(args.recording_id)})
        return
    removed = await ctx.store.delete_prefix(recording_prefix(owner_id, args.recording_id))
    log.info("song audio discarded", extra={"recording_id": str(args.recording_id), "objects_removed": removed})
