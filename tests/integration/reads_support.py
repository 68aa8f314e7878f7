"""Rows for the read-path tests: users with tokens, a ready recording with its job, a page's worth more."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.auth.tokens import issue_access_token
from core.ids import new_id, utcnow
from core.settings import Settings
from storage.models.jobs import Job, JobStep
from storage.models.notifications import Notification
from storage.models.recordings import Recording, Rendition
from storage.models.users import User

STEPS = (
    ("probe", "ingest"),
    ("render", "transcode"),
    ("thumbnails", "images"),
    ("finalize", "ingest"),
    ("notify", "notify"),
)


@dataclass(frozen=True, slots=True)
class Account:
    id: uuid.UUID
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def account(sessions: async_sessionmaker[AsyncSession], settings: Settings, role: str = "student") -> Account:
    user = User(
        id=new_id(),
        email=f"{new_id().hex}@example.test",
        username=new_id().hex[:20],
        password_hash="x",
        role=role,
        email_verified=True,
    )
    async with sessions.begin() as session:
        session.add(user)
    token, _ = issue_access_token(settings.auth, user_id=user.id, role=role, now=utcnow(), family=new_id(), pwv=0)
    return Account(user.id, token)


async def recording(
    sessions: async_sessionmaker[AsyncSession], owner_id: uuid.UUID, *, created_at: dt.datetime | None = None
) -> tuple[uuid.UUID, uuid.UUID]:
    """A ready video recording with two renditions and a finished five-step job: (recording, job) ids."""
    rec_id, job_id, now = new_id(), new_id(), created_at or utcnow()
    base = f"recordings/{owner_id}/{rec_id}"
    renditions = [
        Rendition(
            name=name,
            storage_key=f"{base}/{name}.mp4",
            content_type="video/mp4",
            width=width,
            height=height,
            bitrate=1000,
            size_bytes=500,
            duration_seconds=5.0,
        )
        for name, width, height in (("hd", 1280, 720), ("sd", 854, 480))
    ]
    row = Recording(
        id=rec_id,
        owner_id=owner_id,
        title="Etude",
        status="ready",
        media_kind="video",
        original_key=f"{base}/original",
        size_bytes=1000,
        duration_seconds=5.0,
        width=1280,
        height=720,
        thumbnail_key=f"{base}/thumbnail.jpg",
        poster_key=f"{base}/poster.jpg",
        created_at=now,
        ready_at=now,
        renditions=renditions,
    )
    async with sessions.begin() as session:
        session.add(row)
        await session.flush()
        steps = [
            JobStep(name=name, queue=queue, position=i, state="succeeded", progress=1.0, attempts=1)
            for i, (name, queue) in enumerate(STEPS)
        ]
        job = Job(id=job_id, recording_id=rec_id, owner_id=owner_id, plan="video", state="succeeded", steps=steps)
        session.add(job)
    return rec_id, job_id


async def notification(sessions: async_sessionmaker[AsyncSession], user_id: uuid.UUID) -> None:
    async with sessions.begin() as session:
        session.add(
            Notification(user_id=user_id, kind="recording.ready", title="ready", data={"n": 1}, dedupe_key=new_id().hex)
        )
