"""Settings from the environment: working local defaults, every variable parsed, clear errors, no leaked secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import DEFAULT_SECRET_KEY, Settings, SettingsError, StorageSettings, parse_storage_url

SECRET = "a-private-secret-key-0123456789"  # noqa: S105 - test value


def settings(**env: str) -> Settings:
    return Settings.from_env({"SECRET_KEY": SECRET, **env})


def test_defaults_need_no_environment_but_the_secret_key(tmp_path: Path) -> None:
    s = Settings.from_env({"CADENZA_VAR_DIR": str(tmp_path), "SECRET_KEY": SECRET})

    assert s.environment == "development"
    assert not s.is_production
    assert s.database.url == "postgresql+asyncpg://cadenza@127.0.0.1:5432/cadenza"
    assert s.redis.url == "redis://127.0.0.1:6379/0"
    assert s.storage.scheme == "file"
    assert s.storage.local_root == tmp_path.resolve() / "objects"
    assert s.auth.secret_key == SECRET
    assert (s.auth.algorithm, s.auth.access_token_expire_minutes, s.auth.refresh_token_expire_days) == ("HS256", 30, 7)
    assert s.media.max_upload_bytes == 2 * 1024**3
    assert s.media.max_media_seconds == 3 * 3600
    assert s.media.max_frame_pixels == 4096 * 2304
    assert s.media.media_url_ttl_seconds == 3600
    assert s.public_base_url == "http://127.0.0.1:8000"
    assert s.log_level == "INFO"
    assert s.smtp_url is None
    assert s.var_dir == tmp_path.resolve()


def test_from_env_without_a_mapping_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", SECRET)
    monkeypatch.setenv("LOG_LEVEL", "warning")
    monkeypatch.delenv("CADENZA_ENV", raising=False)

    assert Settings.from_env().log_level == "WARNING"


@pytest.mark.parametrize(
    ("name", "raw", "read", "expected"),
    [
        ("ACCESS_TOKEN_EXPIRE_MINUTES", "15", lambda s: s.auth.access_token_expire_minutes, 15),
        ("REFRESH_TOKEN_EXPIRE_DAYS", "30", lambda s: s.auth.refresh_token_expire_days, 30),
        ("MAX_UPLOAD_BYTES", "1048576", lambda s: s.media.max_upload_bytes, 1024 * 1024),
        ("MAX_UPLOAD_BYTES", "1", lambda s: s.media.max_upload_bytes, 1),
        ("MAX_UPLOAD_BYTES", str(50 * 1024**3), lambda s: s.media.max_upload_bytes, 50 * 1024**3),
        ("MAX_MEDIA_SECONDS", "600", lambda s: s.media.max_media_seconds, 600),
        ("MAX_FRAME_PIXELS", "2073600", lambda s: s.media.max_frame_pixels, 1920 * 1080),
        ("MEDIA_URL_TTL_SECONDS", "60", lambda s: s.media.media_url_ttl_seconds, 60),
        ("MEDIA_URL_TTL_SECONDS", "", lambda s: s.media.media_url_ttl_seconds, 3600),  # empty means unset
        ("JWT_ALGORITHM", "HS512", lambda s: s.auth.algorithm, "HS512"),
        ("LOG_LEVEL", "debug", lambda s: s.log_level, "DEBUG"),
        ("LOG_LEVEL", "Error", lambda s: s.log_level, "ERROR"),
        ("CADENZA_ENV", "test", lambda s: s.environment, "test"),
        ("PUBLIC_BASE_URL", "https://cadenza.example/", lambda s: s.public_base_url, "https://cadenza.example"),
        ("PUBLIC_BASE_URL", "http://10.0.0.5:8080/app", lambda s: s.public_base_url, "http://10.0.0.5:8080/app"),
        ("SMTP_URL", "smtp://mail.example:587", lambda s: s.smtp_url, "smtp://mail.example:587"),
        ("SMTP_URL", "", lambda s: s.smtp_url, None),  # unset: mail goes to .var/mail
        ("DATABASE_URL", "postgresql://u:p@db:5432/x", lambda s: s.database.url, "postgresql+asyncpg://u:p@db:5432/x"),
        ("DATABASE_URL", "postgresql+asyncpg://db/x", lambda s: s.database.url, "postgresql+asyncpg://db/x"),
        ("REDIS_URL", "rediss://cache:6380/2", lambda s: s.redis.url, "rediss://cache:6380/2"),
        ("REDIS_URL", "unix:///run/redis.sock", lambda s: s.redis.url, "unix:///run/redis.sock"),
        ("STORAGE_URL", "s3://k:s@minio:9000/media?secure=false", lambda s: s.storage.endpoint, "minio:9000"),
        ("SECRET_KEY", "another-secret-of-24-ch", lambda s: s.auth.secret_key, "another-secret-of-24-ch"),
        ("PASSWORD_HASH_COST", "minimal", lambda s: s.auth.password_hash_cost, "minimal"),
    ],
)
def test_each_variable_is_read_from_the_environment(name: str, raw: str, read: object, expected: object) -> None:
    assert read(settings(**{name: raw})) == expected  # type: ignore[operator]


INT_VARIABLES = [
    "ACCESS_TOKEN_EXPIRE_MINUTES",
    "REFRESH_TOKEN_EXPIRE_DAYS",
    "MAX_UPLOAD_BYTES",
    "MAX_MEDIA_SECONDS",
    "MAX_FRAME_PIXELS",
    "MEDIA_URL_TTL_SECONDS",
]


@pytest.mark.parametrize("name", INT_VARIABLES)
@pytest.mark.parametrize("raw", ["abc", "1.5", "2GiB", "0", "-1", "0x10"])
def test_bad_whole_numbers_are_refused_naming_the_variable(name: str, raw: str) -> None:
    with pytest.raises(SettingsError, match=name):
        settings(**{name: raw})


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("CADENZA_ENV", "staging"),
        ("CADENZA_ENV", ""),
        ("LOG_LEVEL", "verbose"),
        ("JWT_ALGORITHM", "none"),
        ("JWT_ALGORITHM", "RS256"),
        ("PUBLIC_BASE_URL", "cadenza.example"),
        ("PUBLIC_BASE_URL", "ftp://cadenza.example"),
        ("PUBLIC_BASE_URL", "https://"),
        ("DATABASE_URL", "mysql://u:p@db/x"),
        ("DATABASE_URL", "sqlite:///cadenza.db"),
        ("REDIS_URL", "http://cache:6379"),
        ("REDIS_URL", "127.0.0.1:6379"),
        ("STORAGE_URL", "gs://bucket"),
        ("STORAGE_URL", "s3://k:s@minio:notaport/media"),
        ("SECRET_KEY", "short"),
        ("SECRET_KEY", ""),
        ("PASSWORD_HASH_COST", "cheap"),
    ],
)
def test_bad_values_are_refused_naming_the_variable(name: str, raw: str) -> None:
    with pytest.raises(SettingsError, match=name):
        settings(**{name: raw})


@pytest.mark.parametrize("environment", ["development", "test"])
def test_the_old_default_secret_key_is_refused_outside_production_too(environment: str) -> None:
    for env in ({}, {"SECRET_KEY": DEFAULT_SECRET_KEY}):
        with pytest.raises(SettingsError, match="SECRET_KEY"):
            Settings.from_env({"CADENZA_ENV": environment, **env})


@pytest.mark.parametrize("env", [{}, {"SECRET_KEY": DEFAULT_SECRET_KEY}])
def test_production_refuses_to_start_with_the_default_secret_key(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        Settings.from_env({"CADENZA_ENV": "production", **env})


def test_production_refuses_a_minimal_password_hash_cost() -> None:
    assert settings().auth.password_hash_cost == "standard"
    with pytest.raises(SettingsError, match="PASSWORD_HASH_COST"):
        settings(CADENZA_ENV="production", PASSWORD_HASH_COST="minimal")


def test_production_starts_with_a_private_secret_key() -> None:
    s = settings(CADENZA_ENV="production")

    assert s.is_production
    assert s.auth.secret_key == SECRET


SECRET_BEARING_ENV = {
    "SECRET_KEY": "jwt-signing-secret-0123456789",
    "DATABASE_URL": "postgresql://cadenza:db-password-42@db:5432/cadenza",
    "REDIS_URL": "redis://:redis-password-42@cache:6379/0",
    "STORAGE_URL": "s3://AKIAEXAMPLE:s3-secret%2Fkey-42@minio:9000/media",
    "SMTP_URL": "smtp://mailer:smtp-password-42@mail:587?starttls=true",
}
SECRETS = ["jwt-signing-secret", "db-password-42", "redis-password-42", "s3-secret", "smtp-password-42"]


@pytest.mark.parametrize("render", [repr, str])
def test_secrets_never_appear_when_settings_are_printed(render: object) -> None:
    s = Settings.from_env(SECRET_BEARING_ENV)

    text = render(s)  # type: ignore[operator]

    for secret in SECRETS:
        assert secret not in text
    # Still useful for debugging: hosts, users and non-secret values are shown.
    assert "db:5432" in text and "minio:9000" in text and "AKIAEXAMPLE" in text and "HS256" in text


def test_settings_still_carry_the_real_secrets() -> None:
    s = Settings.from_env(SECRET_BEARING_ENV)

    assert s.auth.secret_key == "jwt-signing-secret-0123456789"
    assert s.storage.secret_key == "s3-secret/key-42"
    assert "db-password-42" in s.database.url
    assert s.replace(log_level="DEBUG").auth.secret_key == s.auth.secret_key


@pytest.mark.parametrize(
    "url",
    ["//AK:leaked-secret@minio/media", "s3://AK:leaked-secret@minio:99999/media", "s3://AK:leaked-secret@minio/a/b"],
)
def test_storage_url_errors_do_not_echo_the_secret(url: str) -> None:
    with pytest.raises(SettingsError, match="STORAGE_URL") as caught:
        parse_storage_url(url)

    assert "leaked-secret" not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "root"),
    [
        ("file:///srv/cadenza/objects", Path("/srv/cadenza/objects")),
        ("file://.var/objects", Path(".var/objects").resolve()),
        ("file:///srv/with%20space", Path("/srv/with space")),
    ],
)
def test_file_storage_url(url: str, root: Path) -> None:
    assert parse_storage_url(url) == StorageSettings(url=url, scheme="file", local_root=root)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "s3://minioadmin:minioadmin@127.0.0.1:9000/cadenza?secure=false",
            {"endpoint": "127.0.0.1:9000", "access_key": "minioadmin", "secret_key": "minioadmin",
             "bucket": "cadenza", "secure": False, "region": None},
        ),
        (
            "s3://AKIA:wJalr@s3.amazonaws.com/media-prod?region=eu-west-1",
            {"endpoint": "s3.amazonaws.com", "bucket": "media-prod", "secure": True, "region": "eu-west-1"},
        ),
        ("s3://k:s@h/b/", {"bucket": "b", "secure": True}),
        ("s3://k:s@h/b?secure=true", {"secure": True}),
        ("s3://k:s@h/b?secure=1", {"secure": True}),
        ("s3://k:s@h/b?secure=FALSE", {"secure": False}),
        ("s3://k:s@h/b?secure=0", {"secure": False}),
        ("s3://k:s@h:443/b?secure=true&region=us-east-1", {"endpoint": "h:443", "region": "us-east-1"}),
        # Reserved characters in credentials must be percent-encoded and are decoded once.
        ("s3://us%40er:p%2Fa%3As%40s%25w@h:9000/b", {"access_key": "us@er", "secret_key": "p/a:s@s%w"}),
        ("s3://k:s%2Bplus%20space@h/b", {"secret_key": "s+plus space"}),
    ],
)  # fmt: skip
def test_s3_storage_url(url: str, expected: dict[str, object]) -> None:
    parsed = parse_storage_url(url)

    assert parsed.scheme == "s3"
    assert parsed.url == url
    assert parsed.local_root is None
    for field_name, value in expected.items():
        assert getattr(parsed, field_name) == value, field_name


@pytest.mark.parametrize(
    "url",
    [
        "",
        "file://",
        "file:relative/without/slashes",
        "http://minio:9000/media",
        "minio:9000/media",
        "s3://k:s@minio:9000",  # no bucket
        "s3://k:s@minio:9000/",  # no bucket
        "s3://k:s@minio:9000/a/b",  # nested "bucket"
        "s3://minio:9000/media",  # no credentials
        "s3://k@minio:9000/media",  # no secret
        "s3://:s@minio:9000/media",  # no access key
        "s3://k:s@/media",  # no host
        "s3://k:s@minio:port/media",
        "s3://k:s@minio:70000/media",
        "s3://k:s@minio:0/media",
        "s3://k:s@[::1/media",
        "s3://k:s@minio/media?secure=maybe",
    ],
)
def test_bad_storage_urls_are_refused(url: str) -> None:
    with pytest.raises(SettingsError, match="STORAGE_URL"):
        parse_storage_url(url)


def test_sweep_retentions_are_read_from_the_environment_and_checked() -> None:
    env = {"SECRET_KEY": SECRET, "OUTBOX_RETENTION_SECONDS": "3600", "SWEEP_WORKDIR_AGE_SECONDS": "60"}
    settings = Settings.from_env(env)
    assert settings.sweep.outbox_retention_seconds == 3600
    assert settings.sweep.workdir_age_seconds == 60
    assert settings.sweep.token_retention_seconds == 86400
    assert settings.sweep.webhook_delivery_retention_seconds == 30 * 86400
    longer = Settings.from_env({**env, "WEBHOOK_DELIVERY_RETENTION_SECONDS": "7200"})
    assert longer.sweep.webhook_delivery_retention_seconds == 7200
    with pytest.raises(SettingsError, match="TOKEN_RETENTION_SECONDS"):
        Settings.from_env({**env, "TOKEN_RETENTION_SECONDS": "0"})
    with pytest.raises(SettingsError, match="WEBHOOK_DELIVERY_RETENTION_SECONDS"):
        Settings.from_env({**env, "WEBHOOK_DELIVERY_RETENTION_SECONDS": "-1"})
