"""Mail in the in-process tier: the app queues ``send_mail`` rows, the test runs them (as the notify
worker would) against the real SMTP server of the session, and reads what it received."""

from __future__ import annotations

import time
from email.message import EmailMessage
from typing import TYPE_CHECKING

from tests.e2e.mailbox import Mailbox

if TYPE_CHECKING:
    from tests.api.conftest import InlineApi


class InlineMailbox:
    """The e2e ``Mailbox`` API, with the queued mail sent from the test before each look."""

    def __init__(self, mailbox: Mailbox, api: InlineApi) -> None:
        self.mailbox = mailbox
        self.api = api

    @property
    def refusals(self) -> dict[str, int]:
        return self.mailbox.refusals

    def to(self, address: str) -> list[EmailMessage]:
        self.api.run_tasks("send_mail")
        return self.mailbox.to(address)

    def wait_for(self, address: str, *, count: int = 1, timeout: float = 20.0) -> list[EmailMessage]:
        """The messages delivered to ``address`` once there are at least ``count`` of them.

        A delivery the server refused for now is retried after its backoff (seconds), as in
        production: until then its row is not due, so this keeps running due rows meanwhile.
        """
        deadline = time.monotonic() + timeout
        while len(found := self.to(address)) < count:
            assert time.monotonic() < deadline, f"{count} mail(s) to {address} did not arrive in {timeout}s"
            time.sleep(0.1)
        return found
