"""A FastAPI peer of Cadenza's read path, written the way such services usually are.

FastAPI + Pydantic v2 response models + the SQLAlchemy ORM (async, the project's own models, a
pre-pinged pool, a session per request), answering the same JSON as Cadenza for the reads
``bench.bench_reads`` measures: the caller from the bearer token (JWT, Redis denylist, account
row), then the recording (renditions eagerly loaded, latest job), a page of recordings, a job
with its steps, and ``/health/live``. It is a benchmark baseline, not part of Cadenza.

    uvicorn bench.peer.app:create_app --factory --port 8001
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Annotated

import jwt
from fastapi import Depends, FastAPI, HTTPException, Request
from redis.asyncio import Redis
from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import selectinload

from bench.peer.schemas import JobOut, PieceSongOut, RecordingLinks, RecordingOut, RecordingPage, RenditionOut, StepOut
from core.settings import Settings, load_settings
from storage.models.jobs import Job
from storage.models.library import Song
from storage.models.recordings import Recording, RecordingShare
from storage.models.users import User
from storage.objects.signing import sign_media_path

OWNER = ["delete", "publish", "share", "update", "view"]
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def create_app() -> FastAPI:
    settings = load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_async_engine(settings.database.url, pool_size=settings.database.pool_size, pool_pre_ping=True)
        app.state.settings = settings
        app.state.sessions = async_sessionmaker(engine, expire_on_commit=False)
        app.state.redis = Redis.from_url(settings.redis.url)
        yield
        await app.state.redis.aclose()
        await engine.dispose()

    app = FastAPI(lifespan=lifespan)

    @app.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/v1/recordings/{recording_id}", response_model=RecordingOut)
    async def get_recording(  # noqa: ANN202
        recording_id: uuid.UUID, user: CurrentUser, session: Session, request: Request
    ):
        recording = await session.get(Recording, recording_id, options=[selectinload(Recording.renditions)])
        if recording is None or recording.status == "deleted" or not await _may_view(session, user, recording):
            raise HTTPException(404, "no such recording")
        job_ids = await _latest_jobs(session, [recording.id])
        songs = await _piece_songs(session, [recording])
        return _present(request.app.state.settings, recording, job_ids.get(recording.id), songs)

    @app.get("/api/v1/recordings", response_model=RecordingPage)
    async def list_recordings(  # noqa: ANN202
        user: CurrentUser, session: Session, request: Request, limit: int = 20, offset: int = 0
    ):
        where = [Recording.owner_id == user.id, Recording.status != "deleted"]
        total = (await session.execute(select(func.count()).select_from(Recording).where(*where))).scalar_one()
        stmt = (
            select(Recording)
            .where(*where)
            .options(selectinload(Recording.renditions))
            .order_by(Recording.created_at.desc(), Recording.id)
            .limit(limit)
            .offset(offset)
        )
        rows = (await session.execute(stmt)).scalars().all()
        job_ids = await _latest_jobs(session, [r.id for r in rows])
        songs = await _piece_songs(session, rows)
        items = [_present(request.app.state.settings, r, job_ids.get(r.id), songs) for r in rows]
        return RecordingPage(items=items, total=total, limit=limit, offset=offset)

    @app.get("/api/v1/jobs/{job_id}", response_model=JobOut)
    async def get_job(job_id: uuid.UUID, user: CurrentUser, session: Session):  # noqa: ANN202
        job = await session.get(Job, job_id, options=[selectinload(Job.steps)])
        if job is None or job.owner_id != user.id:
            raise HTTPException(404, "no such job")
        steps = [StepOut.model_validate(s, from_attributes=True) for s in job.steps]
        done = sum(1.0 if s.state in ("succeeded", "skipped") else s.progress for s in steps)
        for step in steps:
            step.progress = round(step.progress, 4)
        return JobOut(
            id=job.id,
            recording_id=job.recording_id,
            plan=job.plan,
            state=job.state,
            progress=round(done / len(steps), 4) if steps else 0.0,
            error_code=job.error_code,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            steps=steps,
        )

    return app


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessions() as session:
        yield session


Session = Annotated[AsyncSession, Depends(get_session)]


async def current_user(request: Request, session: Session) -> User:
    """Signature and expiry, the Redis denylist, then the account row: active, password version."""
    settings: Settings = request.app.state.settings
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        raise HTTPException(401, "an access token is required")
    try:
        claims = jwt.decode(token, settings.auth.secret_key, algorithms=[settings.auth.algorithm])
    except jwt.PyJWTError:
        raise HTTPException(401, "invalid token") from None
    keys = [f"cadenza:revoked-access:{claims['jti']}", f"cadenza:revoked-family:{claims['fam']}"]
    if await request.app.state.redis.exists(*keys):
        raise HTTPException(401, "the token has been revoked")
    user = await session.get(User, uuid.UUID(claims["sub"]))
    if user is None or not user.is_active:
        raise HTTPException(401, "the account is not active")
    changed = user.password_changed_at
    if claims.get("pwv", 0) != (0 if changed is None else (changed - _EPOCH) // dt.timedelta(microseconds=1)):
        raise HTTPException(401, "the password has changed")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


async def _may_view(session: AsyncSession, user: User, recording: Recording) -> bool:
    if recording.owner_id == user.id or user.role == "admin" or recording.is_public:
        return True
    shared = exists().where(RecordingShare.recording_id == recording.id, RecordingShare.user_id == user.id)
    return bool((await session.execute(select(shared))).scalar())


async def _latest_jobs(session: AsyncSession, recording_ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    stmt = (
        select(Job.recording_id, Job.id)
        .where(Job.recording_id.in_(recording_ids))
        .order_by(Job.recording_id, Job.created_at.desc())
        .distinct(Job.recording_id)
    )
    return dict((await session.execute(stmt)).tuples().all())


async def _piece_songs(session: AsyncSession, recordings: Sequence[Recording]) -> dict[uuid.UUID, Song]:
    """The catalogue songs the recordings practise: one query, only when one of them names a song."""
    ids = {r.piece_song_id for r in recordings if r.piece_song_id is not None}
    if not ids:
        return {}
    return {song.id: song for song in (await session.execute(select(Song).where(Song.id.in_(ids)))).scalars()}


def _present(
    settings: Settings, recording: Recording, job_id: uuid.UUID | None, songs: dict[uuid.UUID, Song]
) -> RecordingOut:
    """The owner's view (the benchmark reads as the owner), with signed media URLs."""
    base = settings.public_base_url
    ready = recording.status == "ready"

    def url(key: str | None) -> str | None:
        if not key or not ready:
            return None
        expires = int(time.time()) + settings.media.media_url_ttl_seconds
        return f"{base}/media/{key}?{sign_media_path(key, secret=settings.auth.secret_key, expires_at=expires)}"

    renditions = [
        RenditionOut(
            name=r.name,
            content_type=r.content_type,
            width=r.width,
            height=r.height,
            bitrate=r.bitrate,
            size_bytes=r.size_bytes,
            duration_seconds=r.duration_seconds,
            url=url(r.storage_key) or "",
        )
        for r in (recording.renditions if ready else [])
    ]
    return RecordingOut(
        id=recording.id,
        owner_id=recording.owner_id,
        title=recording.title,
        description=recording.description,
        piece=recording.piece,
        composer=recording.composer,
        status=recording.status,
        media_kind=recording.media_kind,
        original_filename=recording.original_filename,
        size_bytes=recording.size_bytes,
        duration_seconds=recording.duration_seconds,
        width=recording.width,
        height=recording.height,
        error_code=recording.error_code,
        error_message=recording.error_message,
        created_at=recording.created_at,
        updated_at=recording.updated_at,
        ready_at=recording.ready_at,
        job_id=job_id,
        renditions=renditions,
        thumbnail_url=url(recording.thumbnail_key),
        poster_url=url(recording.poster_key),
        waveform_url=url(recording.waveform_key),
        links=RecordingLinks(
            self=f"{base}/api/v1/recordings/{recording.id}",
            job=f"{base}/api/v1/jobs/{job_id}" if job_id else None,
            events=f"{base}/api/v1/events",
        ),
        is_public=recording.is_public,
        practice_goals=recording.practice_goals,
        view_count=recording.view_count,
        permissions=OWNER,
        piece_song=_piece_song(songs.get(recording.piece_song_id) if recording.piece_song_id else None),
    )


def _piece_song(song: Song | None) -> PieceSongOut | None:
    return None if song is None else PieceSongOut(id=song.id, title=song.title)
