"""The comment list's filters: by commented item, by status (the queue opens on the waiting
comments, `queue_status`) and by open reports."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from feedback.models import Comment, CommentReport, CommentStatus, commentable_models


class TargetFilter(admin.SimpleListFilter):
    """Comments of one content item. Lists only items that have comments."""

    title = _("Seite")
    parameter_name = "ziel"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        choices = []
        for model in commentable_models():
            content_type = ContentType.objects.get_for_model(model)
            has_comments = Comment.objects.filter(
                content_type=content_type, object_id=OuterRef("pk")
            )
            items = model.objects.filter(Exists(has_comments)).order_by("title")
            # Titles only: whole items (with their bodies) for a filter list cost more than
            # the rest of the page.
            for pk, title in items.values_list("pk", "title"):
                choices.append((f"{content_type.pk}-{pk}", title))
        return choices

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.value():
            return queryset
        content_type_id, _dash, object_id = self.value().partition("-")
        if not (content_type_id.isdigit() and object_id.isdigit()):
            return queryset.none()
        return queryset.filter(content_type_id=content_type_id, object_id=object_id)


# The queue's status filter: `?status__exact=…` (the link in the moderators' digest too).
STATUS_PARAMETER = "status__exact"
ALL_STATUSES = "alle"
# Query parameters that only page or sort the list: with nothing else, the queue shows what
# waits for a moderator.
_PAGING_PARAMETERS = frozenset({"o", "p", "e"})


def queue_status(request: HttpRequest) -> str:
    """The status the comment list shows: the one chosen, else "pending" for the bare list.

    A search or another filter looks at every status unless one is chosen, so that
    "mit offenen Meldungen" (approved comments) is not emptied by the default.
    """
    chosen = request.GET.get(STATUS_PARAMETER)
    if chosen:
        return chosen
    if set(request.GET) - _PAGING_PARAMETERS:
        return ALL_STATUSES
    return CommentStatus.PENDING


class StatusFilter(admin.SimpleListFilter):
    """Status, opening on "Wartet auf Prüfung", with "Alle" as a choice of its own."""

    title = _("Status")
    parameter_name = STATUS_PARAMETER

    def __init__(self, request: HttpRequest, *args: Any) -> None:
        self.current = queue_status(request)
        super().__init__(request, *args)

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(CommentStatus.choices)

    def value(self) -> str:
        return self.current

    def choices(self, changelist: Any) -> Any:
        for value, label in [(ALL_STATUSES, _("Alle")), *self.lookup_choices]:
            yield {
                "selected": self.current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.current == ALL_STATUSES:
            return queryset
        if self.current not in CommentStatus.values:
            return queryset.none()
        return queryset.filter(status=self.current)


class ReportedFilter(admin.SimpleListFilter):
    title = _("Meldungen")
    parameter_name = "gemeldet"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("offen", _("mit offenen Meldungen")), ("ausgeblendet", _("ausgeblendet"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "offen":
            open_reports = CommentReport.objects.open().filter(comment=OuterRef("pk"))
            return queryset.filter(Exists(open_reports))
        if self.value() == "ausgeblendet":
            return queryset.filter(hidden_at__isnull=False)
        return queryset
