"""The cached pages that show comments, marked stale when what they show changes.

Comments, their links to measures, privacy erasure and account deletion all change what the
pages of the commented items show; each calls `comments_public_changed` inside its
transaction, and the pages are rebuilt once it commits (`verl_digital.caching.versions`).
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
