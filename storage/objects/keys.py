"""Deterministic object keys, and the one validator every store runs keys through.

Keys are derived from ids, never from user input, so a retried pipeline step overwrites the same
object instead of leaving a duplicate (DESIGN §5). Validation still happens inside the stores: a key
is also a filesystem path for ``LocalStore``, and a bad one must never reach ``open()``.
"""

from __future__ import annotations

from typing import Final
from uuid import UUID

RECORDING_OBJECT_NAMES: Final = frozenset(
    {"original", "hd.mp4", "sd.mp4", "audio.m4a", "thumbnail.jpg", "poster.jpg", "waveform.json"}
)
USER_OBJECT_NAMES: Final = frozenset({"profile.jpg", "profile_thumb.jpg"})

#: S3's own limit on key length, in UTF-8 bytes; applied to local keys too so both backends agree.
MAX_KEY_BYTES: Final = 1024


def validate_key(key: str) -> str:
    """Return ``key`` unchanged if it is a safe relative object key; raise ``ValueError`` otherwise.

    Refused: empty keys, absolute paths, backslashes, NUL and other control characters, empty
    segments (``a//b``, trailing ``/``) and ``.``/``..`` segments.
    """
    if not isinstance(key, str) or not key:
        raise ValueError("object key must be a non-empty string")
    if len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        raise ValueError(f"object key is longer than {MAX_KEY_BYTES} bytes")
    if key.startswith("/"):
        raise ValueError(f"object key must be relative, not {key!r}")
    if "\\" in key:
        raise ValueError(f"object key must not contain a backslash: {key!r}")
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in key):
        raise ValueError(f"object key must not contain NUL or control characters: {key!r}")
    for segment in key.split("/"):
        if not segment:
            raise ValueError(f"object key must not contain empty segments: {key!r}")
        if segment in {".", ".."}:
            raise ValueError(f"object key must not contain '.' or '..' segments: {key!r}")
    return key


def validate_prefix(prefix: str) -> str:
    """Return ``prefix`` if it names a whole "directory" of keys (``a/b/``); raise ``ValueError``.

    The trailing slash is required so that ``recordings/u/1`` can never also match
    ``recordings/u/10/...``, and an empty prefix (the whole bucket) is refused outright.
    """
    if not isinstance(prefix, str) or not prefix.endswith("/"):
        raise ValueError(f"object prefix must end with '/': {prefix!r}")
    validate_key(prefix[:-1])
    return prefix


def _id_segment(value: object) -> str:
    text = str(value)
    if isinstance(value, UUID | int):
        return text
    validate_key(text)
    if "/" in text:
        raise ValueError(f"id must be a single key segment: {text!r}")
    return text


def recording_prefix(owner_id: object, recording_id: object) -> str:
    """``recordings/{owner}/{recording}/`` — everything stored for one recording."""
    return f"recordings/{_id_segment(owner_id)}/{_id_segment(recording_id)}/"


def recording_key(owner_id: object, recording_id: object, name: str) -> str:
    """Key of one named object of a recording (``original``, ``hd.mp4``, ``poster.jpg``...)."""
    if name not in RECORDING_OBJECT_NAMES:
        raise ValueError(f"unknown recording object name {name!r}")
    return recording_prefix(owner_id, recording_id) + name


def replacement_prefix(owner_id: object, recording_id: object, job_id: object) -> str:
    """``recordings/{owner}/{recording}/jobs/{job}/`` — a file replacement's original and outputs.

    Beside the served objects, never over them: the old media stays served until the job's finalize
    swaps the keys in, and stays if the job fails. Inside the recording's prefix, so deleting the
    recording removes them too.
    """
    return f"{recording_prefix(owner_id, recording_id)}jobs/{_id_segment(job_id)}/"


def replacement_key(owner_id: object, recording_id: object, job_id: object, name: str) -> str:
    """Key of one named object (``original``, ``hd.mp4``...) of a file replacement's job."""
    if name not in RECORDING_OBJECT_NAMES:
        raise ValueError(f"unknown recording object name {name!r}")
    return replacement_prefix(owner_id, recording_id, job_id) + name


def user_prefix(user_id: object) -> str:
    """``users/{user}/`` — everything stored for one user (removed with the account)."""
    return f"users/{_id_segment(user_id)}/"


def user_key(user_id: object, name: str) -> str:
    """Key of a user's profile image (``profile.jpg`` or ``profile_thumb.jpg``)."""
    if name not in USER_OBJECT_NAMES:
        raise ValueError(f"unknown user object name {name!r}")
    return user_prefix(user_id) + name


def user_photo_upload_key(user_id: object, upload_id: object) -> str:
    """``users/{user}/photo_uploads/{upload}`` — one uploaded photo awaiting the images worker.

    One key per upload (not one per user): a worker busy with an older upload never reads a newer
    file, and removing a processed original cannot remove one that arrived meanwhile.
    """
    return f"{user_prefix(user_id)}photo_uploads/{_id_segment(upload_id)}"


ALBUM_OBJECT_NAMES: Final = frozenset({"cover.jpg", "cover_thumb.jpg"})


def album_prefix(album_id: object) -> str:
    """``albums/{album}/`` — everything stored for one album (removed with it)."""
    return f"albums/{_id_segment(album_id)}/"


def album_key(album_id: object, name: str) -> str:
    """Key of an album's cover image (``cover.jpg`` or ``cover_thumb.jpg``)."""
    if name not in ALBUM_OBJECT_NAMES:
        raise ValueError(f"unknown album object name {name!r}")
    return album_prefix(album_id) + name


def album_cover_upload_key(album_id: object, upload_id: object) -> str:
    """``albums/{album}/cover_uploads/{upload}`` — one uploaded cover awaiting the images worker."""
    return f"{album_prefix(album_id)}cover_uploads/{_id_segment(upload_id)}"
