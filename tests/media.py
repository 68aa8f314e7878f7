"""Test media, generated with ffmpeg's lavfi sources (nothing binary is committed)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def ffprobe(path: str | Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
        check=True,
        capture_output=True,
    ).stdout
    return json.loads(out)


def video_clip(path: Path, *, width: int, height: int, seconds: float, fps: int = 30, audio: bool = True) -> Path:
    """An H.264/AAC MP4 of a moving test pattern and a tone."""
    if path.exists():
        return path
    inputs = ["-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={fps}:duration={seconds}"]
    if audio:
        inputs += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    codecs = ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "32", "-pix_fmt", "yuv420p"]
    if audio:
        codecs += ["-c:a", "aac", "-b:a", "96k"]
    ffmpeg(*inputs, *codecs, "-shortest", "-movflags", "+faststart", str(path))
    return path


def rotated_clip(path: Path, source: Path) -> Path:
    """A landscape clip tagged like a phone's portrait recording (display matrix -90)."""
    if not path.exists():
        ffmpeg("-i", str(source), "-c", "copy", "-metadata:s:v", "rotate=270", str(path))
    return path


def audio_file(path: Path, *, seconds: float) -> Path:
    """WAV or MP3 depending on the suffix."""
    if not path.exists():
        codec = ["-c:a", "libmp3lame", "-b:a", "128k"] if path.suffix == ".mp3" else ["-c:a", "pcm_s16le"]
        ffmpeg("-f", "lavfi", "-i", f"sine=frequency=330:sample_rate=44100:duration={seconds}", *codec, str(path))
    return path


def tagged_audio(path: Path, *, seconds: float, frequency: int = 330, **tags: str) -> Path:
    """An audio file (codec by suffix: .mp3, .flac, .m4a, .aac, .ogg, .wav) carrying ``tags`` written by
    ffmpeg's ``-metadata`` (title, artist, album, track, date, genre): ID3, Vorbis comments, MP4 atoms."""
    if not path.exists():
        codecs = {".mp3": ["-c:a", "libmp3lame", "-b:a", "96k"], ".m4a": ["-c:a", "aac", "-b:a", "96k"]}
        codecs |= {".aac": ["-c:a", "aac", "-b:a", "96k", "-f", "adts"]}
        codecs |= {".ogg": ["-c:a", "libvorbis"], ".flac": ["-c:a", "flac"], ".wav": ["-c:a", "pcm_s16le"]}
        metadata = [arg for key, value in tags.items() for arg in ("-metadata", f"{key}={value}")]
        source = f"sine=frequency={frequency}:sample_rate=44100:duration={seconds}"
        ffmpeg("-f", "lavfi", "-i", source, *codecs[path.suffix], *metadata, str(path))
    return path


def png_image(path: Path) -> Path:
    if not path.exists():
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x360", "-frames:v", "1", str(path))
    return path


def truncated_copy(path: Path, source: Path, fraction: float = 0.4) -> Path:
    """The first part of an MP4 whose index (moov) sits at the end: unplayable, still `ftyp`."""
    if not path.exists():
        data = source.read_bytes()
        path.write_bytes(data[: int(len(data) * fraction)])
    return path


def hls_playlist(path: Path) -> Path:
    """A playlist that would make a naive ffmpeg read a local file."""
    path.write_text("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n")
    return path


class UnsizedBody:
    """A file-like upload body of ``total`` random bytes with no known size: httpx sends it chunked,
    so the server only learns it is too large while it streams."""

    def __init__(self, total: int) -> None:
        self.left = total
        self.block = os.urandom(1024 * 1024)

    def read(self, n: int = -1) -> bytes:
        size = min(self.left, len(self.block), n if n >= 0 else self.left)
        self.left -= size
        return self.block[:size]
