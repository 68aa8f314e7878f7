"""Mail transport: SMTP to ``SMTP_URL``, or ``.eml`` files under ``{var_dir}/mail`` when it is unset.

smtplib is synchronous, so every delivery runs in a thread. Errors other than :class:`MailRejected`
are transient (connection refused, timeouts, 4xx answers, a login the operator must fix) and the
caller retries them later.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import smtplib
import ssl
import uuid
from email.message import EmailMessage
from pathlib import Path

from core.mail_message import SmtpTarget, parse_smtp_url
from core.settings import Settings

SMTP_TIMEOUT_SECONDS = 30.0


class MailRejected(Exception):
    """The SMTP server refused the message for good (a 5xx answer): retrying will not help."""

    def __init__(self, smtp_code: int) -> None:
        super().__init__(f"refused with SMTP {smtp_code}")
        self.smtp_code = smtp_code


async def deliver(settings: Settings, message: EmailMessage) -> str:
    """Send ``message``; returns where it went (``smtp:host:port`` or ``file:name.eml``)."""
    if settings.smtp_url is None:
        path = await asyncio.to_thread(write_eml, settings.var_dir / "mail", message)
        return f"file:{path.name}"
    target = parse_smtp_url(settings.smtp_url)
    await asyncio.to_thread(send_smtp, target, message)
    return f"smtp:{target.host}:{target.port}"


def send_smtp(target: SmtpTarget, message: EmailMessage) -> None:
    """One SMTP session: (implicit TLS | STARTTLS), optional login, one message."""
    context = ssl.create_default_context()
    try:
        if target.implicit_tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                target.host, target.port, timeout=SMTP_TIMEOUT_SECONDS, context=context
            )
        else:
            client = smtplib.SMTP(target.host, target.port, timeout=SMTP_TIMEOUT_SECONDS)
        with client:
            if target.starttls:
                client.starttls(context=context)
            if target.username:
                client.login(target.username, target.password or "")
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            raise MailRejected(max(codes)) from None
        raise
    except smtplib.SMTPDataError as exc:
        if exc.smtp_code >= 500:
            raise MailRejected(exc.smtp_code) from None
        raise


def write_eml(directory: Path, message: EmailMessage) -> Path:
    """Write ``<UTC timestamp>-<id>.eml`` atomically (a reader never sees half a message)."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = directory / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
    partial = directory / f".{path.name}.partial"
    with partial.open("wb") as out:
        out.write(message.as_bytes())
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)
    return path
