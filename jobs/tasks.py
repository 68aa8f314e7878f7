"""The task registry: every kind of work a worker does, declared once.

A ``Task`` names its actor, its queue, the ``msgspec.Struct`` of its arguments and its retry
policy. Outbox writers (``enqueue``), the actor declarations (``workers.actors``), the relay,
broker-loss recovery and the admin views all read it, so a queue name or an argument's position
is never spelled twice. Arguments travel as the struct's fields (a JSON object in the outbox row,
keyword arguments of the Dramatiq message), never as a positional list.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from core.ids import utcnow
from core.queues import Queue
from storage.models.jobs import OutboxMessage
from storage.repositories.outbox import OutboxRepository

A = TypeVar("A", bound=msgspec.Struct)


class StepArgs(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A pipeline step of one job (the step is the task)."""

    job_id: uuid.UUID


class PhotoArgs(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One profile-photo upload: ``token`` is the user's ``photo_updated_at`` when it was accepted."""

    user_id: uuid.UUID
    upload_id: str
    token: dt.datetime
    attempt: int = 0


class RecordingArgs(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One recording (e.g. a song's audio another upload replaced: its rows and objects go)."""

    recording_id: uuid.UUID


class MailArgs(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One mail of ``kind`` about ``ref`` (e.g. an account token's row id; never the token)."""

    kind: str
    ref: str
    attempt: int = 0


class WebhookArgs(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One attempt at a webhook delivery (its row holds the event; its id is the delivery id)."""

    delivery_id: uuid.UUID
    attempt: int = 0


class ArtistNewsArgs(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A new song or album (``kind``) by ``artist_ids``: their followers get an in-app notification."""

    kind: str
    item_id: uuid.UUID
    title: str
    artist_ids: list[uuid.UUID]


class CoverArgs(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One album-cover upload: ``token`` is the album's ``cover_updated_at`` when it was accepted."""

    album_id: uuid.UUID
    upload_id: str
    token: dt.datetime
    attempt: int = 0


@dataclass(frozen=True, slots=True)
class Backoff:
    base_seconds: float
    max_seconds: float

    def delay(self, failed_attempts: int) -> float:
        """Seconds before the next attempt once ``failed_attempts`` (1, 2, …) have failed."""
        return min(self.max_seconds, self.base_seconds * 2 ** max(0, failed_attempts - 1))

    def due(self, failed_attempts: int, now: dt.datetime) -> dt.datetime:
        return now + dt.timedelta(seconds=self.delay(failed_attempts))


class UnknownTask(LookupError):
    """A message or a plan names a task nobody declared."""


class DuplicateTask(ValueError):
    """Two declarations of one task name: which handler would run is then a matter of luck."""


@dataclass(frozen=True, slots=True)
class Task(Generic[A]):
    name: str
    queue: Queue
    args: type[A]
    max_attempts: int = 3
    backoff: Backoff = Backoff(2.0, 120.0)
    #: Dramatiq's limit per message; None: the broker's default (the runner has its own for ffmpeg).
    time_limit_ms: int | None = None
    #: Dramatiq's own retries, only for a fault the outbox could not record (faults normally
    #: go back through the outbox with ``backoff``).
    broker_retries: int = 0
    #: The argument that says what the task works on, shown in worker heartbeats.
    subject_field: str = "job_id"
    #: A pipeline step: tracked by its job's step rows (claim, reaper, recovery by step state);
    #: any other task is recovered from its outbox rows (``taken_at``).
    is_step: bool = False

    def encode(self, args: A) -> dict[str, Any]:
        if type(args) is not self.args:
            raise TypeError(f"task {self.name!r} takes {self.args.__name__}, not {type(args).__name__}")
        return msgspec.to_builtins(args)

    def decode(self, payload: dict[str, Any] | list[Any]) -> A:
        """The arguments of a message or outbox row. A list is a row written before arguments
        became named (pending when this version was deployed): read by the struct's field order."""
        if isinstance(payload, list):
            payload = dict(zip(self.args.__struct_fields__, payload, strict=False))
        return msgspec.convert(payload, self.args)

    def subject(self, args: A) -> str:
        return str(getattr(args, self.subject_field))


class TaskRegistry:
    """Task names to declarations; refuses duplicates and unknown names."""

    def __init__(self, tasks: Iterable[Task[Any]] = ()) -> None:
        self._tasks: dict[str, Task[Any]] = {}
        for task in tasks:
            self.register(task)

    def register(self, task: Task[Any]) -> Task[Any]:
        if task.name in self._tasks:
            raise DuplicateTask(f"task {task.name!r} is declared twice")
        self._tasks[task.name] = task
        return task

    def get(self, name: str) -> Task[Any]:
        try:
            return self._tasks[name]
        except KeyError:
            raise UnknownTask(f"no task is called {name!r}") from None

    def __iter__(self) -> Iterator[Task[Any]]:
        return iter(self._tasks.values())

    def names(self) -> frozenset[str]:
        return frozenset(self._tasks)


def enqueue(
    session: AsyncSession, task: Task[A], args: A, *, available_at: dt.datetime | None = None
) -> OutboxMessage:
    """Write the outbox row that asks for ``task``, in the caller's transaction."""
    return OutboxRepository(session).add(
        queue_name=task.queue, actor_name=task.name, args=task.encode(args), available_at=available_at
    )


async def mark_taken(session: AsyncSession, task: Task[A], args: A) -> None:
    """A worker took the message for ``task(args)``: it no longer lives only in the broker."""
    await OutboxRepository(session).mark_taken(task.name, task.encode(args), utcnow())


# -- the declarations: media pipeline steps, then the other tasks

PROBE = Task("probe", Queue.INGEST, StepArgs, is_step=True)
RENDER = Task("render", Queue.TRANSCODE, StepArgs, is_step=True)
THUMBNAILS = Task("thumbnails", Queue.IMAGES, StepArgs, is_step=True)
FINALIZE = Task("finalize", Queue.INGEST, StepArgs, is_step=True)
NOTIFY = Task("notify", Queue.NOTIFY, StepArgs, max_attempts=5, is_step=True)
#: Pillow on a pixel-limited image: well under a second, hence the short limit.
PROFILE_PHOTO = Task(
    "profile_photo",
    Queue.IMAGES,
    PhotoArgs,
    max_attempts=5,
    backoff=Backoff(2.0, 60.0),
    time_limit_ms=120_000,
    broker_retries=3,
    subject_field="user_id",
)
#: 2 s, 4 s, … capped at 10 min: twelve attempts span about 40 minutes of SMTP trouble.
SEND_MAIL = Task(
    "send_mail",
    Queue.NOTIFY,
    MailArgs,
    max_attempts=12,
    backoff=Backoff(2.0, 600.0),
    time_limit_ms=300_000,
    subject_field="ref",
)

#: 10 s, 20 s, … capped at an hour: eight attempts span about three hours of a receiver's trouble.
DELIVER_WEBHOOK = Task(
    "deliver_webhook",
    Queue.NOTIFY,
    WebhookArgs,
    max_attempts=8,
    backoff=Backoff(10.0, 3600.0),
    time_limit_ms=60_000,
    subject_field="delivery_id",
)

#: A song's audio recording that is no longer served or awaited: rows, then objects (idempotent).
DISCARD_RECORDING = Task(
    "discard_recording", Queue.INGEST, RecordingArgs, max_attempts=5, broker_retries=3, subject_field="recording_id"
)

#: Followers can be many: the handler notifies them in batches, each once (dedupe key).
ARTIST_NEWS = Task("artist_news", Queue.NOTIFY, ArtistNewsArgs, max_attempts=8, subject_field="item_id")
#: The profile photo's policy (Pillow on a pixel-limited image), for an album's cover.
ALBUM_COVER = replace(PROFILE_PHOTO, name="album_cover", args=CoverArgs, subject_field="album_id")

TASKS = TaskRegistry(
    (
        PROBE,
        RENDER,
        THUMBNAILS,
        FINALIZE,
        NOTIFY,
        PROFILE_PHOTO,
        SEND_MAIL,
        DELIVER_WEBHOOK,
        DISCARD_RECORDING,
        ARTIST_NEWS,
        ALBUM_COVER,
    )
)

