"""Field types shared by request bodies and query parameters.

PostgreSQL text cannot hold NUL, and no name, title or login needs control characters: they are
refused at the edge (422 ``validation_error``) instead of reaching the database.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.params import Parameter

# One line of text: no C0 control characters, no DEL.
_LINE = r"^[^\x00-\x1f\x7f]*$"
# Free text: newlines and tabs allowed, other control characters not.
_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def line(min_length: int = 0, max_length: int = 200) -> msgspec.Meta:
    return msgspec.Meta(min_length=min_length, max_length=max_length, pattern=_LINE)


def text(max_length: int) -> msgspec.Meta:
    return msgspec.Meta(max_length=max_length, pattern=_TEXT)


# Pagination: PostgreSQL's OFFSET is a bigint; anything near that is a client error, not a 500.
Limit = Annotated[int, Parameter(ge=1, le=100, description="page size")]
Offset = Annotated[int, Parameter(ge=0, le=2**31 - 1, description="items to skip")]
