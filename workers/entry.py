"""Worker entry point for ``dramatiq workers.entry --queues <queue>``.

Settings are read here, once, in the process entry point; then the broker is set explicitly and
the actors are declared on it.
"""

from __future__ import annotations

from core.logging import configure_logging
from core.settings import load_settings
from workers import runtime
from workers.actors import declare_actors
from workers.broker import build_broker

settings = load_settings()
configure_logging(settings.log_level, process="worker")
runtime.configure(settings)
broker = build_broker(settings)
actors = declare_actors(broker)
