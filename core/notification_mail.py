"""The mail of a notification (text and HTML parts), with a link to the moment it is about.

Pure: the ``send_mail`` task's ``notification`` composer (``workers.notification_mail``) reads
the row and the recipient and calls ``notification_message``. The Message-ID is derived from the
notification's id, so a mail sent twice (a worker killed after the SMTP session, before its
"sent" marker) is recognisable as the same message by mail clients and by the recipient.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

from core.mail_message import Recipient, new_message, sender_domain


def moment_link(base_url: str, data: Mapping[str, Any]) -> str:
    """Where the notification leads: the recording, at ``at_seconds`` when there is one
    (``/recordings/{id}?t=83.5``), else the app's home page."""
    base = base_url.rstrip("/")
    recording_id = data.get("recording_id")
    if not recording_id:
        return f"{base}/"
    link = f"{base}/recordings/{recording_id}"
    at = data.get("at_seconds")
    if isinstance(at, int | float) and not isinstance(at, bool) and math.isfinite(at) and at >= 0:
        link += "?t=" + (f"{float(at):.3f}".rstrip("0").rstrip("."))
    return link


def message_id(notification_id: str, sender: str) -> str:
    return f"<notification.{notification_id}@{sender_domain(sender)}>"


def notification_message(
    *, sender: str, to: Recipient, notification_id: str, title: str, body: str | None, link: str
) -> EmailMessage:
    msg = new_message(sender=sender, to=to, subject=title, message_id=message_id(notification_id, sender))
    text_body = f"\n{body}\n" if body else ""
    msg.set_content(
        f"Hello {to.name},\n\n{title}\n{text_body}\nOpen it in Cadenza:\n{link}\n\n"
        "You can choose which notifications reach you by mail in your notification settings.\n\n-- \nCadenza\n"
    )
    e = html.escape
    body_html = f"<p>{e(body)}</p>" if body else ""
    msg.add_alternative(
        f"""<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.5">
<p>Hello {e(to.name)},</p>
<p><strong>{e(title)}</strong></p>
{body_html}
<p><a href="{e(link, quote=True)}">Open it in Cadenza</a></p>
<p style="color: #555">You can choose which notifications reach you by mail in your notification settings.</p>
<p>&mdash; Cadenza</p>
</body></html>
""",
        subtype="html",
    )
    return msg
