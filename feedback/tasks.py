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

# Minutes to wait before each new attempt while the SMTP server is unreachable.
RETRY_DELAYS = (1, 5, 15, 60, 180, 360, 720)


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

    A message the server refused for good (a rejected recipient) is not retried: repeating it
    would never succeed and could look like mail-bombing to the receiving server.
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
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
        logger.warning("mail to %s refused for good: %s", to, error)
        return "refused"
    except (OSError, smtplib.SMTPException) as error:
        if attempt > len(RETRY_DELAYS):
            logger.error("mail to %s given up after %d attempts: %s", to, attempt, error)
            return "given-up"
        delay = timedelta(minutes=RETRY_DELAYS[attempt - 1])
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
