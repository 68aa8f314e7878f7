"""Judge a file by its first bytes, before and after ffprobe has looked at it.

Sniffing first means a playlist is refused without ffprobe ever parsing it (a playlist makes a
demuxer open the files or URLs it lists), and a photo gets a precise error instead of a vague
"not media". After a failed probe, the same bytes tell a truncated upload from a non-media file.
"""

from __future__ import annotations

import re

from core.errors import InvalidMedia

SNIFF_BYTES = 64 * 1024

_IMAGE_MAGIC: tuple[bytes, ...] = (
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",  # TIFF, little-endian
    b"MM\x00*",  # TIFF, big-endian
)
# ISO-BMFF major brands of still-image files (HEIC/HEIF/AVIF); video brands are left to ffprobe.
_IMAGE_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis"})
_PLAYLIST_PREFIXES = (
    b"#extm3u",  # HLS / M3U
    b"ffconcat version",  # ffmpeg concat demuxer
    b"[playlist]",  # PLS
    b"<asx",
    b"<smil",
    b"<mpd",  # DASH manifest
    b"#extinf",
)
# A text line that names another resource: a URL, or a concat-script "file '...'" entry.
_REFERENCE_LINE = re.compile(rb"^\s*(?:[a-z][a-z0-9+.-]*://|file\s+\S)", re.IGNORECASE | re.MULTILINE)
_TEXT_BYTES = frozenset(b"\t\n\r\f") | frozenset(range(0x20, 0x7F))


def _looks_like_text(head: bytes) -> bool:
    """ASCII/UTF-8 text with no control bytes; media containers fail this within a few bytes."""
    sample = head[:4096]
    if b"\x00" in sample:
        return False
    printable = sum(1 for byte in sample if byte in _TEXT_BYTES or byte >= 0x80)
    return printable >= 0.95 * len(sample)


def _is_image(head: bytes) -> bool:
    if head.startswith(_IMAGE_MAGIC):
        return True
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return True
    if head[:2] == b"BM" and len(head) >= 26 and head[6:10] == b"\x00\x00\x00\x00":
        # BMP: "BM", file size, two reserved zero words, then a known DIB header size.
        return int.from_bytes(head[14:18], "little") in (12, 40, 52, 56, 64, 108, 124)
    return head[4:8] == b"ftyp" and head[8:12] in _IMAGE_BRANDS


def sniff(head: bytes) -> str | None:
    """Return an ``error_code`` for content refused on sight, or None to let ffprobe decide.

    Args:
        head: the first bytes of the file (64 KiB is plenty).

    Returns:
        ``empty_file``, ``image_not_supported``, ``playlist_not_allowed`` or None.
    """
    if not head:
        return "empty_file"
    if _is_image(head):
        return "image_not_supported"
    if _looks_like_text(head):
        text = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
        if text.startswith(_PLAYLIST_PREFIXES) or _REFERENCE_LINE.search(head[:SNIFF_BYTES]):
            return "playlist_not_allowed"
    return None


_CONTAINER_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (4, b"ftyp", "MP4/QuickTime"),
    (0, b"\x1a\x45\xdf\xa3", "Matroska/WebM"),
    (0, b"RIFF", "RIFF (WAV/AVI)"),
    (0, b"ID3", "MP3"),
    (0, b"OggS", "Ogg"),
    (0, b"fLaC", "FLAC"),
)


def container_of(head: bytes) -> str | None:
    """Name the container a file's header claims to be, if it is one we recognise."""
    for offset, magic, name in _CONTAINER_MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return name
    return None


def classify_probe_failure(head: bytes, stderr: str) -> InvalidMedia:
    """Explain a non-zero ffprobe exit: a damaged known container, or not media at all.

    The detail never quotes ffprobe's stderr, which names server-side temp paths.
    """
    container = container_of(head)
    if container is not None:
        return InvalidMedia(
            f"The file looks like {container} but is incomplete or corrupt",
            error_code="truncated_media",
        )
    if "not on whitelist" in stderr:
        return InvalidMedia("The file's container format is not supported", error_code="not_media")
    return InvalidMedia("The file is not a recognised audio or video format", error_code="not_media")
