"""Worker middleware: behaviour every actor shares, in hooks rather than copied into actors."""

from __future__ import annotations

import logging
import os
import threading

import dramatiq

from pipelines.runner import die_with_parent, kill_all_children
from workers.inflight import IN_FLIGHT, InFlight

log = logging.getLogger("cadenza.worker")


class GracefulShutdown(dramatiq.Middleware):
    """On SIGTERM: let running steps finish within a grace period, then hand them back.

    Dramatiq stops its worker threads after ``before_worker_shutdown`` (each finishes its current
    message, none takes another) and waits for them. A timer started here cancels the handlers
    still running when ``grace_seconds`` are over: the runner kills their ffmpeg, and ``run_step``
    puts each step back to ``queued`` with an outbox row due at once, without spending an attempt,
    so another worker takes it over without waiting for the reaper. Any child process still alive
    once the worker has stopped is killed, so none outlives its worker.
    """

    def __init__(self, grace_seconds: float, inflight: InFlight = IN_FLIGHT) -> None:
        self.grace_seconds = grace_seconds
        self.inflight = inflight
        self._timer: threading.Timer | None = None

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        self.inflight.mark_stopping()
        running = self.inflight.count()
        log.info("worker stopping", extra={"running_steps": running, "grace_seconds": self.grace_seconds})
        self._timer = threading.Timer(self.grace_seconds, self._hand_back)
        self._timer.daemon = True
        self._timer.start()

    def _hand_back(self) -> None:
        cancelled = self.inflight.hand_back_all()
        if cancelled:
            log.warning("grace period over; handing running steps back", extra={"count": cancelled})

    def after_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        if self._timer is not None:
            self._timer.cancel()
        killed = kill_all_children()
        if killed:
            log.warning("killed child processes left at shutdown", extra={"count": killed})


class OwnProcessGroup(dramatiq.Middleware):
    """Each worker process leaves its parent's process group, and dies with the parent.

    Supervisors (honcho, systemd's default KillMode, a terminal's Ctrl-C) signal the whole
    group. Dramatiq's main process forwards SIGTERM to its workers itself, and a worker that gets
    a second SIGTERM exits at once instead of finishing its step. Out of the group, each worker
    gets exactly one; PDEATHSIG keeps a worker from outliving a main process that was killed
    (and ffmpeg, with its own PDEATHSIG, from outliving the worker).
    """

    def after_process_boot(self, broker: dramatiq.Broker) -> None:
        if os.getpid() == os.getpgrp():
            return
        os.setpgid(0, 0)
        die_with_parent()
