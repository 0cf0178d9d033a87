"""Appeals in the admin: the list (open first, oldest first) and the second review.

The change page shows the objection beside the decision it is about; a moderator other
than the one who decided upholds or overturns it there. The form runs the service's checks
(`appeal_status_check`, `appeal_reviewer_check`) so a refused step is a form error, and the
save goes through `appeal_decide`. Appeals come from citizens only: never added here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from feedback.appeals.services import (
    appeal_deadline,
    appeal_decide,
    appeal_reviewer_check,
    appeal_status_check,
)
from feedback.models import Appeal, AppealStatus
from strategy.base import TransitionNotAllowed

OUTCOMES = {"uphold": AppealStatus.UPHELD, "overturn": AppealStatus.OVERTURNED}


class AppealAdminForm(forms.ModelForm):
    outcome = forms.ChoiceField(
        label=_("Entscheidung über den Widerspruch"),
        choices=[
            ("", _("– noch nicht entscheiden –")),
            ("uphold", _("Zurückweisen: die Entscheidung bleibt")),
            ("overturn", _("Stattgeben: die Entscheidung wird aufgehoben")),
        ],
        required=False,
        help_text=_(
            "Stattgeben veröffentlicht einen abgelehnten oder als Spam markierten Kommentar "
            "und blendet einen ausgeblendeten wieder ein. Die Verfasserin oder der Verfasser "
            "erhält das Ergebnis mit Ihrer Begründung per E-Mail."
        ),
    )
    review = forms.CharField(
        label=_("Begründung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    # Set by `AppealAdmin.get_form`: the reviewer is the signed-in moderator.
    reviewer: Any = None

    class Meta:
        model = Appeal
        fields: list[str] = []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if not outcome:
            return cleaned
        try:
            appeal_status_check(appeal=self.instance, status=OUTCOMES[outcome])
            appeal_reviewer_check(appeal=self.instance, reviewer=self.reviewer)
        except ValidationError as error:
            # For the whole form: once decided, the page no longer shows the outcome field.
            self.add_error(None, error)
        if not cleaned.get("review", "").strip():
            self.add_error(
                "review", _("Bitte begründen Sie die Entscheidung über den Widerspruch.")
            )
        return cleaned


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    class Media:
        css = {"all": ["css/admin.css"]}

    form = AppealAdminForm
    list_display = ["submitted", "comment_link", "decision_display", "decided_by", "status"]
    list_filter = ["status"]
    list_select_related = ["decision__comment", "decision__decision_reason"]
    list_per_page = 50
    readonly_fields = [
        "comment_link",
        "decision_display",
        "decision_reason_display",
        "decided_by",
        "submitted",
        "deadline",
        "text",
        "status",
        "reviewer_name",
        "review_reason",
        "decided_at",
    ]

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        # Open first (what waits for a moderator), each group oldest first.
        open_first = Case(
            When(status=AppealStatus.OPEN, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [open_first.asc(), "created_at", "id"]

    def get_fieldsets(self, request: HttpRequest, obj: Appeal | None = None) -> list[Any]:
        fieldsets: list[Any] = [
            (
                _("Angefochtene Entscheidung"),
                {
                    "fields": [
                        "comment_link",
                        "decision_display",
                        "decision_reason_display",
                        "decided_by",
                    ]
                },
            ),
            (_("Widerspruch"), {"fields": ["submitted", "deadline", "text", "status"]}),
        ]
        if obj is not None and obj.status == AppealStatus.OPEN:
            if self.has_change_permission(request, obj):
                fieldsets.append((_("Zweite Prüfung"), {"fields": ["outcome", "review"]}))
        else:
            fieldsets.append(
                (
                    _("Zweite Prüfung"),
                    {"fields": ["reviewer_name", "review_reason", "decided_at"]},
                )
            )
        return fieldsets

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.reviewer = request.user
        return form

    @admin.display(description=_("eingelegt am"), ordering="created_at")
    def submitted(self, appeal: Appeal) -> str:
        return date_format(timezone.localtime(appeal.created_at), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("Frist endete am"))
    def deadline(self, appeal: Appeal) -> str:
        return date_format(
            timezone.localtime(appeal_deadline(appeal.decision)), "SHORT_DATETIME_FORMAT"
        )

    @admin.display(description=_("Kommentar"))
    def comment_link(self, appeal: Appeal) -> str:
        comment = appeal.decision.comment
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:feedback_comment_change", args=[comment.pk]),
            comment.excerpt,
        )

    @admin.display(description=_("Entscheidung"))
    def decision_display(self, appeal: Appeal) -> str:
        decision = appeal.decision
        return _("%(step)s am %(date)s") % {
            "step": decision.get_action_display(),
            "date": date_format(timezone.localtime(decision.created_at), "SHORT_DATETIME_FORMAT"),
        }

    @admin.display(description=_("Grund"))
    def decision_reason_display(self, appeal: Appeal) -> str:
        decision = appeal.decision
        parts = [str(decision.decision_reason or ""), decision.reason]
        return " – ".join(part for part in parts if part) or "–"

    @admin.display(description=_("entschieden von"))
    def decided_by(self, appeal: Appeal) -> str:
        return appeal.decision.actor_name

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def save_model(self, request: HttpRequest, obj: Appeal, form: Any, change: bool) -> None:
        outcome = form.cleaned_data.get("outcome")
        if not outcome:
            return
        try:
            appeal_decide(
                appeal=obj,
                reviewer=request.user,
                overturn=outcome == "overturn",
                reason=form.cleaned_data.get("review", ""),
            )
        except (TransitionNotAllowed, ValidationError) as error:
            # Another moderator was quicker, or the comment changed meanwhile.
            messages.error(request, " ".join(error.messages))
        obj.refresh_from_db()
