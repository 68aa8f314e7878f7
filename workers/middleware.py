"""Worker middleware: behaviour every actor shares, in hooks rather than copied into actors."""

from __future__ import annotations

import logging
import os

import dramatiq

from pipelines.runner import die_with_parent, kill_all_children

log = logging.getLogger("cadenza.worker")


class ChildProcessCleanup(dramatiq.Middleware):
    """On worker shutdown, kill every ffmpeg still running so none outlives its worker."""

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        killed = kill_all_children()
        if killed:
            log.warning("killed ffmpeg processes at shutdown", extra={"count": killed})


class OwnProcessGroup(dramatiq.Middleware):
    """Each worker process leaves its parent's process group, and dies with the parent.

    Supervisors (honcho, systemd's default KillMode, a terminal's Ctrl-C) signal the whole
    group. Dramatiq's main process forwards SIGTERM to its workers itself, and a worker that gets
    a second SIGTERM exits at once instead of finishing its step. Out of the group, each worker
    gets exactly one; PDEATHSIG keeps a worker from outliving a main process that was killed.
    """

    def after_process_boot(self, broker: dramatiq.Broker) -> None:
        if os.getpid() == os.getpgrp():
            return
        os.setpgid(0, 0)
        die_with_parent()
