"""The one way the site sends mail: render, queue after commit, send from the worker.

`email_queue` renders `feedback/email/<template>_subject.txt` and `_body.txt` in German and
hands the mail to `rendered_email_queue`, which enqueues the `send_email` task with
`transaction.on_commit`; allauth's mails join there
(`verl_digital.accounts.adapters.AccountAdapter`). A rolled-back write sends nothing, and no
request waits on SMTP. Every mail is marked `Auto-Submitted: auto-generated` (RFC 3834: an
auto-responder does not answer it) unless a person wrote it: a staff member's answer.
The sender is the town profile's (`strategy.town.town_from_email`), fixed when the mail is
queued; templates get the profile as `town`.

The task runs in the django-tasks-db worker (`manage.py db_worker`). While the server is
unreachable or answers "try again later" (4xx), it queues another attempt of itself after
`RETRY_DELAYS`, then every 12 hours; a new attempt is queued only from one that sent nothing,
so no mail is lost and none is sent twice. After `MAX_ATTEMPTS` it raises
`MailNotDelivered`, so the task result stays in the database as failed, with the mail. A
final refusal (5xx) is not retried. This module imports nothing of the feedback app's
domains: they call it.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import override
from django_tasks import task

from strategy.town import town_from_email, town_profile

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
    mail = {
        "subject": subject,
        "body": body,
        "to": to,
        "from_email": from_email,
        "reply_to": reply_to,
        "headers": headers,
    }
    try:
        EmailMessage(**{**mail, "from_email": from_email or town_from_email()}).send()
    except (OSError, smtplib.SMTPException) as error:
        if isinstance(error, smtplib.SMTPException) and not _temporary(error):
            logger.warning("mail to %s refused for good: %s", to, error)
            return "refused"
        if attempt >= MAX_ATTEMPTS:
            logger.error("mail to %s not delivered after %d attempts: %s", to, attempt, error)
            raise MailNotDelivered(f"{attempt} attempts, last error: {error}") from error
        delay = timedelta(minutes=RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1])
        send_email.using(run_after=timezone.now() + delay).enqueue(**mail, attempt=attempt + 1)
        logger.warning("mail to %s failed (attempt %d), retry in %s: %s", to, attempt, delay, error)
        return "retry"
    return "sent"


# RFC 3834: auto-responders (out-of-office replies, mailing-list bots) do not answer a mail
# marked so, which keeps a receipt and an absence notice from mailing each other in a loop.
AUTO_SUBMITTED = {"Auto-Submitted": "auto-generated"}


def absolute_url(path: str) -> str:
    """A link for a mail: the site's address in front of the path."""
    return f"{settings.SITE_URL}{path}"


def email_queue(
    *,
    to: str | list[str],
    template: str,
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
    reply_to: list[str] | None = None,
    from_email: str | None = None,
    automatic: bool = True,
) -> None:
    """Render `feedback/email/<template>_subject.txt` and `…_body.txt`; send after commit.

    Mails are German also when the visitor used the English pages: staff answer in German,
    and one conversation should not change its language halfway. `automatic` as in
    `rendered_email_queue`.
    """
    context = {"town": town_profile(), **context}
    with override(settings.LANGUAGE_CODE):
        subject = " ".join(
            render_to_string(f"feedback/email/{template}_subject.txt", context).split()
        )
        body = render_to_string(f"feedback/email/{template}_body.txt", context)
    rendered_email_queue(
        subject=subject,
        body=body,
        to=[to] if isinstance(to, str) else list(to),
        from_email=from_email,
        reply_to=reply_to,
        headers=headers,
        automatic=automatic,
    )


def rendered_email_queue(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
    automatic: bool = True,
) -> None:
    """Queue a mail for the worker once the transaction commits; every mail goes through here.

    A mail is marked `Auto-Submitted: auto-generated` unless `automatic` is False, which only
    a mail a person wrote is: a staff member's answer to a citizen.
    """
    headers = {**(headers or {}), **(AUTO_SUBMITTED if automatic else {})}
    from_email = from_email or town_from_email()
    transaction.on_commit(
        lambda: send_email.enqueue(
            subject=subject,
            body=body,
            to=to,
            from_email=from_email,
            reply_to=reply_to,
            headers=headers,
        ),
        robust=True,
    )
