"""Worker middleware: behaviour every actor shares, in hooks rather than copied into actors."""

from __future__ import annotations

import logging

import dramatiq

from pipelines.runner import kill_all_children

log = logging.getLogger("cadenza.worker")


class ChildProcessCleanup(dramatiq.Middleware):
    """On worker shutdown, kill every ffmpeg still running so none outlives its worker."""

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        killed = kill_all_children()
        if killed:
            log.warning("killed ffmpeg processes at shutdown", extra={"count": killed})
