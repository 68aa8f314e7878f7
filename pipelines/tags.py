"""The descriptive tags of an audio or video file (title, artist, album, track, year, genre).

Read with mutagen's "easy" interface, which gives one vocabulary for ID3 (MP3, WAV with an ID3
chunk), Vorbis comments (FLAC, Ogg) and MP4 atoms (M4A, MP4 video). Tags are a convenience: a
file whose tags cannot be read is no error, it just has none. Durations never come from here
(ffprobe measures them).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("cadenza.tags")

#: Each value is cut to the catalogue's column lengths; a genre longer than its column is dropped.
MAX_TEXT = 200
MAX_GENRE = 60
MAX_GENRES = 5
_YEAR = re.compile(r"^\s*(\d{4})")
_TRACK = re.compile(r"^\s*(\d{1,4})\s*(?:/\s*\d+\s*)?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class MediaTags:
    title: str | None = None
    artist: str | None = None
    album: str | None = None
    track: int | None = None
    year: int | None = None
    genres: tuple[str, ...] = field(default_factory=tuple)


def clean_text(value: object, limit: int = MAX_TEXT) -> str | None:
    """One line of text, without control characters (PostgreSQL text cannot hold NUL), cut to ``limit``."""
    if not isinstance(value, str):
        return None
    cleaned = " ".join(_CONTROL.sub(" ", value).split())
    return cleaned[:limit] or None


def parse_track(value: object) -> int | None:
    """``"3"`` or ``"3/12"`` → 3; anything else (0, text) → None."""
    match = _TRACK.match(value) if isinstance(value, str) else None
    number = int(match.group(1)) if match else 0
    return number if number > 0 else None


def parse_year(value: object) -> int | None:
    """``"2019"``, ``"2019-05-01"`` → 2019; a year outside 1000–2100 → None."""
    match = _YEAR.match(value) if isinstance(value, str) else None
    year = int(match.group(1)) if match else 0
    return year if 1000 <= year <= 2100 else None


def parse_genres(values: list[str]) -> tuple[str, ...]:
    """Genre values, split on ``;`` (a common way of writing several into one), distinct by case."""
    seen: dict[str, str] = {}
    for value in values:
        for part in value.split(";"):
            name = clean_text(part, limit=MAX_GENRE + 1)
            if name and len(name) <= MAX_GENRE and name.lower() not in seen:
                seen[name.lower()] = name
    return tuple(seen.values())[:MAX_GENRES]


def tags_from_mapping(tags: Any) -> MediaTags:
    """``MediaTags`` from an easy-tags mapping (each key a list of strings)."""

    def first(key: str) -> str | None:
        values = tags.get(key) if tags is not None else None
        return values[0] if values else None

    return MediaTags(
        title=clean_text(first("title")),
        artist=clean_text(first("artist")),
        album=clean_text(first("album")),
        track=parse_track(first("tracknumber")),
        year=parse_year(first("date")),
        genres=parse_genres(list((tags.get("genre") if tags is not None else None) or [])),
    )


def read_tags(path: str | Path) -> MediaTags:
    """The file's tags; empty ones when it has none or mutagen cannot read them (never raises)."""
    import mutagen  # noqa: PLC0415 - only the worker's probe step needs it

    try:
        media = mutagen.File(str(path), easy=True)
        return tags_from_mapping(media.tags if media is not None else None)
    except Exception as exc:  # noqa: BLE001 - a malformed tag block is the file's problem, not the job's
        log.info("tags not readable", extra={"error": type(exc).__name__})
        return MediaTags()
