"""The read path clients poll: one SQL statement per request, ETags, and a dead connection retried.

The app runs in-process (``create_app`` + Litestar's ``AsyncTestClient``) on the session's real
PostgreSQL and Redis. Statements are counted on every SQLAlchemy engine with
``before_cursor_execute`` and on the read pool, so the caller's account check is counted with the
resource wherever it would be made.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import pytest
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from api.auth.guards import revoked_access_key
from api.auth.tokens import ACCESS, decode_token
from core.logging import JsonFormatter
from core.settings import Settings
from storage.db import READ_APPLICATION_NAME, create_engine, create_session_factory
from storage.models.jobs import JobStep
from storage.models.users import User
from tests.integration import feedback_support as feedback
from tests.integration import reads_support as seed
from tests.statement_count import counted_statements

pytestmark = pytest.mark.asyncio


@dataclass(frozen=True, slots=True)
class World:
    owner: seed.Account
    stranger: seed.Account
    recording_id: object
    job_id: object


@pytest.fixture(scope="module")
async def sessions(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(settings.database, pool_size=2)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture(scope="module")
async def world(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> World:
    owner, stranger = await seed.account(sessions, settings), await seed.account(sessions, settings)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for i in range(55):  # more than a page of 50
        await seed.recording(sessions, owner.id, created_at=start + dt.timedelta(minutes=i))
    recording_id, job_id = await seed.recording(sessions, owner.id)
    for _ in range(3):
        await seed.notification(sessions, owner.id)
    await feedback.threads(sessions, recording_id, stranger.id, 55, replies=3)  # more than a page of threads
    await feedback.assessments(sessions, recording_id, stranger.id, owner.id, 4)
    return World(owner, stranger, recording_id, job_id)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(app=create_app(settings)) as test_client:
        yield test_client


HOT_READS = {
    "GET recording": lambda w: f"/api/v1/recordings/{w.recording_id}",
    "GET job": lambda w: f"/api/v1/jobs/{w.job_id}",
    "list recordings (page of 50)": lambda w: "/api/v1/recordings?limit=50",
    "list notifications": lambda w: "/api/v1/notifications",
    "list unread notifications (with unread_count)": lambda w: "/api/v1/notifications?unread=true",
    "GET users/me": lambda w: "/api/v1/users/me",
    "GET users/{id}": lambda w: f"/api/v1/users/{w.stranger.id}",
    "list comments (page of 50 threads, replies inline)": lambda w: f"/api/v1/recordings/{w.recording_id}/comments?limit=50",
    "GET users/{id}/progress": lambda w: f"/api/v1/users/{w.owner.id}/progress",
    "search (every type)": lambda w: "/api/v1/search?q=practice%20sess&limit=50",
    # the learning reads that need no course (tests/integration/test_learning_statements.py has the rest)
    "GET users/me/courses": lambda w: "/api/v1/users/me/courses?limit=50",
    "GET users/me/progress": lambda w: "/api/v1/users/me/progress?limit=50",
    "GET users/me/usage": lambda w: "/api/v1/users/me/usage",
}


@pytest.mark.parametrize("name", HOT_READS)
async def test_each_hot_read_is_one_statement_account_check_included(
    name: str, client: AsyncTestClient, world: World
) -> None:
    await client.get("/api/v1/users/me", headers=world.owner.headers)  # connections made, statements prepared
    with counted_statements() as statements:
        r = await client.get(HOT_READS[name](world), headers=world.owner.headers)
    assert r.status_code == 200, r.text
    assert len(statements) == 1, statements


async def test_the_teacher_directory_costs_the_same_statements_for_any_page(
    client: AsyncTestClient, world: World, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    for _ in range(5):
        await seed.account(sessions, settings, role="teacher")
    await client.get("/api/v1/users/teachers?limit=1", headers=world.owner.headers)  # statements prepared
    counts = {}
    for limit in (1, 5):
        with counted_statements() as statements:
            r = await client.get(f"/api/v1/users/teachers?limit={limit}", headers=world.owner.headers)
        assert r.status_code == 200 and len(r.json()["items"]) == limit, r.text
        counts[limit] = len(statements)
    assert counts[1] == counts[5] <= 2, counts  # the caller's account, then one page with its total


async def test_a_page_of_fifty_recordings_comes_with_renditions_and_job_ids(
    client: AsyncTestClient, world: World
) -> None:
    r = await client.get("/api/v1/recordings?limit=50", headers=world.owner.headers)
    body = r.json()
    assert body["total"] == 56 and len(body["items"]) == 50
    newest = body["items"][0]
    assert newest["id"] == str(world.recording_id)
    assert newest["job_id"] == str(world.job_id)
    assert [x["name"] for x in newest["renditions"]] == ["hd", "sd"]
    assert all(x["url"] for x in newest["renditions"])
    assert newest["permissions"] == ["delete", "publish", "replace", "share", "update", "view"]
    created = [item["created_at"] for item in body["items"]]
    assert created == sorted(created, reverse=True)


async def test_a_stranger_is_told_the_recording_and_the_job_do_not_exist(client: AsyncTestClient, world: World) -> None:
    r = await client.get(f"/api/v1/recordings/{world.recording_id}", headers=world.stranger.headers)
    assert (r.status_code, r.json()["error_code"]) == (404, "recording_not_found")
    r = await client.get(f"/api/v1/jobs/{world.job_id}", headers=world.stranger.headers)
    assert (r.status_code, r.json()["error_code"]) == (404, "job_not_found")


async def test_the_account_check_of_the_single_statement_refuses_inactive_and_revoked_callers(
    client: AsyncTestClient, world: World, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # Given a second account with a session of its own
    other = await seed.account(sessions, settings)
    path = f"/api/v1/recordings/{world.recording_id}"
    # When its token is on the denylist (logout), every hot read refuses it
    jti = decode_token(settings.auth, other.token, expected_type=ACCESS).jti.hex
    async with Redis.from_url(settings.redis.url) as own_redis:
        await own_redis.set(revoked_access_key(jti), "1", ex=60)
        r = await client.get(path, headers=other.headers)
        assert (r.status_code, r.json()["error_code"]) == (401, "token_revoked")
        await own_redis.delete(revoked_access_key(jti))
    # When the account is deactivated, the same statement's account row refuses it
    async with sessions.begin() as session:
        await session.execute(update(User).where(User.id == other.id).values(is_active=False))
    for url in (path, "/api/v1/users/me", "/api/v1/notifications", f"/api/v1/jobs/{world.job_id}"):
        r = await client.get(url, headers=other.headers)
        assert (r.status_code, r.json()["error_code"]) == (401, "account_inactive"), url


async def test_job_etag_changes_when_a_step_moves_and_a_current_tag_gets_304_without_body(
    client: AsyncTestClient, world: World, sessions: async_sessionmaker[AsyncSession]
) -> None:
    path = f"/api/v1/jobs/{world.job_id}"
    first = await client.get(path, headers=world.owner.headers)
    tag = first.headers["etag"]
    assert tag.startswith('W/"')
    # When the client polls with the tag it has, nothing changed: 304, no body
    with counted_statements() as statements:
        again = await client.get(path, headers={**world.owner.headers, "If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag and len(statements) == 1
    # When a step transitions (the notify step is running again), the tag changes and the body is sent
    async with sessions.begin() as session:
        await session.execute(
            update(JobStep)
            .where(JobStep.job_id == world.job_id, JobStep.name == "notify")
            .values(state="running", progress=0.5)
        )
    try:
        moved = await client.get(path, headers={**world.owner.headers, "If-None-Match": tag})
        assert moved.status_code == 200 and moved.headers["etag"] != tag
        assert moved.json()["steps"][-1]["state"] == "running"
    finally:
        async with sessions.begin() as session:
            await session.execute(
                update(JobStep)
                .where(JobStep.job_id == world.job_id, JobStep.name == "notify")
                .values(state="succeeded", progress=1.0)
            )


async def test_recording_etag_changes_with_the_recording_and_with_the_callers_view(
    client: AsyncTestClient, world: World
) -> None:
    path = f"/api/v1/recordings/{world.recording_id}"
    tag = (await client.get(path, headers=world.owner.headers)).headers["etag"]
    cached = await client.get(path, headers={**world.owner.headers, "If-None-Match": f'"x", {tag}'})
    assert cached.status_code == 304 and cached.content == b""
    # When the owner renames it, the old tag no longer matches
    r = await client.patch(path, json={"title": "Etude, take 2"}, headers=world.owner.headers)
    assert r.status_code == 200
    renamed = await client.get(path, headers={**world.owner.headers, "If-None-Match": tag})
    assert renamed.status_code == 200 and renamed.headers["etag"] != tag
    assert renamed.json()["title"] == "Etude, take 2"
    # When it is public, a signed-in stranger (other permissions, no job id) gets another tag
    await client.patch(path, json={"is_public": True}, headers=world.owner.headers)
    try:
        owners = (await client.get(path, headers=world.owner.headers)).headers["etag"]
        stranger = await client.get(path, headers={**world.stranger.headers, "If-None-Match": owners})
        assert stranger.status_code == 200 and stranger.json()["job_id"] is None
        assert stranger.headers["etag"] != owners
    finally:
        await client.patch(path, json={"is_public": False, "title": "Etude"}, headers=world.owner.headers)


async def test_a_read_connection_postgresql_dropped_is_retried_on_a_new_one(
    client: AsyncTestClient, world: World, settings: Settings
) -> None:
    # Given the read pool holds connections (no pre-ping checks them on checkout)
    assert (await client.get("/api/v1/users/me", headers=world.owner.headers)).status_code == 200
    # When PostgreSQL ends them (as a restart or an idle timeout would)
    conn = await asyncpg.connect(settings.database.url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        ended = await conn.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name = $1 AND datname = current_database()",
            READ_APPLICATION_NAME,
        )
    finally:
        await conn.close()
    assert ended >= 1
    await asyncio.sleep(0.1)
    # Then the next read still answers
    r = await client.get("/api/v1/users/me", headers=world.owner.headers)
    assert r.status_code == 200, r.text


async def test_request_lines_carry_the_request_id_and_probes_are_not_logged(
    client: AsyncTestClient, world: World
) -> None:
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(JsonFormatter("web"))
    access = logging.getLogger("cadenza.access")
    access.addHandler(handler)
    try:
        for probe in ("/health/live", "/health/ready", "/metrics"):
            await client.get(probe)
        r = await client.get("/api/v1/users/me", headers={**world.owner.headers, "X-Request-ID": "poll-42"})
    finally:
        access.removeHandler(handler)
    entries = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert r.headers["x-request-id"] == "poll-42"
    assert [(e["path"], e["status"], e["request_id"]) for e in entries] == [("/api/v1/users/me", 200, "poll-42")]


async def test_a_page_of_fifty_threads_comes_ordered_with_every_reply(client: AsyncTestClient, world: World) -> None:
    r = await client.get(f"/api/v1/recordings/{world.recording_id}/comments?limit=50", headers=world.owner.headers)
    body = r.json()
    assert body["total"] == 55 and len(body["items"]) == 50
    moments = [t["at_seconds"] for t in body["items"]]
    assert moments == sorted(moments)
    assert all([x["body"] for x in t["replies"]] == ["reply 0", "reply 1", "reply 2"] for t in body["items"])
    assert all(t["reply_count"] == 3 and t["author"]["id"] == str(world.stranger.id) for t in body["items"])


async def test_counting_a_view_adds_no_statement_to_the_detail(
    client: AsyncTestClient, world: World, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    viewer = await seed.account(sessions, settings)  # has not seen it today
    path = f"/api/v1/recordings/{world.recording_id}"
    await client.patch(path, json={"is_public": True}, headers=world.owner.headers)
    try:
        before = (await client.get(path, headers=world.owner.headers)).json()["view_count"]
        with counted_statements() as statements:
            seen = await client.get(path, headers=viewer.headers)
        assert seen.status_code == 200 and len(statements) == 1, statements
        assert seen.json()["view_count"] == before + 1
        assert (await client.get(path, headers=world.owner.headers)).json()["view_count"] == before + 1
    finally:
        await client.patch(path, json={"is_public": False}, headers=world.owner.headers)
