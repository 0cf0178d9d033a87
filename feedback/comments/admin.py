"""The moderation queue: the comment list and a comment's page (the moderation log, readers'
reports and rejection reasons are `feedback.comments.log_admin`).

Every change goes through `feedback.comments.services`, never a plain save: bulk actions and
the change form call the services, and the form explains a refused step with the same checks
(`comment_step_check`). Readers' reports are resolved on the comment's page or as actions of
the report list. The queue opens on pending comments,
oldest first (`queue_status`). Comments cannot be added here. The queue loads the commented items
per content type, not per row (see `feedback.admin_tools` for long lists). Citizens' e-mail
addresses (fields and search) are shown only to staff with `feedback.change_comment`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.template.defaultfilters import linebreaks_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from feedback.account_services import user_display_name
from feedback.admin_tools import LargeTablePaginator, ReadOnlyInline
from feedback.cases.admin import DeadlineFilter, due_date_display, outcome_details
from feedback.comments import services
from feedback.comments.admin_actions import moderation_bulk_action
from feedback.comments.admin_filters import ReportedFilter, StatusFilter, TargetFilter, queue_status
from feedback.comments.admin_forms import ANSWER_FIELDS, CommentActionForm, CommentAdminForm
from feedback.measure_links.admin import (
    CommentMeasureLinkInline,
    MeasureFilter,
    measure_link_action,
    measure_links_save,
)
from feedback.models import (
    CaseOutcome,
    Comment,
    CommentReport,
    CommentStatus,
    MeasureLink,
    ModerationAction,
)


def _can_see_addresses(request: HttpRequest) -> bool:
    """Citizens' e-mail addresses are for moderators; editors only read the comments."""
    return request.user.has_perm("feedback.change_comment")


# What only those who may see addresses may filter on: hidden from a form is not enough, since
# `?author_email__startswith=v` spells an address out one character at a time.
ADDRESS_FIELDS = frozenset({"author_email"})


class ModerationActionInline(ReadOnlyInline, admin.TabularInline):
    model = ModerationAction
    fields = ["created_at", "action", "actor_name", "decision_reason", "reason"]
    verbose_name_plural = _("Moderationsprotokoll")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("decision_reason")


class CommentReportInline(ReadOnlyInline, admin.TabularInline):
    model = CommentReport
    fields = ["created_at", "reason", "note", "resolved_at"]


SKIPPED = ngettext_lazy(
    "%(count)d Kommentar wurde übersprungen: Sein Status erlaubt diesen Schritt nicht.",
    "%(count)d Kommentare wurden übersprungen: Ihr Status erlaubt diesen Schritt nicht.",
    "count",
)


def _moderation_action(
    name: str, service: Callable[..., Any], description: Any, done: Any, **options: Any
) -> Callable[[admin.ModelAdmin, HttpRequest, QuerySet], None]:
    """A bulk action on the selected comments (`moderation_bulk_action`)."""
    return moderation_bulk_action(name, service, description, done, skipped=SKIPPED, **options)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    class Media:
        css = {"all": ["css/admin.css"]}

    form = CommentAdminForm
    action_form = CommentActionForm
    list_display = [
        "excerpt",
        "target_link",
        "author_name",
        "status_display",
        "open_reports",
        "due",
        "age",
    ]
    list_display_links = ["excerpt"]
    list_filter = [
        StatusFilter,
        DeadlineFilter,
        TargetFilter,
        ("created_at", admin.DateFieldListFilter),
        ReportedFilter,
        "is_official",
        MeasureFilter,
        "is_demo",
    ]
    list_select_related = ["content_type", "case"]
    list_per_page = 50
    show_full_result_count = False
    paginator = LargeTablePaginator
    # Orders with an index behind them (models.Comment.Meta.indexes), however long the queue:
    # what waits for a moderator oldest first (`get_ordering`), everything else newest first.
    ordering = ["-created_at", "-id"]
    sortable_by = ["status_display", "age"]
    actions = [
        _moderation_action(
            "approve",
            services.comment_approve,
            _("Ausgewählte Kommentare freigeben"),
            ngettext_lazy(
                "%(count)d Kommentar freigegeben.", "%(count)d Kommentare freigegeben.", "count"
            ),
        ),
        _moderation_action(
            "reject",
            services.comment_reject,
            _("Ausgewählte Kommentare ablehnen"),
            ngettext_lazy(
                "%(count)d Kommentar abgelehnt.", "%(count)d Kommentare abgelehnt.", "count"
            ),
            reason_keyword="reason",
        ),
        _moderation_action(
            "mark_spam",
            services.comment_mark_spam,
            _("Ausgewählte Kommentare als Spam markieren"),
            ngettext_lazy(
                "%(count)d Kommentar als Spam markiert.",
                "%(count)d Kommentare als Spam markiert.",
                "count",
            ),
            reason_keyword="reason",
        ),
        _moderation_action(
            "hide",
            services.comment_hide,
            _("Ausgewählte Kommentare ausblenden"),
            ngettext_lazy(
                "%(count)d Kommentar ausgeblendet.", "%(count)d Kommentare ausgeblendet.", "count"
            ),
            reason_keyword="rejection_reason",
        ),
        _moderation_action(
            "restore",
            services.comment_restore,
            _("Ausgewählte Kommentare wieder einblenden"),
            ngettext_lazy(
                "%(count)d Kommentar wieder eingeblendet.",
                "%(count)d Kommentare wieder eingeblendet.",
                "count",
            ),
        ),
        "link_to_measure",
    ]
    inlines = [CommentMeasureLinkInline, CommentReportInline, ModerationActionInline]

    # --- Display ------------------------------------------------------------------------

    def view_on_site(self, comment: Comment) -> str | None:
        # Only a public comment has a place on the site; the others would be a 404.
        return comment.get_absolute_url() if comment.is_public else None

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # A subquery per shown row (not a join and GROUP BY over the whole queue).
        open_reports = (
            CommentReport.objects.open()
            .filter(comment=OuterRef("pk"))
            .order_by()
            .values("comment")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .prefetch_related("target")
            .annotate(
                open_report_count=Coalesce(Subquery(open_reports, output_field=IntegerField()), 0)
            )
        )

    def get_ordering(self, request: HttpRequest) -> list[str]:
        if queue_status(request) == CommentStatus.PENDING:
            return ["created_at", "id"]
        return list(self.ordering)

    @admin.display(description=_("Status"), ordering="status")
    def status_display(self, comment: Comment) -> str:
        if comment.is_hidden:
            return _("%(status)s, ausgeblendet") % {"status": comment.get_status_display()}
        return comment.get_status_display()

    @admin.display(description=_("Meldungen"))
    def open_reports(self, comment: Comment) -> str:
        count = getattr(comment, "open_report_count", 0)
        return str(count) if count else ""

    @admin.display(description=_("Prüfung fällig"))
    def due(self, comment: Comment) -> str:
        case = getattr(comment, "case", None)
        return due_date_display(case) if case is not None and case.status == "received" else "–"

    @admin.display(description=_("Auszug"))
    def excerpt(self, comment: Comment) -> str:
        # A reply has no case (not in *Alle Rückmeldungen*): the queue says what it is.
        if comment.parent_id is not None:
            return _("Antwort: %(excerpt)s") % {"excerpt": comment.excerpt}
        return comment.excerpt

    @admin.display(description=_("Seite"))
    def target_link(self, comment: Comment) -> str:
        target = comment.target
        if target is None:
            return "–"
        return format_html('<a href="{}">{}</a>', target.get_absolute_url(), target)

    @admin.display(description=_("Alter"), ordering="created_at")
    def age(self, comment: Comment) -> str:
        return format_html(
            '<time datetime="{}" title="{}">{}</time>',
            comment.created_at.isoformat(),
            date_format(timezone.localtime(comment.created_at), "SHORT_DATETIME_FORMAT"),
            timesince(comment.created_at, depth=1),
        )

    @admin.display(description=_("Antwort auf"))
    def parent_link(self, comment: Comment) -> str:
        if comment.parent_id is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:feedback_comment_change", args=[comment.parent_id]),
            comment.parent.excerpt,
        )

    @admin.display(description=_("Konto"))
    def account(self, comment: Comment) -> str:
        return user_display_name(comment.user) if comment.user else "–"

    @admin.display(description=_("Offizielle Antwort"))
    def official_answers(self, comment: Comment) -> SafeString:
        """The town's answers as text, each with who wrote it and when, and a link to
        correct it on its own page."""
        return format_html_join(
            "",
            '<div class="official-answer">{}<p class="official-answer-meta">{} · {} · '
            '<a href="{}">{}</a></p></div>',
            (
                (
                    linebreaks_filter(answer.text, autoescape=True),
                    user_display_name(answer.user) if answer.user else answer.author_name,
                    date_format(timezone.localtime(answer.created_at), "SHORT_DATETIME_FORMAT"),
                    reverse("admin:feedback_comment_change", args=[answer.pk]),
                    _("Antwort bearbeiten"),
                )
                for answer in self._answers(comment)
            ),
        )

    @staticmethod
    def _answers(comment: Comment) -> QuerySet:
        return (
            comment.replies.filter(is_official=True)
            .select_related("user")
            .order_by("created_at", "id")
        )

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        if lookup.split(LOOKUP_SEP)[0] in ADDRESS_FIELDS and not _can_see_addresses(request):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        fields = ["text", "author_name"]
        if _can_see_addresses(request):
            fields.append("author_email")
        return fields

    def get_fieldsets(self, request: HttpRequest, obj: Comment | None = None) -> list[Any]:
        about = ["target_link", "parent_link", "author_name", "account", "created_at", "status"]
        if _can_see_addresses(request):
            about.insert(3, "author_email")
        about += ["hidden_at"]
        fieldsets: list[Any] = [
            (None, {"fields": about}),
            (_("Text"), {"fields": ["text", "original_text", "edited_at"]}),
        ]
        if self.has_change_permission(request, obj):
            fieldsets.append(
                (_("Moderation"), {"fields": ["decision", "rejection_reason", "note"]})
            )
        answerable = obj is not None and obj.parent_id is None and not obj.is_official
        if answerable and self._answers(obj).exists():
            fieldsets.append((_("Offizielle Antwort"), {"fields": ["official_answers"]}))
            if self.has_change_permission(request, obj):
                fieldsets.append(
                    (
                        _("Weitere Antwort schreiben"),
                        {"fields": [*ANSWER_FIELDS], "classes": ["collapse"]},
                    )
                )
        elif answerable and self.has_change_permission(request, obj):
            fieldsets.append((_("Offizielle Antwort"), {"fields": [*ANSWER_FIELDS]}))
        fieldsets.append(
            (
                _("Einwilligung und Benachrichtigung"),
                {
                    "fields": ["consent_version", "consented_at", "notify", "moderated_at"],
                    "classes": ["collapse"],
                },
            )
        )
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Comment | None = None) -> list[str]:
        readonly = [
            "target_link",
            "parent_link",
            "author_name",
            "author_email",
            "account",
            "created_at",
            "status",
            "hidden_at",
            "official_answers",
            "original_text",
            "edited_at",
            "consent_version",
            "consented_at",
            "notify",
            "moderated_at",
        ]
        if obj is not None and not obj.is_editable:
            readonly.append("text")
        return readonly

    # --- Permissions ----------------------------------------------------------------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Comments come from citizens; staff answer through a comment's change form.
        return False

    # --- Saving: services only --------------------------------------------------------------

    def save_model(
        self, request: HttpRequest, obj: Comment, form: CommentAdminForm, change: bool
    ) -> None:
        data = form.cleaned_data
        moderator = request.user
        note = data.get("note", "").strip()
        comment = Comment.objects.get(pk=obj.pk)
        try:
            if "text" in form.changed_data:
                comment = services.comment_edit(
                    comment=comment, moderator=moderator, text=data["text"], reason=note
                )
            decision = data.get("decision")
            if decision == "approve":
                services.comment_approve(comment=comment, moderator=moderator, reason=note)
            elif decision == "reject":
                services.comment_reject(
                    comment=comment,
                    moderator=moderator,
                    reason=data.get("rejection_reason"),
                    note=note,
                )
            elif decision == "spam":
                services.comment_mark_spam(
                    comment=comment,
                    moderator=moderator,
                    reason=data.get("rejection_reason"),
                    note=note,
                )
            elif decision == "hide":
                services.comment_hide(
                    comment=comment,
                    moderator=moderator,
                    reason=note,
                    rejection_reason=data.get("rejection_reason"),
                )
            elif decision == "restore":
                services.comment_restore(comment=comment, moderator=moderator, reason=note)
            elif decision == "dismiss":
                services.comment_reports_dismiss(comment=comment, moderator=moderator, reason=note)
            answer = data.get("official_answer", "").strip()
            if answer:
                services.comment_answer(
                    comment=comment,
                    staff=moderator,
                    text=answer,
                    outcome=data.get("outcome") or CaseOutcome.INFORMATION,
                    outcome_details=outcome_details(data),
                )
        except ValidationError as error:
            # Another moderator was quicker; the form's own checks catch everything else.
            messages.error(request, " ".join(error.messages))
        obj.refresh_from_db()

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is MeasureLink:
            measure_links_save(request, formset, comment=form.instance)
        else:
            super().save_formset(request, form, formset, change)

    # --- Bulk actions ---------------------------------------------------------------------

    @admin.action(
        description=_("Ausgewählte Kommentare der gewählten Maßnahme zuordnen"),
        permissions=["change"],
    )
    def link_to_measure(self, request: HttpRequest, queryset: QuerySet) -> None:
        measure_link_action(self, request, queryset, "comment")
