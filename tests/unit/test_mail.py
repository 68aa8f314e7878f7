"""Mail messages, SMTP_URL, mailed tokens, rate-limit values and the mail retry schedule."""

from __future__ import annotations

import uuid

import pytest

from core.account_tokens import RESET_PASSWORD, VERIFY_EMAIL, derive_token, token_hash
from core.limits import RateLimit, parse_rate_limit
from core.mail_message import (
    Recipient,
    SmtpTarget,
    check_sender,
    link_with_token,
    parse_smtp_url,
    reset_message,
    verification_message,
)
from core.settings import Settings, SettingsError
from jobs.tasks import SEND_MAIL
from workers.mail_task import backoff_seconds

SECRET = "a-private-secret-key-0123456789"  # noqa: S105 - test value


def test_verification_message_has_text_and_html_with_link_and_token() -> None:
    token = derive_token(SECRET, uuid.uuid4(), VERIFY_EMAIL)
    link = link_with_token("https://cadenza.example", "/verify", token)
    msg = verification_message(
        sender="Cadenza <no-reply@cadenza.example>",
        to=Recipient("clara@example.org", 'Clara <"Wieck">'),
        link=link,
        token=token,
        hours=24,
    )
    assert msg["To"].addresses[0].addr_spec == "clara@example.org"
    assert msg["Message-ID"].endswith("@cadenza.example>")
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert link == f"https://cadenza.example/verify?token={token}"
    assert link in text and token in text and "24 hours" in text
    assert f'href="{link}"' in html and token in html
    assert "&lt;&quot;Wieck&quot;&gt;" in html and '<"Wieck">' not in html  # the name is escaped


def test_reset_message_says_how_long_it_lasts() -> None:
    msg = reset_message(
        sender="no-reply@x.example", to=Recipient("a@b.example", "a"), link="https://x/reset", token="t", minutes=60
    )
    assert msg["Subject"] == "Reset your Cadenza password"
    assert "60 minutes" in msg.get_body(("plain",)).get_content()


def test_mailed_tokens_are_derived_not_stored() -> None:
    token_id = uuid.uuid4()
    token = derive_token(SECRET, token_id, VERIFY_EMAIL)
    assert token == derive_token(SECRET, token_id, VERIFY_EMAIL)
    assert len(token) == 43 and token.isascii() and "=" not in token
    assert token != derive_token(SECRET, token_id, RESET_PASSWORD)
    assert token != derive_token(SECRET + "x", token_id, VERIFY_EMAIL)
    assert len(token_hash(token)) == 64 and token not in token_hash(token)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example", SmtpTarget("mail.example", 25)),
        ("smtp://u:p%40ss@mail.example:587?starttls=true", SmtpTarget("mail.example", 587, "u", "p@ss", False, True)),
        ("smtps://mail.example", SmtpTarget("mail.example", 465, implicit_tls=True)),
    ],
)
def test_smtp_url(url: str, expected: SmtpTarget) -> None:
    assert parse_smtp_url(url) == expected
    assert "p@ss" not in repr(parse_smtp_url(url))


@pytest.mark.parametrize("url", ["http://mail.example", "smtp://", "smtp://h:99999", "smtp://h?starttls=maybe"])
def test_bad_smtp_url_is_a_settings_error_without_the_password(url: str) -> None:
    with pytest.raises(SettingsError, match="SMTP_URL"):
        Settings.from_env({"SECRET_KEY": SECRET, "SMTP_URL": url})


def test_mail_from() -> None:
    assert check_sender("Cadenza <no-reply@x.example>") == "Cadenza <no-reply@x.example>"
    with pytest.raises(SettingsError, match="MAIL_FROM"):
        Settings.from_env({"SECRET_KEY": SECRET, "MAIL_FROM": "nobody"})


def test_rate_limit_values() -> None:
    assert parse_rate_limit("5/60") == RateLimit(5, 60)
    assert parse_rate_limit(" OFF ") is None
    for bad in ("5", "0/60", "5/0", "-1/60", "a/b", "5/60/1", ""):
        with pytest.raises(ValueError, match="COUNT/SECONDS"):
            parse_rate_limit(bad)


def test_rate_limit_settings() -> None:
    defaults = Settings.from_env({"SECRET_KEY": SECRET}).rate_limits
    assert (defaults.login, defaults.password, defaults.register, defaults.verify_resend) == (
        RateLimit(100, 900),
        RateLimit(30, 900),
        RateLimit(100, 3600),
        RateLimit(3, 900),
    )
    custom = Settings.from_env({"SECRET_KEY": SECRET, "RATE_LIMIT_LOGIN": "10/30", "RATE_LIMIT_REGISTER": "off"})
    assert (custom.rate_limits.login, custom.rate_limits.register) == (RateLimit(10, 30), None)
    with pytest.raises(SettingsError, match="RATE_LIMIT_PASSWORD"):
        Settings.from_env({"SECRET_KEY": SECRET, "RATE_LIMIT_PASSWORD": "lots"})


def test_mail_retry_schedule() -> None:
    delays = [backoff_seconds(n) for n in range(SEND_MAIL.max_attempts - 1)]
    assert delays[:3] == [2.0, 4.0, 8.0]
    assert max(delays) == SEND_MAIL.backoff.max_seconds
    assert sum(delays) > 30 * 60  # an SMTP outage of half an hour loses no mail
