"""JSON logs on stderr, each line carrying the request id (web) or job id (workers) in context."""

from __future__ import annotations

import contextvars
import logging
import sys
import time
from typing import Any

import msgspec

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
job_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("job_id", default=None)

#: Attribute names of a LogRecord that are not user-supplied ``extra`` fields.
_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({})).keys()) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
}
#: Keys never written out even if a caller passes them in ``extra`` by mistake.
_SECRET_KEYS = frozenset({"password", "token", "access_token", "refresh_token", "secret", "authorization"})


_ENCODER = msgspec.json.Encoder(enc_hook=str)  # values it cannot encode are written as str(value)
_LEVEL_NAMES = {level: logging.getLevelName(level).lower() for level in (10, 20, 30, 40, 50)}


class _UtcSeconds:
    """``created`` → ISO 8601 UTC with milliseconds; the seconds part is formatted once per second."""

    __slots__ = ("prefix", "second")

    def __init__(self) -> None:
        self.second = -1
        self.prefix = ""

    def __call__(self, created: float) -> str:
        second = int(created)
        if second != self.second:
            self.prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
            self.second = second
        return f"{self.prefix}.{int((created - second) * 1000):03d}+00:00"


class JsonFormatter(logging.Formatter):
    """One JSON object per line (encoded with msgspec); ``extra=`` fields are included, secrets masked."""

    def __init__(self, process: str) -> None:
        super().__init__()
        self.process_name = process
        self._timestamp = _UtcSeconds()

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": self._timestamp(record.created),
            "level": _LEVEL_NAMES.get(record.levelno) or record.levelname.lower(),
            "logger": record.name,
            "process": self.process_name,
            "msg": record.getMessage(),
        }
        if (request_id := request_id_var.get()) is not None:
            payload["request_id"] = request_id
        if (job_id := job_id_var.get()) is not None:
            payload["job_id"] = job_id
        for key, value in record.__dict__.items():
            if key in _STANDARD_ATTRS or key[0] == "_":
                continue
            payload[key] = "***" if key.lower() in _SECRET_KEYS else value
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return _ENCODER.encode(payload).decode()


def log_fast(logger: logging.Logger, msg: str, fields: dict[str, Any]) -> None:
    """``logger.info(msg, extra=fields)`` without looking up the caller's source line (a stack walk
    that is most of the cost of a log call): for the one line logged per request."""
    if logger.isEnabledFor(logging.INFO):
        logger.handle(logger.makeRecord(logger.name, logging.INFO, "", 0, msg, (), None, extra=fields))


def configure_logging(level: str, *, process: str) -> None:
    """Replace the root handlers with one JSON handler; quiet noisy libraries."""
    # The JSON lines carry no thread or process names: don't look them up for every record.
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(process))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Servers that configured their own loggers first (uvicorn) log through the JSON handler too.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        server_logger = logging.getLogger(name)
        server_logger.handlers.clear()
        server_logger.propagate = True
    for noisy in ("uvicorn.access", "botocore", "urllib3", "asyncio"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
