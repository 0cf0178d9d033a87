"""All feedback in one list, whatever the channel: comments, contact form and e-mail.

Each source returns a values_list() queryset with the same columns in the same order (see
`COLUMNS`; a source may name a column differently when its model has a field of that name,
since UNION matches by position). The overview is their UNION ALL, sorted and paginated by
the database, so it stays one query per page however many items there are. A further kind
of feedback adds a source to `SOURCES`, its statuses, admin link and view permission to
`ITEM_KINDS` and its channel to `CHANNEL_LABELS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Left
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from feedback.models import Channel, Comment, CommentStatus, Conversation, ConversationStatus

COLUMNS = ["kind", "object_id", "channel", "created_at", "title", "status", "sender"]
COMMENT_CHANNEL = "comment"
# The start of a comment's text stands in for the subject it does not have.
COMMENT_TITLE_LENGTH = 200


def conversations() -> QuerySet:
    return (
        Conversation.objects.order_by()
        .annotate(
            kind=Value("conversation", output_field=CharField()),
            object_id=F("pk"),
            title=F("subject"),
            sender=F("contact_email"),
        )
        .values_list(*COLUMNS)
    )


def comments() -> QuerySet:
    """Citizens' comments and replies; the town's official answers are not feedback."""
    return (
        Comment.objects.filter(is_official=False)
        .order_by()
        .annotate(
            kind=Value("comment", output_field=CharField()),
            # `object_id` is the comment's target; the overview wants the comment itself.
            item_id=F("pk"),
            channel=Value(COMMENT_CHANNEL, output_field=CharField()),
            title=Left("text", COMMENT_TITLE_LENGTH),
            # Comments show the public name, not the address (kept for moderators).
            sender=F("author_name"),
        )
        .values_list("kind", "item_id", "channel", "created_at", "title", "status", "sender")
    )


SOURCES: dict[str, Callable[[], QuerySet]] = {
    "conversation": conversations,
    "comment": comments,
}


@dataclass(frozen=True)
class ItemKind:
    admin_url_name: str
    statuses: dict[str, Any]
    permission: str


ITEM_KINDS = {
    "conversation": ItemKind(
        "admin:feedback_conversation_change",
        dict(ConversationStatus.choices),
        "feedback.view_conversation",
    ),
    "comment": ItemKind(
        "admin:feedback_comment_change", dict(CommentStatus.choices), "feedback.view_comment"
    ),
}
CHANNEL_LABELS: dict[str, Any] = {COMMENT_CHANNEL: _("Kommentar"), **dict(Channel.choices)}


@dataclass(frozen=True)
class FeedbackItem:
    kind: str
    object_id: int
    channel: str
    created_at: Any
    title: str
    status: str
    sender: str

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS.get(self.channel, self.channel)

    @property
    def status_label(self) -> str:
        return ITEM_KINDS[self.kind].statuses.get(self.status, self.status)

    @property
    def admin_url(self) -> str:
        return reverse(ITEM_KINDS[self.kind].admin_url_name, args=[self.object_id])


def visible_kinds(user: Any) -> list[str]:
    """The kinds of feedback `user` may see in the admin."""
    return [kind for kind, item_kind in ITEM_KINDS.items() if user.has_perm(item_kind.permission)]


def feedback_overview(*, channel: str = "", kinds: Iterable[str] | None = None) -> QuerySet:
    """Every piece of feedback (of the given kinds), newest first, optionally of one channel."""
    wanted = SOURCES.keys() if kinds is None else kinds
    querysets = [SOURCES[kind]() for kind in wanted]
    if not querysets:
        return conversations().none()
    if channel:
        querysets = [queryset.filter(channel=channel) for queryset in querysets]
    first, *rest = querysets
    return first.union(*rest, all=True).order_by("-created_at")
