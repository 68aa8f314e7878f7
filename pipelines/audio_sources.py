"""Which files a song's audio may come from, judged by their first bytes before anything is stored.

A song's audio is WAV, MP3, FLAC, AAC/M4A, Ogg, or a video whose sound is kept. A practice
recording is accepted whatever it is and fails at probe; a song's audio is refused on sight
(422) when its header names none of these containers, so a text file or an image never becomes
a job. The probe still decides whether a file that looks right really is playable.
"""

from __future__ import annotations

import dataclasses

from core.errors import InvalidMedia
from pipelines.media import MediaInfo
from pipelines.sniff import container_of, sniff

_MP4_BOXES = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")
_OTHER_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"FLV", "FLV"),
    (0, b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", "ASF (WMA/WMV)"),
    (0, b"\x00\x00\x01\xba", "MPEG program stream"),
    (0, b"FORM", "AIFF"),
)


def _mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG audio frame or an ADTS AAC frame: 11 set sync bits (MP3 without ID3, raw .aac)."""
    return len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0


def _transport_stream(head: bytes) -> bool:
    return len(head) > 188 and head[0] == 0x47 and head[188] == 0x47


def source_format(head: bytes) -> str | None:
    """The name of the accepted container ``head`` starts with, or None."""
    named = container_of(head)
    if named is not None:
        return named
    if head[4:8] in _MP4_BOXES:
        return "MP4/QuickTime"
    for offset, magic, name in _OTHER_MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return name
    if _mpeg_audio_frame(head):
        return "MPEG audio"
    if _transport_stream(head):
        return "MPEG transport stream"
    return None


def refusal_of(head: bytes) -> str | None:
    """The ``error_code`` a song's audio upload is refused with on sight, or None to accept it."""
    code = sniff(head)
    if code is not None:
        return code
    return None if source_format(head) is not None else "not_media"


def audio_only(info: MediaInfo) -> MediaInfo:
    """The probe's findings as a song's audio sees them: the sound only (a video's picture is never
    decoded, so its limits do not apply); 422 ``no_audio_stream`` when there is no sound."""
    if info.audio is None:
        raise InvalidMedia("The file has no sound to use as the song's audio", error_code="no_audio_stream")
    return dataclasses.replace(info, kind="audio", video=None)
