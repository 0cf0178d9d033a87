"""Compose the site's mails from templates and queue them for the background worker."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import override

from feedback.tasks import send_email

# RFC 3834: auto-responders (out-of-office replies, mailing-list bots) do not answer a mail
# marked so, which keeps a receipt and an absence notice from mailing each other in a loop.
AUTO_SUBMITTED = {"Auto-Submitted": "auto-generated"}


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
    """Queue a mail for the background worker; every mail of the site goes through here.

    Queued with `transaction.on_commit`, so a rolled-back write sends nothing and no request
    waits on SMTP. A mail is marked `Auto-Submitted: auto-generated` unless `automatic` is
    False, which only a mail a person wrote is: a staff member's answer to a citizen.
    """
    headers = {**(headers or {}), **(AUTO_SUBMITTED if automatic else {})}
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
