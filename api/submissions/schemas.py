"""Submission bodies (DESIGN §10). Created and replaced as multipart forms (``file``, ``note``)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec

from api.fields import text
from api.relationships.schemas import PersonOut

Note = Annotated[str, text(max_length=5000)]


class SubmissionFields(msgspec.Struct, forbid_unknown_fields=True):
    """The submission's own text field of the upload form (the recording's own come beside it)."""

    note: Note | None = None


class SubmissionGrade(msgspec.Struct, forbid_unknown_fields=True):
    grade: Annotated[int, msgspec.Meta(ge=0, le=100)] | None | msgspec.UnsetType = msgspec.UNSET
    feedback: Note | None | msgspec.UnsetType = msgspec.UNSET


class SubmissionOut(msgspec.Struct):
    """Decoded straight from ``submission_page``'s JSON in lists (fields: ``SUBMISSION_FIELDS``)."""

    id: uuid.UUID
    block_id: uuid.UUID
    student: PersonOut
    recording_id: uuid.UUID
    job_id: uuid.UUID | None
    #: The recording's: processing, ready or failed.
    status: str
    note: str | None
    grade: int | None
    feedback: str | None
    created_at: dt.datetime
    #: When the work now handed in came: its recording's upload (a replaced file is handed in anew).
    handed_in_at: dt.datetime
    #: Handed in after the block's ``due_at`` (never late without one). Late work is taken, and marked.
    late: bool


class SubmissionPage(msgspec.Struct):
    items: list[SubmissionOut]
    total: int
    limit: int
    offset: int
