"""Step results as data, and the file replacement that stages them on its job until finalize.

A media job's steps write their results (``MediaChange``) to the recording as each step
completes. A replacement job (a plan with ``stages_media``) must not: the recording keeps serving
its old media until the new media is complete, and keeps it if the job fails. So its steps'
results are merged into ``Job.staged``, its outputs go under the job's own prefix
(``storage.objects.keys.replacement_prefix``), and finalize swaps everything in with one update.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.jobs import Job
from storage.models.recordings import Recording, Rendition
from storage.repositories.recordings import RecordingRepository

#: The recording's columns that steps produce (probe, render, thumbnails).
MEDIA_FIELDS = (
    "media_kind",
    "duration_seconds",
    "width",
    "height",
    "media_info",
    "thumbnail_key",
    "poster_key",
    "waveform_key",
)


@dataclass(frozen=True, slots=True)
class MediaChange:
    """A step's results: recording columns (of ``MEDIA_FIELDS``) and rendition rows (without
    ``recording_id``). Callable as a ``jobs.claims.RecordingChange``: applies itself at once."""

    fields: Mapping[str, Any] = field(default_factory=dict)
    renditions: tuple[Mapping[str, Any], ...] = ()

    async def __call__(self, session: AsyncSession, recording: Recording) -> None:
        for name, value in self.fields.items():
            setattr(recording, name, value)
        repo = RecordingRepository(session)
        for row in self.renditions:
            await repo.upsert_rendition({**row, "recording_id": recording.id})


def stage(job: Job, change: MediaChange) -> None:
    """Merge ``change`` into the job's staged results (a re-run step's results replace its earlier ones)."""
    staged = dict(job.staged or {})
    staged["fields"] = {**staged.get("fields", {}), **change.fields}
    renditions = {row["name"]: row for row in staged.get("renditions", [])}
    renditions.update({row["name"]: dict(row) for row in change.renditions})
    staged["renditions"] = sorted(renditions.values(), key=lambda row: row["name"])
    job.staged = staged  # a new dict: JSONB changes are seen by assignment only


def staged_view(recording: Recording, job: Job) -> Recording:
    """The recording as the replacement job's steps see it: the new original and what is staged.

    A transient object (never added to a session): steps read it, nothing writes it.
    """
    staged = job.staged or {}
    original, fields = staged["original"], staged.get("fields", {})
    view = Recording(
        id=recording.id,
        owner_id=recording.owner_id,
        title=recording.title,
        status=recording.status,
        original_key=original["key"],
        original_filename=original.get("filename"),
        content_type=original.get("content_type"),
        size_bytes=original["size_bytes"],
        **{name: fields.get(name) for name in MEDIA_FIELDS},
    )
    view.renditions = [Rendition(recording_id=recording.id, **row) for row in staged.get("renditions", [])]
    return view


def served_keys(recording: Recording) -> set[str]:
    """Every object the recording serves or reads: its original, renditions and images."""
    keys = {recording.original_key, *(r.storage_key for r in recording.renditions)}
    keys |= {k for k in (recording.thumbnail_key, recording.poster_key, recording.waveform_key) if k}
    return keys


async def swap_in(session: AsyncSession, recording: Recording, staged: Mapping[str, Any]) -> set[str]:
    """Make the staged media the recording's, in the caller's transaction; returns the keys of
    the objects it no longer uses (to delete once committed)."""
    before = served_keys(recording)
    original, fields = staged["original"], staged.get("fields", {})
    recording.original_key = original["key"]
    recording.original_filename = original.get("filename")
    recording.content_type = original.get("content_type")
    recording.size_bytes = original["size_bytes"]
    for name in MEDIA_FIELDS:
        setattr(recording, name, fields.get(name))
    recording.error_code = recording.error_message = None
    rows = staged.get("renditions", [])
    names = {row["name"] for row in rows}
    # Renditions the new media has no counterpart for (hd of an old video, audio of an old
    # recording) go with the old media; delete-orphan removes their rows at flush.
    recording.renditions = [r for r in recording.renditions if r.name in names]
    await MediaChange(renditions=tuple(rows))(session, recording)
    after = {original["key"], *(row["storage_key"] for row in rows)}
    after |= {fields[k] for k in ("thumbnail_key", "poster_key", "waveform_key") if fields.get(k)}
    return before - after
