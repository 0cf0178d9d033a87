"""Ihr Feedback – unsere Maßnahmen in the admin: the inline on comments and conversations,
the bulk action that links them, and the filter by measure. Every change goes through
`feedback.measure_links.services`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from feedback.admin_tools import bulk_apply
from feedback.measure_links import services
from feedback.models import Comment, CommentStatus, MeasureLink
from strategy.models import Measure


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


def measure_links_save(request: HttpRequest, formset: Any, **item: Any) -> None:
    """Save the link inline's changes through the services (never the formset's own save)."""
    formset.save(commit=False)  # works out new and deleted rows for the admin's change log
    for link in formset.new_objects:
        services.measure_link_create(measure=link.measure, linked_by=request.user, **item)
    for link in formset.deleted_objects:
        services.measure_link_delete(link=link)


def measure_link_action(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, item: str
) -> None:
    measure_id = request.POST.get("measure", "")
    measure = Measure.objects.filter(pk=measure_id).first() if measure_id.isdigit() else None
    if measure is None:
        modeladmin.message_user(request, _("Bitte wählen Sie eine Maßnahme."), messages.ERROR)
        return
    linked, refused = bulk_apply(
        queryset,
        lambda obj: services.measure_link_create(
            measure=measure, linked_by=request.user, **{item: obj}
        ),
    )
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
