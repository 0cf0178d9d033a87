"""All feedback in one list, whatever the channel: conversations now, comments once they exist.

Each source returns a values() queryset with the same columns (see `COLUMNS`); the overview
is their UNION ALL, sorted and paginated by the database, so it stays one query per page
however many items there are. A further kind of feedback (comments) adds a source function to
`SOURCES`, its statuses and admin link to `ITEM_KINDS` and its channel to `CHANNEL_LABELS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, F, QuerySet, Value
from django.urls import reverse

from feedback.models import Channel, Conversation, ConversationStatus

COLUMNS = ["kind", "object_id", "channel", "created_at", "title", "status", "sender"]


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


SOURCES: list[Callable[[], QuerySet]] = [conversations]


@dataclass(frozen=True)
class ItemKind:
    admin_url_name: str
    statuses: dict[str, Any]


ITEM_KINDS = {
    "conversation": ItemKind(
        "admin:feedback_conversation_change", dict(ConversationStatus.choices)
    ),
}
CHANNEL_LABELS: dict[str, Any] = dict(Channel.choices)


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


def feedback_overview(*, channel: str = "") -> QuerySet:
    """Every piece of feedback, newest first, optionally of one channel only."""
    querysets = [source() for source in SOURCES]
    if channel:
        querysets = [queryset.filter(channel=channel) for queryset in querysets]
    first, *rest = querysets
    return first.union(*rest, all=True).order_by("-created_at")
