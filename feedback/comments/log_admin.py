"""The moderation log, readers' reports and the list of rejection reasons, in the admin.

The log and the reports are written by the services only, so their lists are read-only.
Moderators resolve reports here as actions, each a logged moderation step on the comment:
the report was unfounded (the comment stays public) or the comment is hidden, for a reason
from the list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from feedback.admin_tools import LargeTablePaginator
from feedback.comments import services
from feedback.comments.admin_actions import moderation_bulk_action, reason_field
from feedback.models import Comment, CommentReport, ModerationAction, RejectionReason


class ReadOnlyAdmin(admin.ModelAdmin):
    """Logs and reports are written by the services only."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


class CommentLogAdmin(ReadOnlyAdmin):
    """Read-only lists of rows about one comment each (log entries, reports)."""

    class Media:
        css = {"all": ["css/admin.css"]}

    list_select_related = ["comment"]
    show_full_result_count = False
    paginator = LargeTablePaginator

    @admin.display(description=_("Kommentar"))
    def comment_link(self, row: ModerationAction | CommentReport) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:feedback_comment_change", args=[row.comment_id]),
            row.comment.excerpt,
        )


@admin.register(ModerationAction)
class ModerationActionAdmin(CommentLogAdmin):
    list_display = [
        "created_at",
        "action",
        "comment_link",
        "actor_name",
        "decision_reason",
        "reason",
    ]
    list_filter = ["action", "decision_reason", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["comment", "decision_reason"]
    search_fields = ["actor_name", "reason"]


class ReportActionForm(ActionForm):
    note = forms.CharField(label=_("Begründung fürs Protokoll"), required=False, max_length=500)
    rejection_reason = reason_field(empty_label=_("– Grund für „Ausblenden“ –"))


def _comments_of_reports(reports: QuerySet) -> QuerySet:
    """Once per comment, whose open reports the step resolves."""
    return Comment.objects.filter(pk__in=reports.values("comment")).order_by("pk")


REPORTS_SKIPPED = ngettext_lazy(
    "%(count)d Kommentar wurde übersprungen: Er hat keine offenen Meldungen mehr oder sein "
    "Status erlaubt diesen Schritt nicht.",
    "%(count)d Kommentare wurden übersprungen: Sie haben keine offenen Meldungen mehr oder ihr "
    "Status erlaubt diesen Schritt nicht.",
    "count",
)


def _report_action(
    name: str, service: Callable[..., Any], description: Any, done: Any, **options: Any
) -> Callable[[admin.ModelAdmin, HttpRequest, QuerySet], None]:
    """A bulk action on the selected reports' comments, with the note for the log."""
    return moderation_bulk_action(
        name,
        service,
        description,
        done,
        skipped=REPORTS_SKIPPED,
        permission="moderate",
        comments=_comments_of_reports,
        with_note=True,
        **options,
    )


@admin.register(CommentReport)
class CommentReportAdmin(CommentLogAdmin):
    """Readers' reports. Moderators resolve them here too: the report was unfounded
    (the comment stays public) or the comment is hidden, each a logged moderation step."""

    list_display = ["reported", "reason", "note", "comment_link", "comment_status", "resolved"]
    list_filter = ["reason", ("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["comment"]
    action_form = ReportActionForm
    actions = [
        _report_action(
            "dismiss_reports",
            services.comment_reports_dismiss,
            _("Meldung zurückweisen (Kommentar bleibt sichtbar)"),
            ngettext_lazy(
                "Meldungen zu %(count)d Kommentar zurückgewiesen.",
                "Meldungen zu %(count)d Kommentaren zurückgewiesen.",
                "count",
            ),
        ),
        _report_action(
            "hide_comments",
            services.comment_hide,
            _("Kommentar ausblenden"),
            ngettext_lazy(
                "%(count)d Kommentar ausgeblendet.", "%(count)d Kommentare ausgeblendet.", "count"
            ),
            reason_keyword="rejection_reason",
        ),
    ]

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("feedback.change_comment")

    @admin.display(description=_("gemeldet am"), ordering="created_at")
    def reported(self, report: CommentReport) -> str:
        return date_format(timezone.localtime(report.created_at), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("erledigt am"), ordering="resolved_at")
    def resolved(self, report: CommentReport) -> str:
        if report.resolved_at is None:
            return "–"
        return date_format(timezone.localtime(report.resolved_at), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("Kommentar ist"))
    def comment_status(self, report: CommentReport) -> str:
        comment = report.comment
        if comment.is_hidden:
            return _("%(status)s, ausgeblendet") % {"status": comment.get_status_display()}
        return comment.get_status_display()


@admin.register(RejectionReason)
class RejectionReasonAdmin(admin.ModelAdmin):
    list_display = ["title", "is_active", "position"]
    list_editable = ["is_active", "position"]
    search_fields = ["title", "text"]
