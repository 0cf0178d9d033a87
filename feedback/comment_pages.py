"""The cached pages that show comments, marked stale when what they show changes.

Every step that changes what the public sees of comments marks their pages stale: the comment
services (a trusted author's submission, approve, reject, spam, edit, answer, hide, restore,
a report that hides), measure links and privacy erasure call `comments_public_changed` inside
their transaction; account deletion (`feedback.account_services`) bumps the same versions
directly. The pages are rebuilt once the transaction commits (`verl_digital.caching.versions`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from verl_digital.caching.versions import COMMENTS, comments_of, versions_bump

if TYPE_CHECKING:
    from feedback.models import Comment


def comments_public_changed(*comments: Comment) -> None:
    """Cached pages showing these comments' items are rebuilt once the transaction commits."""
    targets = {comments_of(c.content_type_id, c.object_id) for c in comments}
    versions_bump(*targets, COMMENTS)
