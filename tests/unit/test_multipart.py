"""The streaming multipart/form-data reader: any chunking gives the same parts; bad bodies give clean errors."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass

import pytest

from api.uploads.multipart import PartData, PartEnd, PartStart, boundary_of, iter_parts
from core.errors import BadRequest, PayloadTooLarge, ValidationFailed

BOUNDARY = b"----CadenzaFormBoundary7MA4YWxkTrZu0gW"
DELIMITER = b"\r\n--" + BOUNDARY
NO_LIMIT = 1 << 40
FILE_HEADERS = b'Content-Disposition: form-data; name="file"; filename="take1.mp4"\r\nContent-Type: video/mp4'


@dataclass
class Part:
    name: str
    filename: str | None
    content_type: str | None
    data: bytes
    complete: bool  # the part's closing delimiter was seen


def field(name: str, value: bytes) -> tuple[bytes, bytes]:
    return f'Content-Disposition: form-data; name="{name}"'.encode(), value


def file_part(data: bytes, disposition_tail: bytes = b'; filename="take1.mp4"') -> tuple[bytes, bytes]:
    return b'Content-Disposition: form-data; name="file"' + disposition_tail + b"\r\nContent-Type: video/mp4", data


def form(*parts: tuple[bytes, bytes], boundary: bytes = BOUNDARY) -> bytes:
    out = bytearray()
    for headers, data in parts:
        out += b"--" + boundary + b"\r\n" + headers + b"\r\n\r\n" + data + b"\r\n"
    return bytes(out + b"--" + boundary + b"--\r\n")


def split_every(body: bytes, size: int) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


def split_at(body: bytes, cuts: Iterable[int]) -> list[bytes]:
    edges = [0, *sorted(cuts), len(body)]
    return [body[a:b] for a, b in zip(edges, edges[1:], strict=False) if b > a]


async def stream(chunks: Sequence[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


async def parse(chunks: Sequence[bytes], *, boundary: bytes = BOUNDARY, limit: int = NO_LIMIT) -> list[Part]:
    parts: list[Part] = []
    async for event in iter_parts(stream(chunks), boundary, max_body_bytes=limit):
        if isinstance(event, PartStart):
            parts.append(Part(event.name, event.filename, event.content_type, b"", complete=False))
        elif isinstance(event, PartData):
            assert parts and not parts[-1].complete, "data outside a part"
            parts[-1].data += event.data
        elif isinstance(event, PartEnd):
            parts[-1].complete = True
    return parts


def summary(parts: list[Part]) -> list[tuple[str, str | None, bytes, bool]]:
    return [(p.name, p.filename, p.data, p.complete) for p in parts]


# Bytes a naive parser mistakes for the delimiter: CR/LF runs and every proper prefix of "\r\n--BOUNDARY".
TRICKY_PAYLOAD = b"".join(
    [b"\r", b"\n", b"\r\n", b"\r\r\n\n", b"--", b"\r\n-", b"\r\n--\r\n", b"--" + BOUNDARY[:-1]]
    + [DELIMITER[:k] + b"#" for k in range(1, len(DELIMITER))]
    + [b"\r\n--" + BOUNDARY[:-1] + b"--"]
)
MIXED_FORM = form(field("title", b"Etude in C"), file_part(TRICKY_PAYLOAD), field("composer", "Chopin é".encode()))
MIXED_EXPECTED = [
    ("title", None, b"Etude in C", True),
    ("file", "take1.mp4", TRICKY_PAYLOAD, True),
    ("composer", None, "Chopin é".encode(), True),
]
CHUNK_SIZES = [1, 2, 7, *(len(DELIMITER) + d for d in (-1, 0, 1)), len(BOUNDARY) - 1, len(BOUNDARY) + 1, 65536]


@pytest.mark.parametrize("size", CHUNK_SIZES)
async def test_fields_before_and_after_the_file_survive_any_chunk_size(size: int) -> None:
    parts = await parse(split_every(MIXED_FORM, size))

    assert summary(parts) == MIXED_EXPECTED
    assert parts[1].content_type == "video/mp4"


async def test_every_single_split_point_gives_the_same_parts() -> None:
    for cut in range(1, len(MIXED_FORM)):
        assert summary(await parse(split_at(MIXED_FORM, [cut]))) == MIXED_EXPECTED, f"split at {cut}"


@pytest.mark.parametrize("offset", range(-3, len(DELIMITER) + 3))
async def test_delimiter_and_crlf_straddling_three_chunks(offset: int) -> None:
    # Cut just before, inside and after every delimiter and its CRLFs, two bytes apart.
    starts = [i for i in range(len(MIXED_FORM)) if MIXED_FORM.startswith(DELIMITER, i)]
    cuts = {c for s in starts for c in (s + offset, s + offset + 2) if 0 < c < len(MIXED_FORM)}

    assert summary(await parse(split_at(MIXED_FORM, cuts))) == MIXED_EXPECTED


@pytest.mark.parametrize("k", range(len(DELIMITER)))
@pytest.mark.parametrize("size", [1, 7])
async def test_file_ending_with_a_partial_delimiter_is_kept_whole(k: int, size: int) -> None:
    payload = b"media" + DELIMITER[:k]  # the hardest place: right before the real delimiter

    parts = await parse(split_every(form(file_part(payload)), size))

    assert summary(parts) == [("file", "take1.mp4", payload, True)]


@pytest.mark.parametrize("seed", range(6))
async def test_random_binary_payload_with_random_chunking_reassembles_exactly(seed: int) -> None:
    rng = random.Random(seed)
    size = [0, 1, 4096, 65537, 300_000, 1024 * 1024][seed]
    payload = bytearray(rng.randbytes(size))
    for _ in range(size // 2000):  # sprinkle near-delimiters through the noise
        at = rng.randrange(len(payload) + 1)
        payload[at:at] = DELIMITER[: rng.randrange(1, len(DELIMITER))]
    body = form(field("title", b"t"), file_part(bytes(payload)))
    cuts: list[int] = []
    while (cuts[-1] if cuts else 0) < len(body):
        cuts.append((cuts[-1] if cuts else 0) + rng.choice([1, 2, 3, 7, 64, 1000, 8192, 65536]))

    parts = await parse(split_at(body, [c for c in cuts if c < len(body)]))

    assert summary(parts) == [("title", None, b"t", True), ("file", "take1.mp4", bytes(payload), True)]


async def test_file_data_is_streamed_while_the_body_is_still_arriving() -> None:
    chunks = split_every(form(file_part(bytes(1024 * 1024))), 64 * 1024)
    consumed = 0

    async def counting() -> AsyncIterator[bytes]:
        nonlocal consumed
        for chunk in chunks:
            consumed += 1
            yield chunk

    sizes = []
    async for event in iter_parts(counting(), BOUNDARY, max_body_bytes=NO_LIMIT):
        if isinstance(event, PartData):
            sizes.append((consumed, len(event.data)))
    assert sizes[0][0] == 1, "the first file bytes come out with the first chunk"
    assert max(size for _, size in sizes) <= 64 * 1024, "no more than one chunk is held"
    assert sum(size for _, size in sizes) == 1024 * 1024


async def test_empty_file_has_a_start_and_an_end_but_no_data() -> None:
    parts = await parse([form(file_part(b""), field("title", b""))])

    assert summary(parts) == [("file", "take1.mp4", b"", True), ("title", None, b"", True)]


@pytest.mark.parametrize(
    ("content_type", "boundary"),
    [
        ('multipart/form-data; boundary="' + BOUNDARY.decode() + '"', BOUNDARY),
        ('multipart/form-data; boundary="with space:and;semicolon"', b"with space:and;semicolon"),
        ("multipart/form-data; charset=utf-8; boundary=abc123", b"abc123"),
        ("Multipart/Form-Data; boundary=abc123", b"abc123"),
    ],
)
async def test_boundary_from_content_type_including_quoted_ones(content_type: str, boundary: bytes) -> None:
    assert boundary_of(content_type) == boundary
    parts = await parse(split_every(form(field("title", b"x"), boundary=boundary), 3), boundary=boundary)

    assert summary(parts) == [("title", None, b"x", True)]


@pytest.mark.parametrize(
    "content_type",
    [None, "", "multipart/form-data", 'multipart/form-data; boundary=""', "application/json", "text/plain; boundary=a"],
)
def test_missing_boundary_or_other_content_type_is_refused(content_type: str | None) -> None:
    with pytest.raises(ValidationFailed) as caught:
        boundary_of(content_type)

    assert (caught.value.error_code, caught.value.status_code) == ("multipart_required", 422)


@pytest.mark.parametrize(
    ("body", "size"),
    [
        (b"this is not a multipart body", 5),
        (form(field("title", b"x"), boundary=b"some-other-boundary"), 1),
        (b"--" + BOUNDARY + b"\r\nContent-Disposition form-data no colon\r\n\r\nx\r\n--" + BOUNDARY + b"--", 7),
        # A field name over the parser's 4 KiB header line limit, and more than 8 header lines.
        (form((b'Content-Disposition: form-data; name="' + b"n" * 5000 + b'"', b"x")), 1000),
        (form((b"X-Padding: 1\r\n" * 9 + b'Content-Disposition: form-data; name="a"', b"x")), 64),
    ],
    ids=["garbage", "wrong-boundary", "header-without-colon", "header-too-large", "too-many-headers"],
)
async def test_malformed_bodies_are_a_400_not_a_crash(body: bytes, size: int) -> None:
    with pytest.raises(BadRequest) as caught:
        await parse(split_every(body, size))

    assert (caught.value.error_code, caught.value.status_code) == ("malformed_multipart", 400)


@pytest.mark.parametrize("size", [1, 7, 65536])
async def test_body_limit_is_inclusive_and_enforced_while_streaming(size: int) -> None:
    body = form(field("title", b"x"), file_part(b"m" * 5000))

    assert len((await parse(split_every(body, size), limit=len(body)))[1].data) == 5000
    with pytest.raises(PayloadTooLarge) as caught:
        await parse(split_every(body, size), limit=len(body) - 1)
    assert (caught.value.error_code, caught.value.status_code) == ("upload_too_large", 413)


async def test_truncated_file_is_never_reported_complete() -> None:
    # upload.py relies on this to refuse a file cut short ("upload_incomplete"); a 400 is fine too.
    body = form(file_part(b"0123456789"))

    for cut in range(body.index(b"0123"), len(body) - len(b"--\r\n")):
        try:
            parts = await parse(split_every(body[:cut], 3))
        except BadRequest as exc:
            assert exc.error_code == "malformed_multipart"
        else:
            assert parts and not parts[-1].complete, f"cut at {cut}"


TRUNCATED = form(file_part(b"media"), field("title", b"Etude in C"))


@pytest.mark.parametrize(
    "body",
    [TRUNCATED[: TRUNCATED.index(b"Etude") + 3], TRUNCATED[: -len(b"--\r\n")], TRUNCATED[: -len(b"-\r\n")], b""],
    ids=["mid-last-field", "no-closing-dashes", "one-closing-dash", "empty-body"],
)
async def test_body_without_closing_delimiter_is_malformed(body: bytes) -> None:
    with pytest.raises(BadRequest) as caught:
        await parse(split_every(body, 7))

    assert caught.value.error_code == "malformed_multipart"


async def test_closing_delimiter_without_final_crlf_and_an_epilogue_are_accepted() -> None:
    body = form(file_part(b"media"))

    assert summary(await parse([body[:-2]])) == [("file", "take1.mp4", b"media", True)]
    assert summary(await parse([body + b"epilogue, ignored"])) == [("file", "take1.mp4", b"media", True)]


@pytest.mark.parametrize(
    ("disposition_tail", "filename"),
    [
        (b'; filename="take1.mp4"', "take1.mp4"),
        (b'; filename=""', ""),  # a browser form with no file chosen
        (b"", None),
        (b'; filename="a \\"quoted\\" name.mp4"', 'a "quoted" name.mp4'),
        # RFC 7578 4.2: filename* must not be sent; the plain filename stays authoritative.
        (b"; filename=\"fallback.mp4\"; filename*=UTF-8''%E9%8C%B2%E9%9F%B3.mp4", "fallback.mp4"),
        (b"; filename*=UTF-8''%E9%8C%B2%E9%9F%B3.mp4", None),
        (b'; filename="C:\\\\Users\\\\ana\\\\take1.mp4"', "take1.mp4"),  # IE-style full path
    ],
)
async def test_filename_parameter(disposition_tail: bytes, filename: str | None) -> None:
    parts = await parse([form(file_part(b"m", disposition_tail))])

    assert summary(parts) == [("file", filename, b"m", True)]


@pytest.mark.parametrize("filename", ["録音.mp4", "vidéo.mp4", "Étude №3 🎹.mov"])
async def test_raw_utf8_filename_as_browsers_send_it(filename: str) -> None:
    tail = b'; filename="' + filename.encode() + b'"'

    parts = await parse([form(file_part(b"m", tail))])

    assert summary(parts) == [("file", filename, b"m", True)]


@pytest.mark.parametrize("sent", ["../../etc/take1.mp4", "/home/ana/take1.mp4", "..\\..\\take1.mp4", "dir/take1.mp4"])
async def test_path_components_in_filename_are_not_trusted(sent: str) -> None:
    parts = await parse([form(file_part(b"m", b'; filename="' + sent.encode() + b'"'))])

    assert parts[0].filename == "take1.mp4"
