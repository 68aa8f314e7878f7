"""The sweeper: removes what crashes and time leave behind. Runs in the relay beside the reaper.

Each round, with the retentions of ``core.sweep_settings``:

- temporary directories of worker processes that are gone (``workers.workdirs``; the relay must
  run on the same host, with the same ``TMPDIR``, as the workers whose directories it sweeps);
- part files of interrupted ``LocalStore`` writes (``storage.objects.leftovers``);
- published outbox rows, used or expired mailed tokens, expired or revoked refresh tokens,
  settled webhook deliveries (``storage.repositories.retention``, which says what each keeps).

A round that meets a transient fault is skipped; files and rows wait for the next one.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.ids import utcnow
from core.settings import Settings
from core.transient import TRANSIENT_ERRORS
from jobs.tasks import TASKS
from storage.objects.leftovers import remove_stale_parts
from storage.repositories.retention import RetentionRepository
from workers.workdirs import remove_abandoned

log = logging.getLogger("cadenza.sweeper")


@dataclass(frozen=True, slots=True)
class Swept:
    workdirs: int = 0
    part_files: int = 0
    outbox_rows: int = 0
    account_tokens: int = 0
    refresh_tokens: int = 0
    webhook_deliveries: int = 0


class Sweeper:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        *,
        temp_root: Path | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.sessions = sessions
        self.settings = settings.sweep
        self.store_root = settings.storage.local_root  # None for S3: no part files of ours there
        self.temp_root = temp_root or Path(tempfile.gettempdir())
        self.clock = clock

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                counts = dataclasses.asdict(await self.sweep_once())
                if any(counts.values()):
                    log.info("swept", extra=counts)
            except TRANSIENT_ERRORS as exc:
                log.warning("sweep skipped", extra={"error": type(exc).__name__})
            except Exception:  # noqa: BLE001 - a sweeper bug must not stop the relay from publishing
                log.exception("sweep failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.interval_seconds)

    async def sweep_once(self) -> Swept:
        """One round; returns how many of each were removed."""
        now = self.clock()
        workdirs = await asyncio.to_thread(
            remove_abandoned, self.temp_root, older_than=now - self.settings.workdir_age_seconds
        )
        parts: list[Path] = []
        if self.store_root is not None and self.store_root.is_dir():
            older = now - self.settings.part_file_age_seconds
            parts = await asyncio.to_thread(remove_stale_parts, self.store_root, older_than=older)
        moment = utcnow()
        steps = [t.name for t in TASKS if t.is_step]
        async with self.sessions.begin() as session:
            rows = RetentionRepository(session)
            outbox = await rows.delete_published_outbox(_ago(moment, self.settings.outbox_retention_seconds), steps)
            token_cutoff = _ago(moment, self.settings.token_retention_seconds)
            account = await rows.delete_spent_account_tokens(token_cutoff)
            refresh = await rows.delete_dead_refresh_tokens(token_cutoff)
            deliveries_cutoff = _ago(moment, self.settings.webhook_delivery_retention_seconds)
            deliveries = await rows.delete_settled_webhook_deliveries(deliveries_cutoff)
        return Swept(len(workdirs), len(parts), outbox, account, refresh, deliveries)


def _ago(now: dt.datetime, seconds: int) -> dt.datetime:
    return now - dt.timedelta(seconds=seconds)
