"""A real SMTP server for the tests (aiosmtpd in a thread) and helpers to read what it received."""

from __future__ import annotations

import email
import email.policy
import re
import threading
import time
from collections import Counter
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.e2e.stack import free_port

#: Recipients whose local part starts with this get ``451`` (try later) on their first RCPT.
TEMPFAIL_PREFIX = "tempfail-"
_TOKEN_IN_TEXT = re.compile(r"enter this code in the app:\s+(\S+)")


class Mailbox:
    """aiosmtpd handler that keeps every delivered message, indexed by recipient."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refusals: Counter[str] = Counter()
        self._changed = threading.Condition()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:  # noqa: N802, ANN401
        if address.startswith(TEMPFAIL_PREFIX) and not self.refusals[address]:
            self.refusals[address] += 1
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802, ANN401
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._changed:
            for rcpt in envelope.rcpt_tos:
                del message["X-Envelope-To"]
                message["X-Envelope-To"] = rcpt
            self.messages.append(message)  # type: ignore[arg-type]
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self._changed:
            return [m for m in self.messages if m["X-Envelope-To"] == address]

    def wait_for(self, address: str, *, count: int = 1, timeout: float = 20.0) -> list[EmailMessage]:
        """The messages delivered to ``address`` once there are at least ``count`` of them."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [m for m in self.messages if m["X-Envelope-To"] == address]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                assert remaining > 0, f"{count} mail(s) to {address} did not arrive in {timeout}s (got {len(found)})"
                self._changed.wait(remaining)


class SmtpServer:
    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()


def bodies(message: EmailMessage) -> tuple[str, str]:
    """(text, html) bodies of a multipart/alternative message."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None, message
    return text.get_content(), html.get_content()


def mailed_token(message: EmailMessage) -> str:
    """The raw token printed in the text body."""
    match = _TOKEN_IN_TEXT.search(bodies(message)[0])
    assert match, bodies(message)[0]
    return match.group(1)
