"""A song's audio in the media pipeline: what the probe's tags fill in, what finalize promotes,
and what is discarded once nothing serves or awaits it.

A song's audio is a recording (``purpose = song_audio``) owned by its uploader and processed by
the media plan like any other. ``songs.pending_recording_id`` is the upload in progress and
``songs.recording_id`` the one served: finalize of the pending one swaps them in its own
transaction (the job's, under the job and recording locks, then the song's row), so the old
audio is served until the new is ready, and stays when the new one fails. The previous audio,
and an upload replaced before it finished, go through the ``discard_recording`` task.

Lock order: job, recording, then song (the API's upload only inserts new rows under the song's
lock, and never waits on a job or recording row while holding it).
"""

from __future__ import annotations

import uuid

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from jobs.tasks import DISCARD_RECORDING, RecordingArgs, enqueue
from pipelines.tags import MediaTags
from storage.models.library import Album, AlbumArtist, Artist, CreditRole, Song, SongCredit, song_genres
from storage.models.recordings import Recording, RecordingPurpose
from storage.repositories.jobs import JobRepository
from storage.repositories.library import LibraryRepository
from storage.repositories.recordings import RecordingRepository


async def fill_song_from_tags(session: AsyncSession, recording: Recording, tags: MediaTags) -> None:
    """Fill what the song awaiting ``recording`` leaves empty from the file's tags; never overwrite.

    Title and track number; the performer (an artist of that name, created when there is none) if
    the song credits no performer; the album (by title, created with the tags' year and artist
    when there is none) if the song is on none; its genres if it has none.
    """
    repo = LibraryRepository(session)
    song = await repo.song_awaiting(recording.id)
    if song is None:
        return
    uploader = recording.owner_id
    if song.title is None and tags.title:
        song.title = tags.title
    if song.track_number is None and tags.track is not None and tags.track <= 9999:
        song.track_number = tags.track
    artist = None
    if tags.artist and not await repo.has_credit(song.id, CreditRole.PERFORMER):
        artist = await repo.artist_named(tags.artist)
        artist = artist or await _new(session, Artist(name=tags.artist, created_by=uploader))
        session.add(SongCredit(song_id=song.id, artist_id=artist.id, role=CreditRole.PERFORMER, position=0))
    if song.album_id is None and tags.album:
        album = await repo.album_titled(tags.album)
        if album is None:
            album = await _new(session, Album(title=tags.album, release_year=tags.year, created_by=uploader))
            if artist is not None:
                session.add(AlbumArtist(album_id=album.id, artist_id=artist.id, position=0))
        song.album_id = album.id
    if tags.genres and not await repo.has_link(song_genres, "song_id", song.id):
        for name in tags.genres:
            genre_id = await repo.genre_named(name, uploader)
            await repo.add_link(song_genres, {"song_id": song.id, "genre_id": genre_id})


async def _new(session: AsyncSession, entry: Artist | Album) -> Artist | Album:
    entry.id = uuid.uuid4()
    session.add(entry)
    await session.flush()
    return entry


async def promote_song_audio(session: AsyncSession, recording: Recording) -> None:
    """``recording`` is ready: it becomes the song's served audio, and the previous one is discarded.

    Nothing happens when no song awaits it any more (replaced again, or the song deleted: its
    discard is already queued).
    """
    song = await LibraryRepository(session).song_awaiting(recording.id)
    if song is None:
        return
    previous = song.recording_id
    song.recording_id = recording.id
    song.pending_recording_id = None
    song.duration_seconds = recording.duration_seconds  # ffprobe's, never a client's
    if previous is not None and previous != recording.id:
        enqueue(session, DISCARD_RECORDING, RecordingArgs(recording_id=previous))


async def discard_song_audio(session: AsyncSession, recording_id: uuid.UUID) -> uuid.UUID | None:
    """Delete the rows of a song audio recording nothing serves or awaits; returns its owner (whose
    prefix then holds objects to delete), or None when there is nothing to discard.

    Safe to run twice or late: a practice recording, or one a song still points at, is kept.
    """
    await JobRepository(session).lock_for_recording(recording_id)  # lock order: jobs, then the recording
    recordings = RecordingRepository(session)
    recording = await recordings.get(recording_id, for_update=True)
    if recording is None or recording.purpose != RecordingPurpose.SONG_AUDIO:
        return None
    in_use = select(Song.id).where(or_(Song.recording_id == recording_id, Song.pending_recording_id == recording_id))
    if (await session.execute(in_use.limit(1))).scalar() is not None:
        return None
    await recordings.delete(recording)
    return recording.owner_id
