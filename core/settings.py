"""Typed settings built from the environment once, in each process's entry point.

Nothing reads the environment at import time: ``Settings.from_env()`` is called by the app
factory, the worker broker setup and the relay, and the result is passed down.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from core.env_values import positive_int
from core.limits import RateLimitSettings, StreamLimits, UploadQuotas, limits_from_env
from core.mail_message import check_sender, parse_smtp_url
from core.sweep_settings import SweepSettings
from core.worker_settings import WorkerSettings, worker_settings_from_env

T = TypeVar("T")
#: The example key once committed as the default: anyone could forge tokens with it, so it is refused.
DEFAULT_SECRET_KEY = "dev-insecure-secret-key-change-me"  # noqa: S105 - refused everywhere


class SettingsError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


def redact_url(url: str) -> str:
    """``url`` with any password replaced by ``***`` (for reprs, logs and error messages)."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
    except ValueError:
        return "<unparsable URL>"
    netloc = f"{parts.username or ''}:***@{parts.netloc.rpartition('@')[2]}"
    return urlunsplit(parts._replace(netloc=netloc))


def _redacted_repr(self: object) -> str:
    """A dataclass repr that never shows secrets: ``*_key`` secrets masked, URL passwords masked."""
    shown = []
    for f in dataclasses.fields(self):  # type: ignore[arg-type]
        value = getattr(self, f.name)
        if f.name == "secret_key" and value is not None:
            text = "'***'"
        elif isinstance(value, str) and f.name.endswith("url"):
            text = repr(redact_url(value))
        else:
            text = repr(value)
        shown.append(f"{f.name}={text}")
    return f"{type(self).__name__}({', '.join(shown)})"


@dataclass(frozen=True, slots=True, repr=False)
class DatabaseSettings:
    __repr__ = _redacted_repr

    url: str
    pool_size: int = 10


@dataclass(frozen=True, slots=True, repr=False)
class RedisSettings:
    __repr__ = _redacted_repr

    url: str


@dataclass(frozen=True, slots=True, repr=False)
class StorageSettings:
    """``file://`` path (LocalStore) or ``s3://`` endpoint (S3Store on the minio SDK)."""

    __repr__ = _redacted_repr

    url: str
    scheme: str
    local_root: Path | None = None
    endpoint: str | None = None
    access_key: str | None = None
    secret_key: str | None = None
    bucket: str | None = None
    secure: bool = False
    region: str | None = None


@dataclass(frozen=True, slots=True, repr=False)
class AuthSettings:
    __repr__ = _redacted_repr

    secret_key: str
    algorithm: str = "HS256"
    access_token_expire_minutes: int = 30
    refresh_token_expire_days: int = 7
    #: argon2id cost (``PASSWORD_HASH_COST``): ``standard`` is argon2-cffi's RFC 9106 low-memory
    #: profile; ``minimal`` makes hashing nearly free for test suites and is refused in production.
    password_hash_cost: str = "standard"


@dataclass(frozen=True, slots=True, repr=False)
class MediaSettings:
    __repr__ = _redacted_repr

    max_upload_bytes: int = 2 * 1024**3
    max_media_seconds: int = 3 * 3600
    max_frame_pixels: int = 4096 * 2304
    media_url_ttl_seconds: int = 3600
    #: frames per second and frames in all, as the source declares them (probe refuses more)
    max_frame_rate: int = 240
    max_frames: int = 240 * 3600


@dataclass(frozen=True, slots=True, repr=False)
class Settings:
    __repr__ = _redacted_repr

    environment: str
    database: DatabaseSettings
    redis: RedisSettings
    storage: StorageSettings
    auth: AuthSettings
    media: MediaSettings
    public_base_url: str
    log_level: str
    smtp_url: str | None
    var_dir: Path
    #: The ``From`` of every mail (``MAIL_FROM``).
    mail_from: str = "Cadenza <no-reply@localhost>"
    rate_limits: RateLimitSettings = RateLimitSettings()
    workers: WorkerSettings = WorkerSettings()
    streams: StreamLimits = StreamLimits()
    quotas: UploadQuotas = UploadQuotas()
    #: ``/metrics`` needs ``Authorization: Bearer <METRICS_TOKEN>``; unset, it is not served at all
    metrics_token: str | None = None
    sweep: SweepSettings = SweepSettings()

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build and validate settings; raise ``SettingsError`` naming the first bad variable."""
        env = os.environ if env is None else env
        var_dir = Path(env.get("CADENZA_VAR_DIR", ".var")).resolve()
        environment = env.get("CADENZA_ENV", "development")
        if environment not in {"development", "test", "production"}:
            raise SettingsError(f"CADENZA_ENV must be development, test or production, not {environment!r}")
        secret = _secret_key(env)
        password_hash_cost = _choice(env, "PASSWORD_HASH_COST", "standard", {"standard", "minimal"})
        if environment == "production" and password_hash_cost != "standard":
            raise SettingsError("PASSWORD_HASH_COST must be standard in production")
        log_level = env.get("LOG_LEVEL", "INFO").upper()
        if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise SettingsError(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {log_level!r}")
        public_base_url = env.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
        if not public_base_url.startswith(("http://", "https://")) or not urlsplit(public_base_url).netloc:
            raise SettingsError("PUBLIC_BASE_URL must be an http:// or https:// URL with a host")
        try:
            rate_limits, streams, quotas = limits_from_env(env)
        except ValueError as exc:
            raise SettingsError(str(exc)) from None
        return cls(
            environment=environment,
            database=DatabaseSettings(url=_database_url(env)),
            redis=RedisSettings(url=_redis_url(env)),
            storage=parse_storage_url(env.get("STORAGE_URL", f"file://{var_dir / 'objects'}")),
            auth=AuthSettings(
                secret_key=secret,
                algorithm=_choice(env, "JWT_ALGORITHM", "HS256", {"HS256", "HS384", "HS512"}),
                access_token_expire_minutes=_positive_int(env, "ACCESS_TOKEN_EXPIRE_MINUTES", 30),
                refresh_token_expire_days=_positive_int(env, "REFRESH_TOKEN_EXPIRE_DAYS", 7),
                password_hash_cost=password_hash_cost,
            ),
            media=MediaSettings(
                max_upload_bytes=_positive_int(env, "MAX_UPLOAD_BYTES", 2 * 1024**3),
                max_media_seconds=_positive_int(env, "MAX_MEDIA_SECONDS", 3 * 3600),
                max_frame_pixels=_positive_int(env, "MAX_FRAME_PIXELS", 4096 * 2304),
                media_url_ttl_seconds=_positive_int(env, "MEDIA_URL_TTL_SECONDS", 3600),
                max_frame_rate=_positive_int(env, "MAX_FRAME_RATE", 240),
                max_frames=_positive_int(env, "MAX_FRAMES", 240 * 3600),
            ),
            public_base_url=public_base_url,
            log_level=log_level,
            smtp_url=_smtp_url(env),
            var_dir=var_dir,
            workers=_worker_settings(env),
            sweep=_sweep_settings(env),
            mail_from=_parsed("MAIL_FROM", env.get("MAIL_FROM") or "Cadenza <no-reply@localhost>", check_sender),
            rate_limits=rate_limits,
            streams=streams,
            quotas=quotas,
            metrics_token=_metrics_token(env),
        )


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings for a process entry point: a bad value ends the process with one clear line."""
    try:
        return Settings.from_env(env)
    except SettingsError as exc:
        raise SystemExit(f"cadenza: configuration error: {exc}") from None


def database_url_from_env(env: Mapping[str, str]) -> str:
    """``DATABASE_URL`` alone, validated (for tools that need nothing else, like migrations)."""
    return _database_url(env)


def _database_url(env: Mapping[str, str]) -> str:
    url = env.get("DATABASE_URL", "postgresql+asyncpg://cadenza@127.0.0.1:5432/cadenza")
    if url.startswith("postgresql://"):
        url = "postgresql+asyncpg://" + url.removeprefix("postgresql://")
    if not url.startswith("postgresql+asyncpg://"):
        raise SettingsError("DATABASE_URL must be a postgresql:// or postgresql+asyncpg:// URL")
    return url


def _redis_url(env: Mapping[str, str]) -> str:
    url = env.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError("REDIS_URL must be a redis://, rediss:// or unix:// URL")
    return url


def parse_storage_url(url: str) -> StorageSettings:
    """Parse ``file:///path`` / ``file://relative`` or ``s3://KEY:SECRET@host:port/bucket?secure=false``."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise SettingsError(f"STORAGE_URL is not a valid URL ({exc})") from None
    if parts.scheme == "file":
        if not url.startswith("file://"):
            raise SettingsError("STORAGE_URL must look like file:///absolute/path or file://relative/path")
        raw = unquote(url.removeprefix("file://"))
        if not raw:
            raise SettingsError("STORAGE_URL file:// needs a directory")
        return StorageSettings(url=url, scheme="file", local_root=Path(raw).resolve())
    if parts.scheme == "s3":
        bucket = parts.path.strip("/")
        if not parts.hostname or not bucket or "/" in bucket:
            raise SettingsError("STORAGE_URL must look like s3://ACCESS:SECRET@host:port/bucket")
        if not parts.username or not parts.password:
            raise SettingsError("STORAGE_URL s3:// needs ACCESS:SECRET credentials")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        secure = query.get("secure", "true").lower()
        if secure not in {"true", "false", "1", "0"}:
            raise SettingsError("STORAGE_URL secure= must be true or false")
        if port == 0:
            raise SettingsError("STORAGE_URL port must be between 1 and 65535")
        endpoint = parts.hostname + (f":{port}" if port else "")
        return StorageSettings(
            url=url,
            scheme="s3",
            endpoint=endpoint,
            access_key=unquote(parts.username),
            secret_key=unquote(parts.password),
            bucket=bucket,
            secure=secure in {"true", "1"},
            region=query.get("region"),
        )
    raise SettingsError(f"STORAGE_URL must use file:// or s3://, not {parts.scheme or redact_url(url)!r}")


def _secret_key(env: Mapping[str, str]) -> str:
    """``SECRET_KEY`` signs tokens and media URLs, so it has no default in any environment: a
    deployment that forgot it must not start with a key anyone can read (``make run`` generates a
    random one once, in ``.var/secret_key``)."""
    secret = env.get("SECRET_KEY") or ""
    if not secret:
        raise SettingsError(
            "SECRET_KEY is not set: give every process the same private random value "
            "(`make run` generates one in .var/secret_key)"
        )
    if secret == DEFAULT_SECRET_KEY:
        raise SettingsError("SECRET_KEY is the published example value: set a private random one")
    if len(secret) < 16:
        raise SettingsError("SECRET_KEY must be at least 16 characters long")
    return secret


def _metrics_token(env: Mapping[str, str]) -> str | None:
    token = env.get("METRICS_TOKEN") or None
    if token is not None and len(token) < 16:
        raise SettingsError("METRICS_TOKEN must be at least 16 characters long")
    return token


def _smtp_url(env: Mapping[str, str]) -> str | None:
    url = env.get("SMTP_URL") or None
    if url is not None:
        target = _parsed("SMTP_URL", url, parse_smtp_url)
        if (target.username or target.password) and not (target.implicit_tls or target.starttls):
            # smtplib would send the login in clear text to anyone on the path.
            raise SettingsError("SMTP_URL has credentials but no TLS: use smtps:// or add ?starttls=true")
    return url


def _parsed(name: str, raw: str, parse: Callable[[str], T]) -> T:
    """``parse(raw)``, its ValueError turned into a SettingsError naming the variable."""
    try:
        return parse(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} {exc}") from None


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    try:
        return positive_int(env, name, default)
    except ValueError as exc:
        raise SettingsError(str(exc)) from None


def _choice(env: Mapping[str, str], name: str, default: str, allowed: set[str]) -> str:
    value = env.get(name, default)
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {sorted(allowed)}, not {value!r}")
    return value


def _worker_settings(env: Mapping[str, str]) -> WorkerSettings:
    try:
        return worker_settings_from_env(env)
    except ValueError as exc:
        raise SettingsError(str(exc)) from None


def _sweep_settings(env: Mapping[str, str]) -> SweepSettings:
    d = SweepSettings()
    return SweepSettings(
        interval_seconds=_positive_int(env, "SWEEP_INTERVAL_SECONDS", d.interval_seconds),
        workdir_age_seconds=_positive_int(env, "SWEEP_WORKDIR_AGE_SECONDS", d.workdir_age_seconds),
        part_file_age_seconds=_positive_int(env, "SWEEP_PART_FILE_AGE_SECONDS", d.part_file_age_seconds),
        outbox_retention_seconds=_positive_int(env, "OUTBOX_RETENTION_SECONDS", d.outbox_retention_seconds),
        token_retention_seconds=_positive_int(env, "TOKEN_RETENTION_SECONDS", d.token_retention_seconds),
        webhook_delivery_retention_seconds=_positive_int(
            env, "WEBHOOK_DELIVERY_RETENTION_SECONDS", d.webhook_delivery_retention_seconds
        ),
    )
