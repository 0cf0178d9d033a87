"""Comments under any published content item: `{% load feedback_tags %}{% comments_for page %}`.

Content templates use these tags, so Python in the strategy app never imports feedback.
`comments_for` is the only way a page shows comments: the public ones, oldest first,
`COMMENTS_PER_PAGE` a page (`?kommentare=`), their replies and the form; a comment taken off
the page after publication shows as a trace in its place (`CommentQuerySet.listed`). The template caches
the heading and the list as fragments under the item's comment version, the content version,
the page number and the language (`CommentListing.fragment_key`), so the comments are read
only when a fragment is missing; signed-in users, who get no shared page, get their list
from there too. `measure_feedback` is "Ihr Feedback – unsere Maßnahmen" on a measure's page,
a fixed number of queries however many links there are.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.forms import BoundField
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, ngettext

from feedback import receipts
from feedback.cases.selectors import measure_contributions
from feedback.forms import CommentForm
from feedback.models import Comment, MeasureLink
from feedback.receipts import receipt_message, receipt_read
from feedback.text import render_comment_text
from verl_digital.caching import pagecache
from verl_digital.caching.versions import CONTENT, comments_of

register = template.Library()

PAGE_PARAMETER = "kommentare"


class CommentListing:
    """The public comments of one item, page by page; read only when no cached copy is left.

    The template caches its fragments under `fragment_key`, which names the versions of the
    item's comments and of the content: a moderation step or a content change bumps one of
    them (`verl_digital.caching.versions`), so the next request reads afresh.
    """

    def __init__(self, *, target: Model, content_type: ContentType, page_number: str) -> None:
        self.target = target
        self.content_type = content_type
        self.page_number = page_number
        self.tokens = pagecache.depend(comments_of(content_type.pk, target.pk), CONTENT)
        self.timeout = settings.PAGE_CACHE_TIMEOUT

    @property
    def fragment_key(self) -> str:
        parts = [get_language(), str(self.content_type.pk), str(self.target.pk), self.page_number]
        return ":".join([*parts, *self.tokens.values()])

    @cached_property
    def public(self) -> QuerySet[Comment]:
        return Comment.objects.public().filter(
            content_type=self.content_type, object_id=self.target.pk
        )

    @cached_property
    def count(self) -> int:
        """Citizens' comments and replies; the town's answers are not counted as comments."""
        return self.public.filter(is_official=False).count()

    @cached_property
    def page(self) -> Page:
        """Public comments and the traces of removed ones (`listed`), each with its public
        replies and the traces of removed replies."""
        listed = Comment.objects.listed().filter(
            content_type=self.content_type, object_id=self.target.pk
        )
        top_level = listed.top_level().prefetch_related(
            Prefetch(
                "replies",
                queryset=Comment.objects.listed().order_by("created_at", "id"),
                to_attr="public_replies",
            )
        )
        return Paginator(top_level, settings.COMMENTS_PER_PAGE).get_page(self.page_number)

    @cached_property
    def page_links(self) -> list[int | None]:
        """Page numbers around the current one and at both ends; None stands for a gap.

        A page with thousands of comments links a dozen pages, not hundreds.
        """
        numbers = self.page.paginator.get_elided_page_range(
            self.page.number, on_each_side=2, on_ends=1
        )
        return [number if isinstance(number, int) else None for number in numbers]


@register.inclusion_tag("feedback/includes/comments.html", takes_context=True)
def comments_for(context: template.Context, target: Model) -> dict[str, Any]:
    """The approved comments (oldest first, 50 a page), their replies, and the form."""
    request = context["request"]
    if not getattr(target, "takes_comments", True):
        return {"takes_comments": False}  # the legal pages: no comments, no form
    content_type = ContentType.objects.get_for_model(target)
    # Only digits name a page; anything else is the first page.
    page_number = request.GET.get(PAGE_PARAMETER, "")[:6]
    is_published = getattr(target, "is_published", False)
    listing = CommentListing(
        target=target,
        content_type=content_type,
        page_number=page_number if page_number.isdigit() else "1",
    )
    if PAGE_PARAMETER in request.GET:
        # Any number names a page (past the end: the last); only its real number is kept.
        pagecache.keep_page_number(request, PAGE_PARAMETER, listing.page.number)
        listing.page_number = str(listing.page.number)
    return {
        "takes_comments": True,
        "request": request,
        "town": context.get("town"),  # official answers are signed with the town's name
        "user": request.user,
        "target": target,
        "listing": listing,
        "page_parameter": PAGE_PARAMETER,
        "receipt": receipt_message(
            receipt_read(request.GET.get(receipts.PARAMETER)), target=target
        ),
        "is_published": is_published,
        "form": CommentForm(user=request.user) if is_published else None,
        "form_action": reverse(
            "feedback:comment_create",
            kwargs={"content_type_id": content_type.pk, "object_id": target.pk},
        ),
    }


# Linked public comments shown on a measure's page; the rest are counted.
MEASURE_COMMENTS_SHOWN = 20


@register.inclusion_tag("feedback/includes/measure_feedback.html")
def measure_feedback(measure: Model) -> dict[str, Any]:
    """ "Ihr Feedback – unsere Maßnahmen": how much feedback is linked to the measure, and the
    public part of it (those in the measure's own discussion only counted, so no comment is
    shown twice); and how many cases flowed into it (outcome "aufgenommen"), with links to
    the public comments among them. Five queries however many there are."""
    counts = MeasureLink.objects.filter(measure=measure).counts()
    public = (
        Comment.objects.public()
        .on_published_targets()
        .filter(measure_links__measure=measure)
        .order_by("-created_at", "-id")
    )
    # Linked comments on the measure's own page stand in its discussion below: counted and
    # pointed to here, not shown twice.
    on_this_page = Q(content_type=ContentType.objects.get_for_model(measure), object_id=measure.pk)
    numbers = public.aggregate(all=Count("pk"), here=Count("pk", filter=on_this_page))
    public_count, here_count = numbers["all"], numbers["here"]
    elsewhere = public.exclude(on_this_page)
    elsewhere_count = public_count - here_count
    adopted_count, adopted_public = measure_contributions(measure)
    return {
        "measure": measure,
        "adopted_count": adopted_count,
        "adopted_public": list(adopted_public[:MEASURE_COMMENTS_SHOWN]) if adopted_count else [],
        "comment_count": counts["comments"],
        "conversation_count": counts["conversations"],
        "total": counts["comments"] + counts["conversations"],
        "public_count": public_count,
        "here_count": here_count,
        "public_comments": list(elsewhere[:MEASURE_COMMENTS_SHOWN]) if elsewhere_count else [],
        "more": max(0, elsewhere_count - MEASURE_COMMENTS_SHOWN),
    }


def _decimal(value: float) -> str:
    """One decimal in German notation, without a trailing ",0"."""
    rounded = round(value, 1)
    return number_format(rounded, decimal_pos=0 if rounded == int(rounded) else 1)


@register.filter
def duration(value: timedelta | None) -> str:
    """A waiting time for people: "45 Minuten", "2,5 Stunden", "3 Tage"; "–" without data."""
    if value is None:
        return "–"
    minutes = value.total_seconds() / 60
    if minutes < 1:
        return gettext("unter einer Minute")
    if minutes < 60:
        count = round(minutes)
        return ngettext("%(count)s Minute", "%(count)s Minuten", count) % {"count": count}
    hours = minutes / 60
    if hours < 48:
        text = _decimal(hours)
        return ngettext("%(count)s Stunde", "%(count)s Stunden", 1 if text == "1" else 2) % {
            "count": text
        }
    return gettext("%(count)s Tage") % {"count": _decimal(hours / 24)}


@register.filter
def percent(share: float | None) -> str:
    """A share as a whole percentage in German notation ("67 %"); "–" without data."""
    if share is None:
        return "–"
    return f"{number_format(round(share * 100))}\u00a0%"


@register.filter
def comment_text(text: str) -> SafeString:
    """A citizen's plain text as safe HTML: paragraphs and nofollow links, nothing else."""
    return render_comment_text(text or "")


@register.filter
def described(field: BoundField) -> SafeString:
    """The field's widget, tied to its help text and error message for screen readers."""
    widget_id = field.id_for_label
    described_by = []
    attrs: dict[str, str] = {}
    if field.help_text:
        described_by.append(f"{widget_id}_helptext")
    if field.errors:
        described_by.append(f"{widget_id}_error")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)
