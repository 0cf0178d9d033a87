"""Background jobs of the feedback app, run by `manage.py db_worker` (django-tasks-db)."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

# Minutes to wait before each new attempt while the SMTP server is unreachable or answers
# "try again later"; after the last delay, attempts go on at that interval.
RETRY_DELAYS = (1, 5, 15, 60, 180, 360, 720)
# Attempts before the task gives up and is recorded as failed (about a week): the mail stays
# in the task results with its error, where Administration sees it — it is never dropped.
MAX_ATTEMPTS = 20


class MailNotDelivered(Exception):
    """The SMTP server stayed unreachable through every attempt."""


def _temporary(error: smtplib.SMTPException) -> bool:
    """A 4xx answer (greylisting, a full queue) means: try again later. 5xx is final."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return True  # lost connection, unexpected reply: the server is not in a state to decide


@task(queue_name="mail")
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
    attempt: int = 1,
) -> str:
    """Send one mail; while the server is unreachable, schedule another attempt with backoff.

    A message the server refused for good (5xx for the sender or every recipient) is not
    retried: repeating it would never succeed and could look like mail-bombing to the
    receiving server. A new attempt is queued only when this one sent nothing, so a mail is
    never sent twice.
    """
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=reply_to,
        headers=headers,
    )
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as error:
        if isinstance(error, smtplib.SMTPException) and not _temporary(error):
            logger.warning("mail to %s refused for good: %s", to, error)
            return "refused"
        if attempt >= MAX_ATTEMPTS:
            logger.error("mail to %s not delivered after %d attempts: %s", to, attempt, error)
            raise MailNotDelivered(f"{attempt} attempts, last error: {error}") from error
        delay = timedelta(minutes=RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1])
        send_email.using(run_after=timezone.now() + delay).enqueue(
            subject=subject,
            body=body,
            to=to,
            from_email=from_email,
            reply_to=reply_to,
            headers=headers,
            attempt=attempt + 1,
        )
        logger.warning("mail to %s failed (attempt %d), retry in %s: %s", to, attempt, delay, error)
        return "retry"
    return "sent"


@task()
def notify_moderators() -> str:
    """Mail the moderators the new pending comments and reports (see `moderators_notify`)."""
    # Imported here: the services module enqueues this task, so it imports this module.
    from feedback.services import moderators_notify

    return moderators_notify()
