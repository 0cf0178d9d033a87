"""What the feedback app contributes to the site search (registry: strategy/search.py)."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from feedback.models import Comment
from strategy.search import SearchProvider
from strategy.town import town_profile


def _title(comment: Comment) -> str:
    page = comment.target.title if comment.target is not None else ""
    if comment.is_official:
        return gettext("Antwort der %(town)s zu „%(page)s“") % {
            "town": town_profile().name,
            "page": page,
        }
    return gettext("Kommentar von %(name)s zu „%(page)s“") % {
        "name": comment.author_name,
        "page": page,
    }


def comment_provider() -> SearchProvider:
    """Public comments only: approved, not hidden, and on a page the public can see.

    Hits link to the comment's permalink. Comments have no title, so no typo matching.
    """
    return SearchProvider(
        key="feedback.comment",
        label=_("Kommentar"),
        queryset=lambda: Comment.objects.public().on_published_targets(),
        vector="search_vector",
        snippet="text",
        title_field=None,
        date_field="created_at",
        prefetch=("target",),
        title=_title,
    )
