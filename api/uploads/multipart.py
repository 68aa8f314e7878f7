"""A streaming multipart/form-data reader: parts arrive as events while the body is read.

Litestar's own form parsing buffers and spools uploads to temporary files; here the file part's
bytes are handed on chunk by chunk, so the upload flows straight into the object store.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from core.errors import BadRequest, PayloadTooLarge, ValidationFailed


@dataclass(slots=True)
class PartStart:
    name: str
    filename: str | None
    content_type: str | None


@dataclass(slots=True)
class PartData:
    data: bytes


@dataclass(slots=True)
class PartEnd:
    pass


Event = PartStart | PartData | PartEnd


@dataclass(slots=True)
class _State:
    events: list[Event] = field(default_factory=list)
    header_field: bytearray = field(default_factory=bytearray)
    header_value: bytearray = field(default_factory=bytearray)
    headers: dict[str, str] = field(default_factory=dict)
    ended: bool = False


def boundary_of(content_type: str | None) -> bytes:
    kind, params = parse_options_header(content_type or "")
    if kind != b"multipart/form-data" or not params.get(b"boundary"):
        raise ValidationFailed("the body must be multipart/form-data with a boundary", error_code="multipart_required")
    return params[b"boundary"]


async def iter_parts(body: AsyncIterator[bytes], boundary: bytes, *, max_body_bytes: int) -> AsyncIterator[Event]:
    """Yield part events in order; raise PayloadTooLarge once the body passes ``max_body_bytes``."""
    state = _State()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state.header_field += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state.header_value += data[start:end]

    def on_header_end() -> None:
        # latin-1 keeps every byte as is: parse_options_header works on bytes, and the parameters
        # (a raw UTF-8 filename, as browsers send it) are decoded as UTF-8 only after parsing.
        state.headers[state.header_field.decode("latin-1").lower()] = state.header_value.decode("latin-1")
        state.header_field.clear()
        state.header_value.clear()

    def on_headers_finished() -> None:
        _, params = parse_options_header(state.headers.get("content-disposition", ""))
        name = params.get(b"name", b"").decode("utf-8", "replace")
        filename = params.get(b"filename")
        state.events.append(
            PartStart(
                name=name,
                filename=_basename(filename.decode("utf-8", "replace")) if filename is not None else None,
                content_type=state.headers.get("content-type"),
            )
        )
        state.headers = {}

    def on_part_data(data: bytes, start: int, end: int) -> None:
        # Most callbacks cover a whole body chunk: pass that immutable chunk on, no copy.
        whole = start == 0 and end == len(data) and type(data) is bytes
        state.events.append(PartData(data if whole else bytes(data[start:end])))

    def on_part_end() -> None:
        state.events.append(PartEnd())

    def on_end() -> None:
        state.ended = True

    parser = MultipartParser(
        boundary,
        {
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_end": on_end,
        },
    )
    received = 0
    async for chunk in body:
        received += len(chunk)
        if received > max_body_bytes:
            raise PayloadTooLarge(f"the upload is larger than the limit of {max_body_bytes} bytes")
        try:
            parser.write(chunk)
        except MultipartParseError as exc:
            raise BadRequest(f"malformed multipart body: {exc}", error_code="malformed_multipart") from None
        if state.events:
            events, state.events = state.events, []
            for event in _coalesce(events):
                yield event
    try:
        parser.finalize()
    except MultipartParseError as exc:
        raise BadRequest(f"malformed multipart body: {exc}", error_code="malformed_multipart") from None
    for event in _coalesce(state.events):
        yield event
    if not state.ended:  # python-multipart's finalize() does not check this itself
        raise BadRequest(
            "malformed multipart body: it ends before the closing boundary", error_code="malformed_multipart"
        )


def _basename(filename: str) -> str:
    """RFC 7578 §4.2: a filename's directory part is not to be trusted; keep the last component."""
    return filename.replace("\\", "/").rsplit("/", 1)[-1]


def _coalesce(events: list[Event]) -> list[Event]:
    """Merge adjacent data events of one chunk so downstream writes are few and large."""
    out: list[Event] = []
    for event in events:
        if isinstance(event, PartData) and out and isinstance(out[-1], PartData):
            out[-1] = PartData(out[-1].data + event.data)
        else:
            out.append(event)
    return out
