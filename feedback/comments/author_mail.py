"""Mail to a comment's author about their comment: only to a confirmed address that asked for
updates and has not unsubscribed, through `feedback.subscriptions` (and so the outbox)."""

from __future__ import annotations

from typing import Any

from feedback.cases.links import case_absolute_url
from feedback.models import Case, Comment
from feedback.outbox import absolute_url
from feedback.subscriptions.services import comment_author_address, subscriber_notify


def _case_url(comment: Comment) -> str:
    """The link to the case page of a top-level comment, for mails to its author."""
    case = Case.objects.filter(comment=comment).only("pk").first()
    return case_absolute_url(case) if case is not None else ""


def comment_author_notify(*, comment: Comment, template: str, context: dict[str, Any]) -> bool:
    """Mail the author about their comment, only to a confirmed address that opted in.

    Called inside the comment services' transactions: the mail is queued on commit."""
    address = comment_author_address(comment)
    if address is None:
        return False
    subscriber_notify(
        address=address,
        template=template,
        context={
            "comment": comment,
            "comment_url": absolute_url(comment.get_absolute_url()),
            "case_url": _case_url(comment),
            **context,
        },
    )
    return True
