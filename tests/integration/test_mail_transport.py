"""Mail transport on a real SMTP server (aiosmtpd): delivery, permanent vs transient refusals, .eml files."""

from __future__ import annotations

import email
import email.policy
import smtplib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from core.mail_message import Recipient, parse_smtp_url, verification_message
from tests.e2e.stack import free_port
from workers.mail_transport import MailRejected, send_smtp, write_eml


class _Handler:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:  # noqa: N802, ANN401
        if address.startswith("unknown"):
            return "550 5.1.1 No such user"
        if address.startswith("busy"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802, ANN401
        self.received.append(envelope.content)
        return "250 OK"


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[str, _Handler]]:
    handler = _Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield f"smtp://127.0.0.1:{port}", handler
    controller.stop()


def _message(to: str) -> email.message.EmailMessage:
    return verification_message(
        sender="Cadenza <no-reply@x.example>",
        to=Recipient(to, "Clara"),
        link="http://x/verify?token=t",
        token="t",
        hours=24,
    )


def test_a_message_is_delivered(smtp: tuple[str, _Handler]) -> None:
    url, handler = smtp
    send_smtp(parse_smtp_url(url), _message("clara@example.org"))
    received = email.message_from_bytes(handler.received[-1], policy=email.policy.default)
    assert received["Subject"] == "Confirm your e-mail address for Cadenza"


def test_a_permanent_refusal_is_not_retried(smtp: tuple[str, _Handler]) -> None:
    with pytest.raises(MailRejected) as rejected:
        send_smtp(parse_smtp_url(smtp[0]), _message("unknown@example.org"))
    assert rejected.value.smtp_code == 550


def test_a_temporary_refusal_is_an_smtp_error_to_retry(smtp: tuple[str, _Handler]) -> None:
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send_smtp(parse_smtp_url(smtp[0]), _message("busy@example.org"))


def test_no_server_is_an_os_error_to_retry() -> None:
    with pytest.raises(OSError):
        send_smtp(parse_smtp_url(f"smtp://127.0.0.1:{free_port()}"), _message("clara@example.org"))


def test_without_smtp_mail_is_an_eml_file(tmp_path: Path) -> None:
    path = write_eml(tmp_path / "mail", _message("clara@example.org"))
    assert path.suffix == ".eml" and path.parent == tmp_path / "mail"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no partial file left behind
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert parsed["To"] == "Clara <clara@example.org>"
