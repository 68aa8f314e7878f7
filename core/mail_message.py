"""E-mail: the messages Cadenza sends (text and HTML bodies) and the ``SMTP_URL`` format.

Building a message is pure; sending is the ``notify`` worker's job (``workers/mail_task.py``,
through ``workers/mail_transport.py``). The API asks for a mail by writing an outbox row for the
``send_mail`` task (``jobs.tasks.SEND_MAIL``) in the same transaction as the state the mail is about.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import parse_qs, quote, unquote, urlsplit


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    """Where ``SMTP_URL`` points: ``smtp://[user:pass@]host[:port][?starttls=true]`` or ``smtps://`` (TLS)."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None
    implicit_tls: bool = False
    starttls: bool = False

    def __repr__(self) -> str:  # never show the password
        return f"SmtpTarget(host={self.host!r}, port={self.port}, user={self.username!r}, tls={self.implicit_tls or self.starttls})"


def parse_smtp_url(url: str) -> SmtpTarget:
    """Parse ``SMTP_URL``; raises ValueError (without echoing the password) when malformed."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValueError("must look like smtp://user:pass@host:port or smtps://host:port") from None
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ValueError("must look like smtp://user:pass@host:port or smtps://host:port")
    starttls = parse_qs(parts.query).get("starttls", ["false"])[-1].lower()
    if starttls not in {"true", "false", "1", "0"}:
        raise ValueError("starttls= must be true or false")
    implicit = parts.scheme == "smtps"
    return SmtpTarget(
        host=parts.hostname,
        port=port or (465 if implicit else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        implicit_tls=implicit,
        starttls=not implicit and starttls in {"true", "1"},
    )


def check_sender(mail_from: str) -> str:
    """``MAIL_FROM`` must hold one address (``Name <addr@host>`` or ``addr@host``); raises ValueError."""
    _, address = parseaddr(mail_from)
    if "@" not in address or any(c in mail_from for c in "\r\n"):
        raise ValueError(f"must be an e-mail address such as 'Cadenza <no-reply@example.org>', not {mail_from!r}")
    return mail_from


@dataclass(frozen=True, slots=True)
class Recipient:
    address: str
    name: str


def verification_message(*, sender: str, to: Recipient, link: str, token: str, hours: int) -> EmailMessage:
    """The mail that confirms an address: the link, and the raw token for clients without a browser."""
    return _message(
        sender=sender,
        to=to,
        subject="Confirm your e-mail address for Cadenza",
        intro="Please confirm your e-mail address for your Cadenza account.",
        action="Confirm my address",
        link=link,
        token=token,
        outro=f"The link works once and expires in {hours} hours. "
        "If you did not create a Cadenza account, you can ignore this message.",
    )


def reset_message(*, sender: str, to: Recipient, link: str, token: str, minutes: int) -> EmailMessage:
    """The password-reset mail."""
    return _message(
        sender=sender,
        to=to,
        subject="Reset your Cadenza password",
        intro="Someone (we hope you) asked to reset the password of your Cadenza account.",
        action="Choose a new password",
        link=link,
        token=token,
        outro=f"The link works once and expires in {minutes} minutes. "
        "If you did not ask for this, ignore this message: your password stays as it is.",
    )


def sender_domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "cadenza.local"


def new_message(*, sender: str, to: Recipient, subject: str, message_id: str | None = None) -> EmailMessage:
    """A message with its headers set; ``message_id`` when the mail has a stable identity of its own."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = Address(display_name=to.name, addr_spec=to.address)
    msg["Subject"] = subject
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = message_id or make_msgid(domain=sender_domain(sender))
    return msg


def link_with_token(base_url: str, path: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{path}?token={quote(token, safe='')}"


def _message(
    *, sender: str, to: Recipient, subject: str, intro: str, action: str, link: str, token: str, outro: str
) -> EmailMessage:
    msg = new_message(sender=sender, to=to, subject=subject)
    msg.set_content(
        f"Hello {to.name},\n\n{intro}\n\n{action}:\n{link}\n\n"
        f"Or enter this code in the app:\n{token}\n\n{outro}\n\n-- \nCadenza\n"
    )
    e = html.escape
    msg.add_alternative(
        f"""<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.5">
<p>Hello {e(to.name)},</p>
<p>{e(intro)}</p>
<p><a href="{e(link, quote=True)}">{e(action)}</a></p>
<p>Or enter this code in the app:<br><code>{e(token)}</code></p>
<p style="color: #555">{e(outro)}</p>
<p>&mdash; Cadenza</p>
</body></html>
""",
        subtype="html",
    )
    return msg
