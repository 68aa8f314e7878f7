"""Configuration that would leave a deployment open is refused at start-up (issue 11 items 5, 7,
11, 12): no SECRET_KEY or the published one, SMTP credentials without TLS; and the new limits
are read from the environment."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from core.limits import RateLimit
from core.settings import DEFAULT_SECRET_KEY, Settings, SettingsError

KEY = {"SECRET_KEY": "a-private-secret-key-0123456789"}
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("environment", ["development", "test", "production"])
@pytest.mark.parametrize("secret", [None, "", DEFAULT_SECRET_KEY])
def test_no_environment_starts_without_a_private_secret_key(environment: str, secret: str | None) -> None:
    env = {"CADENZA_ENV": environment} | ({} if secret is None else {"SECRET_KEY": secret})
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        Settings.from_env(env)


def test_make_run_generates_a_private_key_once(tmp_path: Path) -> None:
    def key() -> str:
        script = f'. "{ROOT}/scripts/lib.sh"; cz_dev_secret_key "{tmp_path}/var"'
        return subprocess.run(["bash", "-c", script], check=True, capture_output=True, text=True).stdout.strip()

    first = key()
    assert len(first) >= 32 and first != DEFAULT_SECRET_KEY
    assert key() == first  # kept: sessions and signed URLs survive a restart
    assert stat.S_IMODE(os.stat(tmp_path / "var" / "secret_key").st_mode) == 0o600
    assert Settings.from_env({"SECRET_KEY": first}).auth.secret_key == first
    other = tmp_path / "elsewhere"
    assert subprocess.run(
        ["bash", "-c", f'. "{ROOT}/scripts/lib.sh"; cz_dev_secret_key "{other}"'], capture_output=True, text=True
    ).stdout.strip() != first


@pytest.mark.parametrize(
    "url",
    ["smtp://mailer:pw@mail.example:587", "smtp://mailer@mail.example", "smtp://:pw@mail.example:25?starttls=false"],
)
def test_smtp_credentials_without_tls_are_refused(url: str) -> None:
    with pytest.raises(SettingsError, match="SMTP_URL .*TLS") as refused:
        Settings.from_env({**KEY, "SMTP_URL": url})
    assert "pw" not in str(refused.value).replace("smtps", "")


@pytest.mark.parametrize(
    "url",
    ["smtp://mailer:pw@mail.example:587?starttls=true", "smtps://mailer:pw@mail.example", "smtp://127.0.0.1:2525"],
)
def test_smtp_with_tls_or_without_credentials_is_accepted(url: str) -> None:
    assert Settings.from_env({**KEY, "SMTP_URL": url}).smtp_url == url


def test_quotas_stream_caps_frame_limits_and_metrics_token_come_from_the_environment() -> None:
    s = Settings.from_env(
        {
            **KEY,
            "UPLOAD_QUOTA_BYTES": "1000",
            "RATE_LIMIT_UPLOADS": "2/60",
            "EVENT_STREAMS_PER_USER": "3",
            "EVENT_STREAMS_PER_ADDRESS": "40",
            "MAX_FRAME_RATE": "120",
            "MAX_FRAMES": "5000",
            "METRICS_TOKEN": "a-metrics-token-of-length",
            "RATE_LIMIT_LOGIN_ACCOUNT": "7/60",
        }
    )
    assert (s.quotas.storage_bytes, s.quotas.uploads) == (1000, RateLimit(2, 60))
    assert (s.streams.per_user, s.streams.per_address) == (3, 40)
    assert (s.media.max_frame_rate, s.media.max_frames) == (120, 5000)
    assert s.metrics_token == "a-metrics-token-of-length"
    assert s.rate_limits.login_account == RateLimit(7, 60)
    assert Settings.from_env({**KEY, "UPLOAD_QUOTA_BYTES": "off"}).quotas.storage_bytes is None
    for name, raw in [("METRICS_TOKEN", "short"), ("MAX_FRAME_RATE", "0"), ("RATE_LIMIT_PASSWORD_RESET", "x")]:
        with pytest.raises(SettingsError, match=name):
            Settings.from_env({**KEY, name: raw})


def test_the_new_limits_default_to_their_documented_values() -> None:
    s = Settings.from_env(KEY)
    assert (s.quotas.storage_bytes, s.quotas.uploads) == (10 * 1024**3, RateLimit(30, 3600))
    assert (s.streams.per_user, s.streams.per_address, s.streams.keepalive_seconds) == (5, 200, 15.0)
    assert (s.media.max_frame_rate, s.media.max_frames) == (240, 240 * 3600)
    assert s.metrics_token is None
    assert (s.rate_limits.login, s.rate_limits.login_account, s.rate_limits.password_mail_account) == (
        RateLimit(100, 900),
        RateLimit(10, 900),
        RateLimit(3, 3600),
    )
