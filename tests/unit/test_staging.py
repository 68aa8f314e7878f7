"""A file replacement's staged results: merged step by step, read back as the steps' view."""

from __future__ import annotations

import uuid

from jobs.staging import MediaChange, served_keys, stage, staged_view
from storage.models.jobs import Job
from storage.models.recordings import Recording, Rendition

ORIGINAL = {"key": "recordings/o/r/jobs/j/original", "filename": "take2.mp3", "content_type": None, "size_bytes": 7}


def _row(name: str, key: str) -> dict[str, object]:
    return {"name": name, "storage_key": key, "content_type": "video/mp4", "size_bytes": 1}


def test_steps_results_merge_and_a_rerun_step_replaces_its_own() -> None:
    job = Job(id=uuid.uuid4(), staged={"original": ORIGINAL})
    stage(job, MediaChange(fields={"duration_seconds": 3.0, "media_kind": "video"}))
    stage(job, MediaChange(renditions=(_row("sd", "a/sd.mp4"), _row("hd", "a/hd.mp4"))))
    stage(job, MediaChange(fields={"duration_seconds": 3.5}, renditions=(_row("sd", "b/sd.mp4"),)))

    assert job.staged == {
        "original": ORIGINAL,
        "fields": {"duration_seconds": 3.5, "media_kind": "video"},
        "renditions": [_row("hd", "a/hd.mp4"), _row("sd", "b/sd.mp4")],
    }


def test_the_steps_see_the_new_original_and_the_staged_media_not_the_served_one() -> None:
    served = Recording(id=uuid.uuid4(), owner_id=uuid.uuid4(), title="Etude", status="ready",
                       original_key="recordings/o/r/original", size_bytes=99, duration_seconds=2.0,
                       thumbnail_key="recordings/o/r/thumbnail.jpg")  # fmt: skip
    served.renditions = [Rendition(name="hd", storage_key="recordings/o/r/hd.mp4")]
    job = Job(id=uuid.uuid4(), staged={"original": ORIGINAL})
    stage(job, MediaChange(fields={"duration_seconds": 3.0}, renditions=(_row("audio", "a/audio.m4a"),)))

    view = staged_view(served, job)

    assert (view.id, view.owner_id, view.original_key, view.size_bytes) == (
        served.id, served.owner_id, ORIGINAL["key"], 7,
    )  # fmt: skip
    assert (view.duration_seconds, view.thumbnail_key) == (3.0, None)
    assert served_keys(view) == {ORIGINAL["key"], "a/audio.m4a"}
    assert served_keys(served) == {"recordings/o/r/original", "recordings/o/r/hd.mp4", "recordings/o/r/thumbnail.jpg"}
