"""Queue ``notify``: the ``send_mail`` actor.

The API asks for a mail with an outbox row ``send_mail`` (``jobs.tasks.MailArgs``: kind, ref,
attempt) written in the transaction that makes the mail necessary. The handler builds the message
from the database at send time (a mail that is no longer wanted — token used, replaced or expired,
address verified — is not sent), delivers it (``workers.mail_transport``), and on a transient
failure writes a new outbox row for ``attempt + 1`` due after the task's backoff. Dramatiq's own
retries stay off, as for every actor; heartbeats, hand-back on SIGTERM and the outbox bookkeeping
are ``workers.task_runner``'s.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from collections.abc import Awaitable, Callable
from email.message import EmailMessage

from redis.exceptions import RedisError

from core.account_tokens import RESET_PASSWORD, VERIFY_EMAIL, derive_token
from core.ids import utcnow
from core.mail_message import Recipient, link_with_token, reset_message, verification_message
from core.redis_keys import mail_sent_key
from jobs.fanout import NOTIFICATION_MAIL
from jobs.tasks import SEND_MAIL, MailArgs, enqueue
from storage.repositories.users import AccountTokenRepository, UserRepository
from workers.mail_transport import MailRejected, deliver
from workers.notification_mail import notification_mail
from workers.runtime import WorkerContext, get_context

log = logging.getLogger("cadenza.mail")

#: How long a sent mail is remembered, so a redelivered message does not send it twice.
SENT_MARKER_SECONDS = 3 * 24 * 3600
_HOUR = dt.timedelta(hours=1)
_MINUTE = dt.timedelta(minutes=1)

Composer = Callable[[WorkerContext, str, str], Awaitable[EmailMessage | None]]


async def send_mail(args: MailArgs) -> None:
    """Deliver mail ``kind`` about ``ref`` (e.g. an account token id). Never raises for delivery
    problems: they are retried through the outbox or, if permanent, logged."""
    kind, ref, attempt = args.kind, args.ref, args.attempt
    ctx = await get_context()
    composer = COMPOSERS.get(kind)
    if composer is None:
        log.error("unknown mail kind; dropped", extra={"kind": kind})
        return
    marker = mail_sent_key(kind, ref)
    if await _was_sent(ctx, marker):
        log.info("mail already sent (redelivered message)", extra={"kind": kind, "ref": ref})
        return
    message = await composer(ctx, kind, ref)
    if message is None:
        log.info("mail no longer needed; not sent", extra={"kind": kind, "ref": ref})
        return
    try:
        via = await deliver(ctx.settings, message)
    except MailRejected as exc:
        log.error("mail refused for good", extra={"kind": kind, "ref": ref, "smtp_code": exc.smtp_code})
        return
    except (smtplib.SMTPException, OSError) as exc:
        await _retry_later(ctx, kind, ref, attempt, exc)
        return
    await _mark_sent(ctx, marker)
    log.info("mail sent", extra={"kind": kind, "ref": ref, "via": via, "attempt": attempt})


async def _account_token_mail(ctx: WorkerContext, kind: str, ref: str) -> EmailMessage | None:
    """The verification or reset mail of an account token, if the token is still live."""
    try:
        token_id = uuid.UUID(ref)
    except ValueError:
        return None
    async with ctx.sessions() as session:
        row = await AccountTokenRepository(session).get(token_id)
        if row is None or row.purpose != kind or row.used_at is not None or row.expires_at <= utcnow():
            return None
        user = await UserRepository(session).get(row.user_id)
    if user is None or not user.is_active or (kind == VERIFY_EMAIL and user.email_verified):
        return None
    token = derive_token(ctx.settings.auth.secret_key, row.id, kind)
    to = Recipient(address=user.email, name=user.display_name or user.username)
    lifetime = row.expires_at - row.created_at
    base, sender = ctx.settings.public_base_url, ctx.settings.mail_from
    if kind == VERIFY_EMAIL:
        link = link_with_token(base, "/verify", token)
        return verification_message(sender=sender, to=to, link=link, token=token, hours=round(lifetime / _HOUR))
    link = link_with_token(base, "/reset-password", token)
    return reset_message(sender=sender, to=to, link=link, token=token, minutes=round(lifetime / _MINUTE))


COMPOSERS: dict[str, Composer] = {
    VERIFY_EMAIL: _account_token_mail,
    RESET_PASSWORD: _account_token_mail,
    NOTIFICATION_MAIL: notification_mail,
}


def backoff_seconds(attempt: int) -> float:
    """Delay before attempt ``attempt + 1``: 2 s, 4 s, 8 s … at most 10 minutes."""
    return SEND_MAIL.backoff.delay(attempt + 1)


async def _retry_later(ctx: WorkerContext, kind: str, ref: str, attempt: int, exc: Exception) -> None:
    error = {"kind": kind, "ref": ref, "attempt": attempt, "error": type(exc).__name__}
    if isinstance(exc, smtplib.SMTPResponseException):
        error["smtp_code"] = exc.smtp_code
    if attempt + 1 >= SEND_MAIL.max_attempts:
        log.error("mail not delivered; giving up", extra=error)
        return
    delay = backoff_seconds(attempt)
    log.warning("mail not delivered; will retry", extra={**error, "retry_in": delay})
    # If the database is down too, this raises and the message is lost (logged by Dramatiq);
    # the user can ask for the mail again (resend / forgot).
    async with ctx.sessions.begin() as session:
        again = MailArgs(kind=kind, ref=ref, attempt=attempt + 1)
        enqueue(session, SEND_MAIL, again, available_at=utcnow() + dt.timedelta(seconds=delay))


async def _was_sent(ctx: WorkerContext, marker: str) -> bool:
    try:
        return bool(await ctx.redis.exists(marker))
    except RedisError:
        return False  # at least once: a rare duplicate beats a lost mail


async def _mark_sent(ctx: WorkerContext, marker: str) -> None:
    try:
        await ctx.redis.set(marker, "1", ex=SENT_MARKER_SECONDS)
    except RedisError as exc:
        log.warning("could not record a sent mail", extra={"error": type(exc).__name__})
