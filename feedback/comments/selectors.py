"""Reads about comments that are more than a QuerySet method (those are on `CommentQuerySet`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Model, Q

from feedback.models import Comment, CommentStatus


def comment_page_number(*, comment: Comment, target: Model) -> int:
    """The page of the target's comment list that shows `comment` (a reply: its parent's,
    which may be a trace)."""
    top = comment.parent or comment
    before = (
        Comment.objects.listed()
        .for_target(target)
        .top_level()
        .filter(Q(created_at__lt=top.created_at) | Q(created_at=top.created_at, pk__lt=top.pk))
        .count()
    )
    return before // settings.COMMENTS_PER_PAGE + 1


def author_is_trusted(*, user: Any) -> bool:
    """Whether a new comment of this account is published at once: the setting is on, and
    the account has approved comments and none rejected or marked as spam."""
    if not (settings.COMMENTS_TRUST_APPROVED_AUTHORS and user is not None):
        return False
    earlier = Comment.objects.filter(user=user, is_official=False)
    return (
        earlier.approved().exists()
        and not earlier.filter(status__in=[CommentStatus.REJECTED, CommentStatus.SPAM]).exists()
    )
