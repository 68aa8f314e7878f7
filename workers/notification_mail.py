"""The ``send_mail`` composer of kind ``notification``: the mail of one notification row.

Built at send time from the database: a recipient gone, deactivated or without a verified
address gets no mail. ``workers.mail_task`` delivers it, retries it and remembers it was sent.
"""

from __future__ import annotations

import uuid
from email.message import EmailMessage

from core.mail_message import Recipient
from core.notification_mail import moment_link, notification_message
from storage.repositories.notifications import NotificationRepository
from storage.repositories.users import UserRepository
from workers.runtime import WorkerContext


async def notification_mail(ctx: WorkerContext, kind: str, ref: str) -> EmailMessage | None:
    try:
        notification_id = uuid.UUID(ref)
    except ValueError:
        return None
    async with ctx.sessions() as session:
        row = await NotificationRepository(session).get(notification_id)
        if row is None:
            return None
        user = await UserRepository(session).get(row.user_id)
    if user is None or not user.is_active or not user.email_verified:
        return None
    return notification_message(
        sender=ctx.settings.mail_from,
        to=Recipient(address=user.email, name=user.display_name or user.username),
        notification_id=str(row.id),
        title=row.title,
        body=row.body,
        link=moment_link(ctx.settings.public_base_url, row.data or {}),
    )
