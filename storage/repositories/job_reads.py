"""Job reads in one statement: the job with its steps in order, and the caller's account."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import Select, bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import UUID, aggregate_order_by

from storage.db import ReadDatabase
from storage.models.jobs import Job, JobStep
from storage.repositories.reads import (
    CallerRow,
    CompiledRead,
    as_text,
    caller_json,
    decode,
    json_object,
    table_columns,
)

#: The keys of each step's JSON object: the columns a step's API body shows, in its field order
#: (``api.jobs.schemas.StepOut`` decodes them directly; a test keeps the two equal).
STEP_FIELDS = (
    "name",
    "queue",
    "state",
    "progress",
    "attempts",
    "max_attempts",
    "started_at",
    "finished_at",
    "error_code",
    "error_message",
)


class JobView(msgspec.Struct, frozen=True):
    id: uuid.UUID
    recording_id: uuid.UUID
    owner_id: uuid.UUID
    plan: str
    state: str
    error_code: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    updated_at: dt.datetime
    #: The steps in plan order, as the JSON PostgreSQL built: decoded by the API, or only hashed
    #: for an ETag when the client's copy is current.
    steps: msgspec.Raw


_SUB = bindparam("sub", type_=UUID(as_uuid=True))


def _detail() -> Select[Any]:
    jobs, steps = Job.__table__, JobStep.__table__
    step = json_object(STEP_FIELDS, table_columns(steps, STEP_FIELDS))
    step_list = (
        select(func.coalesce(func.json_agg(aggregate_order_by(step, steps.c.position)), literal_column("'[]'")))
        .where(steps.c.job_id == jobs.c.id)
        .scalar_subquery()
    )
    fields = JobView.__struct_fields__
    view = (
        select(as_text(json_object(fields, table_columns(jobs, fields, steps=step_list))))
        .where(jobs.c.id == bindparam("job_id", type_=UUID(as_uuid=True)))
        .scalar_subquery()
    )
    return select(caller_json(_SUB), view)


_DETAIL = CompiledRead(_detail)


@dataclass(frozen=True, slots=True)
class JobDetail:
    caller: CallerRow | None
    #: ``None``: no such job.
    view: JobView | None
    #: The job's JSON as PostgreSQL rendered it, steps included: its version for an ETag (steps have
    #: no version column, and a progress report changes only the step's row).
    version: str | None


async def job_detail(db: ReadDatabase, caller_id: uuid.UUID, job_id: uuid.UUID) -> JobDetail:
    """The caller's account and the job, in one statement."""
    caller, view = await db.fetch_row(_DETAIL, sub=caller_id, job_id=job_id)
    return JobDetail(decode(caller, CallerRow), decode(view, JobView), view)


__all__ = ["STEP_FIELDS", "JobDetail", "JobView", "job_detail"]
