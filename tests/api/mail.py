"""Mail in the in-process tier: the app queues ``send_mail`` rows, the test runs them (as the notify
worker would) against the real SMTP server of the session, and reads what it received."""

from __future__ import annotations

import time
from email.message import EmailMessage
from typing import TYPE_CHECKING

from tests.e2e.auth_support import sql
from tests.e2e.mailbox import Mailbox
from tests.inline_worker import run_queued

if TYPE_CHECKING:
    from tests.api.conftest import InlineApi

#: The ``ref`` of every mail an address can get: its account tokens and its notifications.
_REFS_OF = (
    "SELECT t.id FROM account_tokens t JOIN users u ON u.id = t.user_id WHERE lower(u.email) = lower($1)"
    " UNION ALL "
    "SELECT n.id FROM notifications n JOIN users u ON u.id = n.user_id WHERE lower(u.email) = lower($1)"
)


class InlineMailbox:
    """The e2e ``Mailbox`` API, with the queued mail sent from the test before each look."""

    def __init__(self, mailbox: Mailbox, api: InlineApi, database_url: str) -> None:
        self.mailbox = mailbox
        self.api = api
        self.database_url = database_url

    @property
    def refusals(self) -> dict[str, int]:
        return self.mailbox.refusals

    def to(self, address: str) -> list[EmailMessage]:
        """What ``address`` has received once the mail queued for it is sent.

        Only that address's mail (its account tokens and notifications are the mail task's ``ref``): the tier's
        other tests queue hundreds of verification mails nobody reads. An address without an
        account gets every queued mail sent, so a mail wrongly sent to it would show.
        """
        refs = [str(row["id"]) for row in sql(self.database_url, _REFS_OF, address)]
        run_queued(self.api.settings, tasks=("send_mail",), refs=refs or None)
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

    def about(self, address: str, notification_id: str) -> list[EmailMessage]:
        """The mails of one notification (its stable ``Message-ID`` names it) ``address`` received."""
        return [m for m in self.to(address) if f"<notification.{notification_id}@" in str(m["Message-ID"])]
