"""The moderation queue. Every change goes through feedback.services, never a plain save."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaks_filter
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import smart_split, unescape_string_literal
from django.utils.timesince import timesince
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from feedback import privacy, services
from feedback.models import (
    AnswerTemplate,
    Attachment,
    Comment,
    CommentReport,
    CommentStatus,
    ConfirmedAddress,
    Conversation,
    ConversationStatus,
    Direction,
    MeasureLink,
    Message,
    ModerationAction,
    PrivacyRequest,
    RejectionReason,
    Topic,
    commentable_models,
)
from feedback.overview import CHANNEL_LABELS, FeedbackItem, feedback_overview, visible_kinds
from feedback.services import (
    answer_subject,
    conversation_answer,
    conversation_assign,
    conversation_edit,
    conversation_set_status,
    conversation_status_check,
)
from feedback.text import clean_text
from strategy.base import TransitionNotAllowed
from strategy.models import Measure


class LargeTablePaginator(Paginator):
    """Exact counts for short lists; PostgreSQL's estimate for long ones.

    A COUNT(*) over a million comments costs a good part of a second on every view of the
    queue. Up to `EXACT_LIMIT` rows the list is counted exactly (the count stops there, so
    its cost is bounded); beyond, the number shown is the planner's estimate: the table's
    row estimate (`pg_class.reltuples`) when nothing is filtered, otherwise EXPLAIN's.
    """

    EXACT_LIMIT = 10_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        bounded = queryset[: self.EXACT_LIMIT + 1].count()
        if bounded <= self.EXACT_LIMIT:
            return bounded
        return max(bounded, self._estimate(queryset))

    @staticmethod
    def _estimate(queryset: QuerySet) -> int:
        with connections[queryset.db].cursor() as cursor:
            if not queryset.query.where and not queryset.query.combinator:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                return cursor.fetchone()[0]
            sql, params = queryset.query.sql_with_params()
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            return int(plan[0]["Plan"]["Plan Rows"])


def _can_see_addresses(request: HttpRequest) -> bool:
    """Citizens' e-mail addresses are for moderators; editors only read the comments."""
    return request.user.has_perm("feedback.change_comment")


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


class MeasureFilter(admin.SimpleListFilter):
    """Feedback linked to one measure; lists only measures with links of this kind."""

    title = _("Maßnahme")
    parameter_name = "massnahme"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        item = model_admin.model._meta.model_name  # "comment" or "conversation"
        links = MeasureLink.objects.filter(**{f"{item}__isnull": False})
        measures = Measure.objects.filter(Exists(links.filter(measure=OuterRef("pk"))))
        return [(str(measure.pk), measure.title) for measure in measures.order_by("title")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.value():
            return queryset
        if not self.value().isdigit():
            return queryset.none()
        links = MeasureLink.objects.filter(measure_id=self.value())
        item = queryset.model._meta.model_name
        return queryset.filter(Exists(links.filter(**{item: OuterRef("pk")})))


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


class MeasureChoiceField(forms.ModelChoiceField):
    """All measures, named with their action field; a plain select that works without JS."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=Measure.objects.select_related("action_field"),
            required=False,
            label=_("Maßnahme"),
            empty_label=_("– Maßnahme für „Zuordnen“ –"),
            **kwargs,
        )

    def label_from_instance(self, measure: Measure) -> str:
        return f"{measure.action_field.title} › {measure.title}"


class MeasureLinkActionForm(ActionForm):
    measure = MeasureChoiceField()


class CommentActionForm(MeasureLinkActionForm):
    rejection_reason = forms.ModelChoiceField(
        queryset=RejectionReason.objects.filter(is_active=True),
        required=False,
        label=_("Ablehnungsgrund"),
        empty_label=_("– Grund für „Ablehnen“ –"),
    )


class MeasureLinkFormSet(BaseInlineFormSet):
    """Links are added and removed through the services; the parent is checked here first,
    so a refused link is a form error, not a message after saving."""

    def clean(self) -> None:
        super().clean()
        parent = self.instance
        adding = any(
            form.has_changed() and not form.cleaned_data.get("DELETE", False)
            for form in self.extra_forms
            if hasattr(form, "cleaned_data")
        )
        if (
            adding
            and isinstance(parent, Comment)
            and (parent.is_official or parent.status == CommentStatus.SPAM)
        ):
            raise ValidationError(
                _("Spam und Antworten der Stadt werden keiner Maßnahme zugeordnet.")
            )


class MeasureLinkInline(admin.TabularInline):
    """The measures a comment or conversation is linked to ("Ihr Feedback – unsere Maßnahmen").

    Linking is part of handling the feedback, so it needs the right to change the comment or
    conversation, not a permission of its own.
    """

    model = MeasureLink
    formset = MeasureLinkFormSet
    extra = 0
    fields = ["measure", "linked_by", "created_at"]
    readonly_fields = ["linked_by", "created_at"]
    verbose_name = _("Maßnahme")
    verbose_name_plural = _("Ihr Feedback – unsere Maßnahmen: zugeordnete Maßnahmen")

    def get_autocomplete_fields(self, request: HttpRequest) -> list[str]:
        # The search endpoint needs permission to view measures; without it, a plain select.
        return ["measure"] if request.user.has_perm("strategy.view_measure") else []

    def _parent_perm(self, request: HttpRequest, action: str) -> bool:
        return request.user.has_perm(f"feedback.{action}_{self.parent_model._meta.model_name}")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent_perm(request, "view") or self._parent_perm(request, "change")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent_perm(request, "change")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a link is removed and added anew, never edited

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent_perm(request, "change")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("measure", "linked_by")


class CommentMeasureLinkInline(MeasureLinkInline):
    fk_name = "comment"


class ConversationMeasureLinkInline(MeasureLinkInline):
    fk_name = "conversation"


def _measure_links_save(request: HttpRequest, formset: Any, **item: Any) -> None:
    """Save the link inline's changes through the services (never the formset's own save)."""
    formset.save(commit=False)  # works out new and deleted rows for the admin's change log
    for link in formset.new_objects:
        services.measure_link_create(measure=link.measure, linked_by=request.user, **item)
    for link in formset.deleted_objects:
        services.measure_link_delete(link=link)


def _measure_link_action(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, item: str
) -> None:
    measure_id = request.POST.get("measure", "")
    measure = Measure.objects.filter(pk=measure_id).first() if measure_id.isdigit() else None
    if measure is None:
        modeladmin.message_user(request, _("Bitte wählen Sie eine Maßnahme."), messages.ERROR)
        return
    linked = refused = 0
    for obj in queryset:
        try:
            services.measure_link_create(measure=measure, linked_by=request.user, **{item: obj})
        except ValidationError:
            refused += 1
        else:
            linked += 1
    if linked:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d Rückmeldung der Maßnahme „%(measure)s“ zugeordnet.",
                "%(count)d Rückmeldungen der Maßnahme „%(measure)s“ zugeordnet.",
                linked,
            )
            % {"count": linked, "measure": measure.title},
            messages.SUCCESS,
        )
    if refused:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d Rückmeldung wurde nicht zugeordnet (Spam oder Antwort der Stadt).",
                "%(count)d Rückmeldungen wurden nicht zugeordnet (Spam oder Antworten der Stadt).",
                refused,
            )
            % {"count": refused},
            messages.WARNING,
        )


class CommentTextField(forms.CharField):
    """Browsers send CRLF; compared as stored, so an untouched text never counts as edited."""

    def to_python(self, value: Any) -> str:
        return clean_text(super().to_python(value))


class CommentAdminForm(forms.ModelForm):
    """The text can be corrected; every other change is a moderation step chosen below."""

    DECISIONS = [
        ("", _("– keine Statusänderung –")),
        ("approve", _("Freigeben")),
        ("reject", _("Ablehnen")),
        ("spam", _("Als Spam markieren")),
        ("hide", _("Ausblenden")),
        ("restore", _("Wieder einblenden")),
    ]

    decision = forms.ChoiceField(label=_("Moderation"), choices=DECISIONS, required=False)
    rejection_reason = forms.ModelChoiceField(
        queryset=RejectionReason.objects.filter(is_active=True),
        required=False,
        label=_("Ablehnungsgrund"),
        help_text=_(
            "Wird der Verfasserin oder dem Verfasser gemailt, wenn Benachrichtigungen gewünscht und bestätigt sind."
        ),
    )
    note = forms.CharField(
        label=_("Begründung fürs Protokoll"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    official_answer = forms.CharField(
        label=_("Antwort der Stadt Verl"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Erscheint sofort hervorgehoben unter dem Kommentar (nur bei freigegebenen Kommentaren)."
        ),
    )

    class Meta:
        model = Comment
        fields = ["text"]
        field_classes = {"text": CommentTextField}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        comment = self.instance
        decision = cleaned.get("decision")
        if decision:
            try:
                services.comment_step_check(comment=comment, step=decision)
            except TransitionNotAllowed as error:
                self.add_error("decision", error)
        if decision == "reject" and not cleaned.get("rejection_reason"):
            self.add_error("rejection_reason", _("Bitte wählen Sie einen Ablehnungsgrund."))
        if "text" in self.changed_data and not comment.is_editable:
            self.add_error("text", _("Abgelehnte Kommentare und Spam werden nicht bearbeitet."))
        answer = cleaned.get("official_answer", "").strip()
        if answer:
            will_be_approved = decision == "approve" or (
                comment.status == CommentStatus.APPROVED and decision not in {"reject", "spam"}
            )
            if not (will_be_approved and comment.parent_id is None and not comment.is_official):
                self.add_error(
                    "official_answer",
                    _("Nur freigegebene Kommentare (keine Antworten) können beantwortet werden."),
                )
        return cleaned


class ModerationActionInline(admin.TabularInline):
    model = ModerationAction
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "actor_name", "reason"]
    readonly_fields = fields
    verbose_name_plural = _("Moderationsprotokoll")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CommentReportInline(admin.TabularInline):
    model = CommentReport
    extra = 0
    can_delete = False
    fields = ["created_at", "reason", "note", "resolved_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _bulk(
    request: HttpRequest,
    queryset: QuerySet,
    step: Callable[[Comment], Any],
    done: Callable[[int], str],
) -> None:
    """Apply one service per comment; refused steps are counted, not fatal."""
    succeeded = skipped = 0
    for comment in queryset:
        try:
            step(comment)
        except ValidationError:
            skipped += 1
        else:
            succeeded += 1
    if succeeded:
        messages.success(request, done(succeeded))
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)d Kommentar wurde übersprungen: Sein Status erlaubt diesen Schritt nicht.",
                "%(count)d Kommentare wurden übersprungen: Ihr Status erlaubt diesen Schritt nicht.",
                skipped,
            )
            % {"count": skipped},
        )


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    form = CommentAdminForm
    action_form = CommentActionForm
    list_display = ["excerpt", "target_link", "author_name", "status", "hidden", "age"]
    list_display_links = ["excerpt"]
    list_filter = [
        "status",
        TargetFilter,
        ("created_at", admin.DateFieldListFilter),
        ReportedFilter,
        "is_official",
        MeasureFilter,
        "is_demo",
    ]
    list_select_related = ["content_type"]
    list_per_page = 50
    show_full_result_count = False
    paginator = LargeTablePaginator
    # Orders with an index behind them (models.Comment.Meta.indexes), however long the queue.
    ordering = ["-created_at", "-id"]
    sortable_by = ["status", "age"]
    actions = ["approve", "reject", "mark_spam", "hide", "restore", "link_to_measure"]
    inlines = [CommentMeasureLinkInline, CommentReportInline, ModerationActionInline]

    # --- Display ------------------------------------------------------------------------

    def view_on_site(self, comment: Comment) -> str | None:
        # Only a public comment has a place on the site; the others would be a 404.
        return comment.get_absolute_url() if comment.is_public else None

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("target")

    @admin.display(description=_("Auszug"))
    def excerpt(self, comment: Comment) -> str:
        return comment.excerpt

    @admin.display(description=_("Seite"))
    def target_link(self, comment: Comment) -> str:
        target = comment.target
        if target is None:
            return "–"
        return format_html('<a href="{}">{}</a>', target.get_absolute_url(), target)

    @admin.display(description=_("ausgeblendet"), boolean=True)
    def hidden(self, comment: Comment) -> bool:
        return comment.hidden_at is not None

    @admin.display(description=_("Alter"), ordering="created_at")
    def age(self, comment: Comment) -> str:
        return format_html(
            '<time datetime="{}" title="{}">{}</time>',
            comment.created_at.isoformat(),
            date_format(timezone.localtime(comment.created_at), "SHORT_DATETIME_FORMAT"),
            timesince(comment.created_at),
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

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        fields = ["text", "author_name"]
        if _can_see_addresses(request):
            fields.append("author_email")
        return fields

    def get_fieldsets(self, request: HttpRequest, obj: Comment | None = None) -> list[Any]:
        about = ["target_link", "parent_link", "author_name", "user", "created_at", "status"]
        if _can_see_addresses(request):
            about.insert(3, "author_email")
        about += ["hidden_at", "is_official"]
        fieldsets: list[Any] = [
            (None, {"fields": about}),
            (_("Text"), {"fields": ["text", "original_text", "edited_at"]}),
        ]
        if self.has_change_permission(request, obj):
            fieldsets.append(
                (_("Moderation"), {"fields": ["decision", "rejection_reason", "note"]})
            )
            if obj is not None and obj.parent_id is None and not obj.is_official:
                fieldsets.append((_("Antwort der Stadt Verl"), {"fields": ["official_answer"]}))
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
            "user",
            "created_at",
            "status",
            "hidden_at",
            "is_official",
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
                services.comment_mark_spam(comment=comment, moderator=moderator, note=note)
            elif decision == "hide":
                services.comment_hide(comment=comment, moderator=moderator, reason=note)
            elif decision == "restore":
                services.comment_restore(comment=comment, moderator=moderator, reason=note)
            answer = data.get("official_answer", "").strip()
            if answer:
                services.comment_answer(comment=comment, staff=moderator, text=answer)
        except ValidationError as error:
            # Another moderator was quicker; the form's own checks catch everything else.
            messages.error(request, " ".join(error.messages))
        obj.refresh_from_db()

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is MeasureLink:
            _measure_links_save(request, formset, comment=form.instance)
        else:
            super().save_formset(request, form, formset, change)

    # --- Bulk actions ---------------------------------------------------------------------

    @admin.action(
        description=_("Ausgewählte Kommentare der gewählten Maßnahme zuordnen"),
        permissions=["change"],
    )
    def link_to_measure(self, request: HttpRequest, queryset: QuerySet) -> None:
        _measure_link_action(self, request, queryset, "comment")

    @admin.action(description=_("Ausgewählte Kommentare freigeben"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        _bulk(
            request,
            queryset,
            lambda c: services.comment_approve(comment=c, moderator=request.user),
            lambda n: (
                ngettext("%(count)d Kommentar freigegeben.", "%(count)d Kommentare freigegeben.", n)
                % {"count": n}
            ),
        )

    @admin.action(description=_("Ausgewählte Kommentare ablehnen"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet) -> None:
        reason_id = request.POST.get("rejection_reason", "")
        reason = (
            RejectionReason.objects.filter(is_active=True, pk=reason_id).first()
            if reason_id.isdigit()
            else None
        )
        if reason is None:
            messages.error(request, _("Bitte wählen Sie einen Ablehnungsgrund."))
            return
        _bulk(
            request,
            queryset,
            lambda c: services.comment_reject(comment=c, moderator=request.user, reason=reason),
            lambda n: (
                ngettext("%(count)d Kommentar abgelehnt.", "%(count)d Kommentare abgelehnt.", n)
                % {"count": n}
            ),
        )

    @admin.action(
        description=_("Ausgewählte Kommentare als Spam markieren"), permissions=["change"]
    )
    def mark_spam(self, request: HttpRequest, queryset: QuerySet) -> None:
        _bulk(
            request,
            queryset,
            lambda c: services.comment_mark_spam(comment=c, moderator=request.user),
            lambda n: (
                ngettext(
                    "%(count)d Kommentar als Spam markiert.",
                    "%(count)d Kommentare als Spam markiert.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Ausgewählte Kommentare ausblenden"), permissions=["change"])
    def hide(self, request: HttpRequest, queryset: QuerySet) -> None:
        _bulk(
            request,
            queryset,
            lambda c: services.comment_hide(comment=c, moderator=request.user),
            lambda n: (
                ngettext(
                    "%(count)d Kommentar ausgeblendet.", "%(count)d Kommentare ausgeblendet.", n
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Ausgewählte Kommentare wieder einblenden"), permissions=["change"])
    def restore(self, request: HttpRequest, queryset: QuerySet) -> None:
        _bulk(
            request,
            queryset,
            lambda c: services.comment_restore(comment=c, moderator=request.user),
            lambda n: (
                ngettext(
                    "%(count)d Kommentar wieder eingeblendet.",
                    "%(count)d Kommentare wieder eingeblendet.",
                    n,
                )
                % {"count": n}
            ),
        )


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
    list_display = ["created_at", "action", "comment_link", "actor_name", "reason"]
    list_filter = ["action", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["actor_name", "reason"]


@admin.register(CommentReport)
class CommentReportAdmin(CommentLogAdmin):
    list_display = ["created_at", "reason", "comment_link", "resolved_at"]
    list_filter = ["reason", ("resolved_at", admin.EmptyFieldListFilter)]


@admin.register(RejectionReason)
class RejectionReasonAdmin(admin.ModelAdmin):
    list_display = ["title", "is_active", "position"]
    list_editable = ["is_active", "position"]
    search_fields = ["title", "text"]


@admin.register(ConfirmedAddress)
class ConfirmedAddressAdmin(admin.ModelAdmin):
    list_display = ["email", "confirmed_at", "notify", "unsubscribed_at"]
    list_filter = ["notify"]
    search_fields = ["email"]
    readonly_fields = ["email", "confirmed_at", "unsubscribed_at"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name"]


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    search_fields = ["name", "text"]


class MessageInline(admin.StackedInline):
    """The conversation's messages in order, as they were: nothing here can be edited."""

    model = Message
    extra = 0
    can_delete = False
    fields = ["summary", "body", "attachment_list"]
    readonly_fields = fields
    verbose_name_plural = _("Verlauf")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Message]:
        return (
            super().get_queryset(request).select_related("author").prefetch_related("attachments")
        )

    @admin.display(description=_("Nachricht"))
    def summary(self, message: Message) -> SafeString:
        when = message.sent_at or message.created_at
        sender = (
            f"{message.from_name} <{message.from_address}>"
            if message.from_name
            else message.from_address
        )
        if message.direction == Direction.OUT and message.author:
            sender = f"{message.author.get_full_name() or message.author.get_username()} ({sender})"
        return format_html(
            "<strong>{}</strong> · {}<br>{}: {}<br>{}: {}<br>{}: {}",
            message.get_direction_display(),
            date_format(localtime(when), "SHORT_DATETIME_FORMAT") if when else "–",
            _("Von"),
            sender,
            _("An"),
            message.to or "–",
            _("Betreff"),
            message.subject or "–",
        )

    @admin.display(description=_("Text"))
    def body(self, message: Message) -> SafeString:
        # Citizens' text is shown as text: escaped, with its line breaks.
        return format_html(
            '<div class="inbox-text">{}</div>', linebreaks_filter(message.text, autoescape=True)
        )

    @admin.display(description=_("Anhänge"))
    def attachment_list(self, message: Message) -> SafeString:
        links = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({}, {} KB)</li>',
            (
                (
                    reverse("admin:feedback_conversation_attachment", args=[item.pk]),
                    item.filename,
                    item.content_type,
                    max(1, round(item.size / 1024)),
                )
                for item in message.attachments.all()
            ),
        )
        dropped = format_html_join(
            "",
            "<li>{}: {}</li>",
            ((_("nicht übernommen"), note) for note in message.dropped_attachments),
        )
        if not links and not dropped:
            return format_html("{}", "–")
        return format_html("<ul>{}{}</ul>", links, dropped)


class ConversationForm(forms.ModelForm):
    class Meta:
        model = Conversation
        fields = ["status", "topic", "assignee", "notes"]

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        if self.instance.pk and status != self.initial.get("status"):
            conversation_status_check(conversation=self.instance, status=status)
        return status


class AnswerForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Vorlage"), queryset=AnswerTemplate.objects.all(), required=False
    )
    text = forms.CharField(
        label=_("Antwort"), widget=forms.Textarea(attrs={"rows": 14, "cols": 80}), required=False
    )


def _status_action(status: str, label: Any):
    def action(modeladmin: ConversationAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        changed, refused = 0, 0
        for conversation in queryset:
            try:
                conversation_set_status(conversation=conversation, status=status)
            except ValidationError:
                refused += 1
            else:
                changed += 1
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d Vorgang auf „%(status)s“ gesetzt.",
                "%(count)d Vorgänge auf „%(status)s“ gesetzt.",
                changed,
            )
            % {"count": changed, "status": ConversationStatus(status).label},
            messages.SUCCESS,
        )
        if refused:
            modeladmin.message_user(
                request,
                ngettext(
                    "%(count)d Vorgang ließ sich nicht umstellen (Status erlaubt das nicht).",
                    "%(count)d Vorgänge ließen sich nicht umstellen (Status erlaubt das nicht).",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )

    action.__name__ = f"mark_{status}"
    return admin.action(description=label, permissions=["change"])(action)


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    form = ConversationForm
    list_display = [
        "reference",
        "subject_display",
        "channel",
        "status",
        "topic",
        "assignee",
        "contact_email",
        "last_message_at",
    ]
    list_display_links = ["reference", "subject_display"]
    list_filter = [
        "status",
        "channel",
        "topic",
        # All staff (the field's choices), not the assignees found by scanning every row.
        "assignee",
        "created_at",
        MeasureFilter,
    ]
    list_select_related = ["topic", "assignee"]
    # The messages' text is searched too (`get_search_results`).
    search_fields = ["reference", "subject", "contact_name", "contact_email"]
    search_help_text = _("Sucht in Vorgangsnummer, Betreff, Absender und Text der Nachrichten.")
    list_per_page = 50
    show_full_result_count = False
    paginator = LargeTablePaginator
    sortable_by = ["reference", "status", "last_message_at"]
    readonly_fields = [
        "reference",
        "channel",
        "subject",
        "contact_name",
        "contact_email",
        "created_at",
        "last_message_at",
        "consent",
        "notify_progress",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["reference", "channel", "subject", "contact_name", "contact_email"]},
        ),
        (_("Bearbeitung"), {"fields": ["status", "topic", "assignee", "notes"]}),
        (
            _("Zeitpunkte und Einwilligung"),
            {
                "fields": ["created_at", "last_message_at", "consent", "notify_progress"],
                "classes": ["collapse"],
            },
        ),
    ]
    inlines = [ConversationMeasureLinkInline, MessageInline]
    action_form = MeasureLinkActionForm
    actions = [
        _status_action(ConversationStatus.IN_PROGRESS, _("Status: in Bearbeitung")),
        _status_action(ConversationStatus.ANSWERED, _("Status: beantwortet")),
        _status_action(ConversationStatus.CLOSED, _("Status: geschlossen")),
        _status_action(ConversationStatus.NEW, _("Status: neu")),
        "assign_to_me",
        "link_to_measure",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # conversations come from the contact form and e-mail only

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        """Every word in a field of the conversation or in one of its messages.

        The messages are searched in a subquery, not joined: a join would make the admin
        add DISTINCT over the whole inbox (a second per page view at 100,000 conversations).
        """
        for word in smart_split(search_term):
            if word[:1] in {'"', "'"} and word[-1:] == word[:1] and len(word) > 1:
                word = unescape_string_literal(word)
            matches = Q(pk__in=Message.objects.filter(text__icontains=word).values("conversation"))
            for field in self.search_fields:
                matches |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(matches)
        return queryset, False

    @admin.display(description=_("Betreff"), ordering="subject")
    def subject_display(self, conversation: Conversation) -> str:
        subject = conversation.subject or "–"
        return subject if len(subject) <= 80 else f"{subject[:79]}…"

    @admin.display(description=_("Einwilligung Datenschutz"))
    def consent(self, conversation: Conversation) -> str:
        if not conversation.consented_at:
            return "–"
        return _("Version %(version)s am %(date)s") % {
            "version": conversation.consent_version,
            "date": date_format(localtime(conversation.consented_at), "SHORT_DATETIME_FORMAT"),
        }

    @admin.action(description=_("Mir zuweisen"), permissions=["change"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet) -> None:
        for conversation in queryset:
            conversation_assign(conversation=conversation, assignee=request.user)
        self.message_user(request, _("Die Vorgänge sind Ihnen zugewiesen."), messages.SUCCESS)

    @admin.action(
        description=_("Ausgewählte Vorgänge der gewählten Maßnahme zuordnen"),
        permissions=["change"],
    )
    def link_to_measure(self, request: HttpRequest, queryset: QuerySet) -> None:
        _measure_link_action(self, request, queryset, "conversation")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is MeasureLink:
            _measure_links_save(request, formset, conversation=form.instance)
        else:
            super().save_formset(request, form, formset, change)

    def save_model(self, request: HttpRequest, obj: Conversation, form: Any, change: bool) -> None:
        conversation_edit(
            conversation=obj,
            status=form.cleaned_data["status"],
            topic=form.cleaned_data["topic"],
            assignee=form.cleaned_data["assignee"],
            notes=form.cleaned_data["notes"],
        )

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/antworten/",
                wrap(self.answer_view),
                name="feedback_conversation_answer",
            ),
            path("uebersicht/", wrap(self.overview_view), name="feedback_overview"),
            path(
                "anhang/<int:pk>/",
                wrap(self.attachment_view),
                name="feedback_conversation_attachment",
            ),
            *super().get_urls(),
        ]

    def answer_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Write an answer (optionally from a template) and e-mail it to the citizen."""
        conversation = self.get_object(request, unquote(object_id))
        if conversation is None:
            raise Http404
        if not self.has_change_permission(request, conversation):
            raise PermissionDenied
        form = AnswerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            template = form.cleaned_data["template"]
            if "load_template" in request.POST:
                if template is not None:
                    form = AnswerForm(
                        initial={"template": template, "text": template.render(conversation)}
                    )
            else:
                try:
                    conversation_answer(
                        conversation=conversation,
                        author=request.user,
                        text=form.cleaned_data["text"],
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.message_user(
                        request,
                        _("Die Antwort an %(address)s ist gespeichert und wird versandt.")
                        % {"address": conversation.contact_email},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:feedback_conversation_change", args=[conversation.pk])
                    )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Antworten auf %(reference)s") % {"reference": conversation.reference},
            "conversation": conversation,
            "original": conversation,
            "answer_subject": answer_subject(conversation),
            "form": form,
            "thread": conversation.messages.select_related("author"),
        }
        status = 400 if form.errors else 200
        return TemplateResponse(
            request, "admin/feedback/conversation/answer.html", context, status=status
        )

    def overview_view(self, request: HttpRequest) -> HttpResponse:
        """All feedback, of every channel, newest first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        channel = request.GET.get("kanal", "")
        if channel not in CHANNEL_LABELS:
            channel = ""
        overview = feedback_overview(channel=channel, kinds=visible_kinds(request.user))
        paginator = LargeTablePaginator(overview, 50)
        page = paginator.get_page(request.GET.get("seite"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Alle Rückmeldungen"),
            "page": page,
            "items": [FeedbackItem(*row) for row in page.object_list],
            "channels": CHANNEL_LABELS.items(),
            "channel": channel,
        }
        return TemplateResponse(request, "admin/feedback/overview.html", context)

    def attachment_view(self, request: HttpRequest, pk: int) -> FileResponse:
        """Attachments are downloaded, never shown inline, and only by staff who may see them."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        attachment = get_object_or_404(Attachment, pk=pk)
        try:
            stream = attachment.file.open("rb")
        except OSError as error:  # the file was removed from storage by hand
            raise Http404 from error
        return FileResponse(
            stream,
            as_attachment=True,
            filename=attachment.filename,
            content_type=attachment.content_type,
        )


# --- Requests from data subjects (DSGVO): export and erasure by e-mail address -----------

PERSONAL_DATA_PERMISSION = "feedback.manage_personal_data"


class PersonalDataForm(forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        help_text=_("Die Adresse, zu der eine Person Auskunft oder Löschung verlangt."),
    )


class PersonalDataEraseForm(PersonalDataForm):
    confirm = forms.BooleanField(
        label=_(
            "Ich habe geprüft, dass die Anfrage von der Inhaberin oder dem Inhaber dieser "
            "Adresse stammt, und möchte alle Daten zu ihr löschen oder anonymisieren."
        ),
        error_messages={"required": _("Bitte bestätigen Sie die Löschung.")},
    )


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(admin.ModelAdmin):
    """The log of exports and erasures, and the page where staff carry them out."""

    list_display = ["created_at", "kind", "actor_name", "summary_display"]
    list_filter = ["kind", "created_at"]
    search_help_text = _(
        "Suche nach einer vollständigen E-Mail-Adresse: die Adresse selbst wird nicht "
        "gespeichert, nur ein Prüfwert."
    )
    fields = ["created_at", "kind", "actor_name", "summary_display", "email_hash"]
    readonly_fields = fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(PERSONAL_DATA_PERMISSION)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(PERSONAL_DATA_PERMISSION)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        return ["email_hash"]  # shows the search box; the search itself is below

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        if not search_term.strip():
            return queryset, False
        return queryset.filter(email_hash=privacy.email_hash(search_term)), False

    @admin.display(description=_("Umfang"))
    def summary_display(self, entry: PrivacyRequest) -> str:
        return privacy.summary_text(entry.summary)

    def get_urls(self) -> list:
        return [
            path(
                "anfrage/",
                self.admin_site.admin_view(self.request_view),
                name="feedback_privacyrequest_request",
            ),
            *super().get_urls(),
        ]

    def request_view(self, request: HttpRequest) -> HttpResponse:
        """Enter an address, see what is stored, download it as JSON or erase it."""
        if not request.user.has_perm(PERSONAL_DATA_PERMISSION):
            raise PermissionDenied
        lookup = PersonalDataForm(request.POST or request.GET or None)
        erase_form = PersonalDataEraseForm(initial=request.GET or None)
        status = 200
        if request.method == "POST" and "export" in request.POST and lookup.is_valid():
            return self._export(request, lookup.cleaned_data["email"])
        if request.method == "POST" and "erase" in request.POST:
            erase_form = PersonalDataEraseForm(request.POST)
            if erase_form.is_valid():
                try:
                    summary = privacy.personal_data_erase(
                        email=erase_form.cleaned_data["email"], actor=request.user
                    )
                except ValidationError as error:
                    erase_form.add_error(None, error)
                else:
                    self.message_user(
                        request,
                        _("Gelöscht oder anonymisiert: %(summary)s")
                        % {"summary": privacy.summary_text(summary)},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:feedback_privacyrequest_changelist"))
            status = 400
        elif lookup.is_bound and not lookup.is_valid():
            status = 400
        found = None
        if lookup.is_bound and lookup.is_valid():
            found = privacy.personal_data_find(email=lookup.cleaned_data["email"]).counts()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Auskunft oder Löschung personenbezogener Daten"),
            "lookup": lookup,
            "erase_form": erase_form,
            "found": found,
        }
        return TemplateResponse(
            request, "admin/feedback/privacyrequest/request.html", context, status=status
        )

    def _export(self, request: HttpRequest, email: str) -> HttpResponse:
        data = privacy.personal_data_export(email=email, actor=request.user)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
        )
        name = f"personenbezogene-daten-{timezone.localdate():%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response
