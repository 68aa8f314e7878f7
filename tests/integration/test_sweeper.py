"""Issue 11 item 9: the sweeper removes leftovers, and only leftovers (real PostgreSQL and files)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import time
import uuid
from pathlib import Path

from sqlalchemy import delete, select

from core.ids import new_id, utcnow
from core.settings import Settings, parse_storage_url
from core.sweep_settings import SweepSettings
from storage.models import User
from storage.models.jobs import OutboxMessage
from storage.models.users import AccountToken, RefreshToken
from storage.models.webhooks import Webhook, WebhookDelivery
from workers.runtime import WorkerContext
from workers.sweeper import Sweeper
from workers.workdirs import new_workdir, owner_pid

HOUR = 3600


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _aged(path: Path, seconds: float) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def _dir(root: Path, name: str, *, age: float) -> Path:
    path = root / name
    path.mkdir(parents=True)
    (path / "original").write_bytes(b"x" * 1024)
    return _aged(path, age)


def _file(path: Path, *, age: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"part")
    return _aged(path, age)


def test_a_work_directory_is_named_with_its_process_id() -> None:
    path = new_workdir("recording-x")
    try:
        assert owner_pid(path) == os.getpid()
    finally:
        path.rmdir()


async def test_the_sweeper_removes_dead_workers_directories_and_stale_part_files(
    worker_ctx: WorkerContext, settings: Settings, tmp_path: Path
) -> None:
    # Given work directories of a dead and of a live worker, and part files of the local store
    temp, objects = tmp_path / "tmp", tmp_path / "objects"
    dead = _dead_pid()
    abandoned = _dir(temp, f"cadenza-work-{dead}-recording-a-x1", age=HOUR)
    dead_but_recent = _dir(temp, f"cadenza-work-{dead}-recording-b-x2", age=10)
    live = _dir(temp, f"cadenza-work-{os.getpid()}-recording-c-x3", age=HOUR)
    not_ours = _dir(temp, "cadenza-services-x4", age=HOUR)
    stale_part = _file(objects / "recordings" / "u" / "r" / "original.part-0123abcd", age=2 * HOUR)
    fresh_part = _file(objects / "recordings" / "u" / "r2" / "original.part-4567ef01", age=60)
    stored = _file(objects / "recordings" / "u" / "r" / "sd.mp4", age=2 * HOUR)
    sweeper = Sweeper(
        worker_ctx.sessions,
        settings.replace(storage=parse_storage_url(f"file://{objects}"), sweep=SweepSettings()),
        temp_root=temp,
    )

    # When it sweeps
    swept = await sweeper.sweep_once()

    # Then only the dead worker's old directory and the stale part file are gone
    assert not abandoned.exists() and not stale_part.exists()
    assert dead_but_recent.exists() and live.exists() and not_ours.exists()
    assert fresh_part.exists() and stored.exists()
    assert (swept.workdirs, swept.part_files) == (1, 1)


async def test_the_sweeper_deletes_spent_rows_and_keeps_what_is_still_read(
    worker_ctx: WorkerContext, settings: Settings
) -> None:
    now = utcnow()
    days = lambda n: now - dt.timedelta(days=n)  # noqa: E731
    user = User(
        id=new_id(), email=f"{new_id().hex}@example.test", username=new_id().hex[:20], password_hash="x", role="student"
    )

    def outbox(actor: str, *, sent: dt.datetime | None, taken: dt.datetime | None = None) -> OutboxMessage:
        return OutboxMessage(
            message_id=uuid.uuid4(), queue_name="q", actor_name=actor, args={}, attempts=0,
            available_at=days(9), sent_at=sent, taken_at=taken,
        )

    def account(*, used: dt.datetime | None, expires: dt.datetime) -> AccountToken:
        return AccountToken(
            id=new_id(), user_id=user.id, purpose="verify_email", token_hash=new_id().hex * 2,
            expires_at=expires, used_at=used,
        )

    def refresh(
        *, expires: dt.datetime, used: dt.datetime | None = None, revoked: dt.datetime | None = None
    ) -> RefreshToken:
        return RefreshToken(
            id=new_id(), user_id=user.id, family_id=new_id(), expires_at=expires, used_at=used, revoked_at=revoked
        )

    hook = Webhook(id=new_id(), user_id=user.id, url="https://hooks.example.test/x", events=["*"], secret="whsec_x")

    def delivery(status: str, *, created: dt.datetime, tried: dt.datetime | None) -> WebhookDelivery:
        return WebhookDelivery(
            id=new_id(), webhook_id=hook.id, event="recording.ready", event_key=new_id().hex, payload={},
            status=status, attempts=1 if tried else 0, created_at=created, last_attempt_at=tried,
            delivered_at=tried if status == "succeeded" else None,
        )

    # Given rows of every kind, old and recent
    gone = {
        "old sent step row": outbox("probe", sent=days(8)),
        "old taken task row": outbox("profile_photo", sent=days(8), taken=days(8)),
        "token used 2 days ago": account(used=days(2), expires=days(-1)),
        "token expired 2 days ago": account(used=None, expires=days(2)),
        "refresh expired 2 days ago": refresh(expires=days(2), used=days(3)),
        "refresh revoked 2 days ago": refresh(expires=days(-5), revoked=days(2)),
        "delivery that succeeded 31 days ago": delivery("succeeded", created=days(31), tried=days(31)),
        "delivery that failed for good 31 days ago": delivery("failed", created=days(32), tried=days(31)),
    }
    kept = {
        "old untaken task row (broker-loss recovery)": outbox("profile_photo", sent=days(8)),
        "old pending row": outbox("probe", sent=None),
        "recently sent row": outbox("probe", sent=days(1)),
        "live token": account(used=None, expires=days(-1)),
        "rotated refresh token not expired (reuse detection)": refresh(expires=days(-5), used=days(2)),
        "live refresh token": refresh(expires=days(-5)),
        "delivery that succeeded 29 days ago": delivery("succeeded", created=days(29), tried=days(29)),
        "delivery last tried 2 days ago, created 40 days ago": delivery("failed", created=days(40), tried=days(2)),
        "pending delivery created 40 days ago (the outbox still carries it)": delivery(
            "pending", created=days(40), tried=None
        ),
    }
    async with worker_ctx.sessions.begin() as session:
        session.add(user)
        await session.flush()
        session.add(hook)
        await session.flush()
        session.add_all([*gone.values(), *kept.values()])

    try:
        # When the sweeper runs with the default retentions
        await Sweeper(worker_ctx.sessions, settings.replace(sweep=SweepSettings())).sweep_once()

        # Then exactly the spent rows are gone
        async with worker_ctx.sessions() as session:
            present = {what for what, row in {**gone, **kept}.items() if await _exists(session, row)}
        assert present == set(kept)
    finally:
        # The rows are made up: later tests on the session's database must not meet them.
        async with worker_ctx.sessions.begin() as session:
            for row in [*gone.values(), *kept.values(), hook]:
                await session.execute(delete(type(row)).where(type(row).id == row.id))  # type: ignore[attr-defined]


async def _exists(session, row: object) -> bool:  # noqa: ANN001
    model = type(row)
    found = await session.execute(select(model).where(model.id == row.id))  # type: ignore[attr-defined]
    return found.first() is not None
