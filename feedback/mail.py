"""Compose the site's mails from templates and queue them for the background worker."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import override

from feedback.tasks import send_email


def email_queue(
    *,
    to: str | list[str],
    template: str,
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
    reply_to: list[str] | None = None,
    from_email: str | None = None,
) -> None:
    """Render `feedback/email/<template>_subject.txt` and `…_body.txt`; send after commit.

    Queued with `transaction.on_commit`, so a rolled-back write sends nothing and no request
    waits on SMTP. Mails are German also when the visitor used the English pages: staff answer
    in German, and one conversation should not change its language halfway.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    with override(settings.LANGUAGE_CODE):
        subject = " ".join(
            render_to_string(f"feedback/email/{template}_subject.txt", context).split()
        )
        body = render_to_string(f"feedback/email/{template}_body.txt", context)
    transaction.on_commit(
        lambda: send_email.enqueue(
            subject=subject,
            body=body,
            to=recipients,
            from_email=from_email,
            reply_to=reply_to,
            headers=headers or {},
        ),
        robust=True,
    )
