"""A step's working files: the original is read in place from a LocalStore, downloaded once from S3.

Copying the original into every step's temp dir cost a full read and write per step; these tests
show which file a step gets to read on each backend and that its temp dir goes away, and that
render and thumbnails reuse the probe step's findings instead of running ffprobe again.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest

from core.errors import InvalidMedia
from pipelines.media import MediaInfo, VideoStream
from storage.models.recordings import Recording
from storage.objects import LocalStore, ObjectStore, recording_key
from tests.integration.object_store_support import chunks_of
from workers.media_files import source_info, working_copy


async def test_working_copy_reads_local_originals_in_place_and_downloads_s3_once(store: ObjectStore) -> None:
    owner, rec = uuid.uuid4(), uuid.uuid4()
    key = recording_key(str(owner), str(rec), "original")
    await store.put_stream(key, chunks_of(b"\x00\x00\x00\x18ftypmp42 practice"), content_type="video/mp4")
    recording = Recording(id=rec, owner_id=owner, original_key=key)
    ctx = SimpleNamespace(store=store)  # working_copy needs only the context's store

    async with working_copy(ctx, recording) as (workdir, original):  # type: ignore[arg-type]
        assert original.read_bytes() == b"\x00\x00\x00\x18ftypmp42 practice"
        if isinstance(store, LocalStore):
            assert original == store.path_for(key)  # the stored file itself: no copy
            assert list(workdir.iterdir()) == []
        else:
            assert original.parent == workdir  # S3: one download into the step's own dir
        outputs = workdir

    assert not Path(outputs).exists()
    if isinstance(store, LocalStore):
        assert store.path_for(key).read_bytes().endswith(b"practice")  # the original is untouched


async def test_source_info_reuses_what_the_probe_step_stored(tmp_path: Path) -> None:
    stored = MediaInfo("video", "mov,mp4,m4a,3gp,3g2,mj2", 30.0, 45_000_000, 12_000_000,
                       VideoStream("h264", 1920, 1080, 0, 1920, 1080, 30.0, None, "yuv420p", 900, 0), None)  # fmt: skip
    not_probed_again = tmp_path / "original"
    not_probed_again.write_bytes(b"not media at all")  # ffprobe would refuse this file

    assert await source_info(Recording(media_info=stored.to_dict()), not_probed_again) == stored
    with pytest.raises(InvalidMedia):  # nothing stored (an older row): the file is probed
        await source_info(Recording(media_info=None), not_probed_again)
