"""The sentence a user sees for each error code: fixed text, never an exception's details.

An exception's text can hold SQL, parameters, paths or another user's data; it goes to the logs
and to the operators' job view (a step's ``error_message``), while owners read one of these
sentences (a recording's ``error_message``, a step in ``GET /jobs/{id}``, the failure notification).
"""

from __future__ import annotations

GENERIC = "The recording could not be processed."

PUBLIC_MESSAGES: dict[str, str] = {
    "empty_file": "The file is empty.",
    "image_not_supported": "Still images are not supported; upload a video or audio recording.",
    "playlist_not_allowed": "Playlists and reference files are not accepted.",
    "not_media": "The file is not a recognised audio or video format.",
    "no_media_stream": "The file has no audio or video stream.",
    "no_audio_stream": "The file has no sound to use as the song's audio.",
    "unknown_duration": "The file's duration cannot be determined.",
    "truncated_media": "The file is incomplete or damaged.",
    "media_too_long": "The recording is longer than this server accepts.",
    "frame_too_large": "The video's frame is larger than this server accepts.",
    "frame_too_small": "The video's frame is too small.",
    "probe_timeout": "The file took too long to analyse.",
    "ffmpeg_failed": "The recording could not be converted.",
    "ffmpeg_timeout": "Converting the recording took too long.",
    "output_missing": "A converted file went missing; the recording could not be finished.",
    "renditions_missing": "No converted version was produced; the recording could not be finished.",
    "object_not_found": "The uploaded file is no longer stored.",
    "worker_lost": "The server processing the recording stopped.",
    "transient_failure": "A service the server needs was unavailable.",
    "data_error": "The recording's data could not be saved.",
    "internal_error": GENERIC,
    "cancelled": "Processing was cancelled by an administrator.",
}


def public_message(error_code: str | None) -> str | None:
    """The sentence for ``error_code`` (a generic one for a code without its own), None for None."""
    if error_code is None:
        return None
    return PUBLIC_MESSAGES.get(error_code, GENERIC)
