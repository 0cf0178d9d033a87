"""Cases in the admin: the due date beside conversations and comments, the deadline filter,
outcomes and merging duplicates. Every change goes through `feedback.cases.services`.

The case list is *Alle Rückmeldungen*, the working list across channels: every
conversation (contact form, e-mail) and every top-level comment has exactly one case, so one
list of cases is one list of everything citizens sent, filtered by channel, status, topic,
assignee and deadline, and searched by reference, subject, text and name (through indexes:
`feedback.cases.selectors.cases_search`). Each row opens its comment or conversation; the
reference opens the case (outcome, merging)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from feedback.account_services import user_display_name
from feedback.admin_tools import LargeTablePaginator, bulk_apply, estimated_rows
from feedback.cases.links import case_url
from feedback.cases.selectors import cases_due_soon, cases_overdue, cases_search
from feedback.cases.services import case_merge, case_outcome_record, case_outcome_validate
from feedback.models import Case, CaseOutcome
from strategy.models import Measure

OVERDUE = "ueberfaellig"
DUE_SOON = "bald"


class DeadlineFilter(admin.SimpleListFilter):
    """ "überfällig" / "fällig in 2 Arbeitstagen", for any model with a `case` relation
    (`case_field` says its name; "" on `Case` itself)."""

    title = _("Frist")
    parameter_name = "frist"
    case_field = "case"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(OVERDUE, _("überfällig")), (DUE_SOON, _("fällig in 2 Arbeitstagen"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet | None:
        selected = {OVERDUE: cases_overdue, DUE_SOON: cases_due_soon}.get(self.value() or "")
        if selected is None:
            return None
        if not self.case_field:
            # The selector's conditions themselves, not `pk IN (…)`: so the list walks the
            # partial index `case_awaiting_idx` in its order (`pk IN` hashed 80,000 overdue
            # cases of `make bench-large` on every view).
            return queryset & selected()
        return queryset.filter(**{f"{self.case_field}__in": selected().values("pk")})


class CaseDeadlineFilter(DeadlineFilter):
    case_field = ""


class AssigneeFilter(admin.SimpleListFilter):
    """Messages assigned to the signed-in staff member, or to nobody (comments have none)."""

    title = _("zuständig")
    parameter_name = "zustaendig"
    MINE = "mir"
    NOBODY = "niemand"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(self.MINE, _("mir zugewiesen")), (self.NOBODY, _("nicht zugewiesen"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet | None:
        if self.value() == self.MINE:
            return queryset.filter(conversation__assignee=request.user)
        if self.value() == self.NOBODY:
            return queryset.filter(conversation__isnull=False, conversation__assignee__isnull=True)
        return None


def due_date_display(case: Case | None) -> str:
    if case is None:
        return "–"
    if case.paused_on is not None:
        return _("ruht (Rückfrage)")
    return date_format(case.due_date, "SHORT_DATE_FORMAT")


class OutcomeFields(forms.Form):
    """The outcome's fields, for the conversation's form and the comment's answer."""

    outcome = forms.ChoiceField(
        label=_("Ergebnis"),
        choices=[
            ("", "–"),
            *[choice for choice in CaseOutcome.choices if choice[0] != "duplicate"],
        ],
        required=False,
    )
    outcome_measure = forms.ModelChoiceField(
        label=_("aufgenommen in Maßnahme"), queryset=Measure.objects.all(), required=False
    )
    outcome_reason = forms.CharField(
        label=_("Begründung für Bürger"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    outcome_organisation = forms.CharField(
        label=_("weitergeleitet an"), max_length=200, required=False
    )


def outcome_details(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "reason": data.get("outcome_reason", ""),
        "measure": data.get("outcome_measure"),
        "organisation": data.get("outcome_organisation", ""),
    }


class MergeActionForm(admin.helpers.ActionForm):
    into = forms.CharField(label=_("Dublette von (Vorgangsnummer)"), required=False, max_length=32)


class CaseForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["outcome", "outcome_measure", "outcome_reason", "outcome_organisation"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:
            case_outcome_validate(case=self.instance, **outcome_arguments(data))
        return data


def outcome_arguments(data: dict[str, Any]) -> dict[str, Any]:
    return {"outcome": data.get("outcome") or "", **outcome_details(data)}


class CasePaginator(LargeTablePaginator):
    """Exact up to 1,000: a search for a word found everywhere walks the list (see
    `cases_search`), and counting 10,000 of its matches took 1.5 s (`make bench-large`)."""

    EXACT_LIMIT = 1_000


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """*Alle Rückmeldungen* (see the module docstring): every case with deadline and outcome;
    duplicates are merged here."""

    form = CaseForm
    list_display = [
        "reference",
        "summary",
        "sender",
        "channel",
        "status",
        "topic",
        "assignee",
        "due",
        "outcome",
        "received_at",
    ]
    list_filter = [
        CaseDeadlineFilter,
        "channel",
        "status",
        ("conversation__topic", admin.RelatedFieldListFilter),
        AssigneeFilter,
        "outcome",
        "helpful",
    ]
    list_select_related = ["conversation__topic", "conversation__assignee", "comment"]
    # Searched by `cases_search` (`get_search_results`); the list only needs the box.
    search_fields = ["reference"]
    search_help_text = _("Sucht in Vorgangsnummer, Betreff, Kommentartext und Namen.")
    sortable_by = ["received_at", "due"]
    list_per_page = 50
    show_full_result_count = False
    paginator = CasePaginator
    action_form = MergeActionForm
    actions = ["merge_into"]
    readonly_fields = [
        "reference",
        "channel",
        "status",
        "received_at",
        "due_date",
        "paused_on",
        "answered_at",
        "duplicate_of",
        "helpful",
        "rated_at",
        "purged_at",
        "page_link",
    ]
    fields = [
        *readonly_fields,
        "outcome",
        "outcome_measure",
        "outcome_reason",
        "outcome_organisation",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        """Reference, subject, sender, comment text and name, through their indexes."""
        return cases_search(queryset, search_term, estimate=estimated_rows), False

    def has_delete_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        return super().changelist_view(
            request, {"title": _("Alle Rückmeldungen"), **(extra_context or {})}
        )

    @admin.display(description=_("Betreff / Inhalt"))
    def summary(self, case: Case) -> SafeString | str:
        """The subject or the comment's beginning, linking to the conversation or comment."""
        if case.conversation is not None:
            url = reverse("admin:feedback_conversation_change", args=[case.conversation_id])
            text = case.conversation.subject or _("(ohne Betreff)")
        elif case.comment is not None:
            url = reverse("admin:feedback_comment_change", args=[case.comment_id])
            text = Truncator(case.comment.text).chars(80)
        else:
            return _("(Daten gelöscht)")
        return format_html('<a href="{}">{}</a>', url, text)

    @admin.display(description=_("Absender"))
    def sender(self, case: Case) -> str:
        """The citizen's name (the address when they gave none); a comment's public name."""
        if case.conversation is not None:
            return case.conversation.contact_name or case.conversation.contact_email
        if case.comment is not None:
            return case.comment.author_name
        return "–"

    @admin.display(description=_("Thema"))
    def topic(self, case: Case) -> str:
        topic = case.conversation.topic if case.conversation is not None else None
        return str(topic) if topic is not None else "–"

    @admin.display(description=_("zuständig"))
    def assignee(self, case: Case) -> str:
        user = case.conversation.assignee if case.conversation is not None else None
        return user_display_name(user) if user is not None else "–"

    @admin.display(description=_("fällig"), ordering="due_date")
    def due(self, case: Case) -> str:
        return due_date_display(case)

    @admin.display(description=_("Seite für Bürger"))
    def page_link(self, case: Case) -> SafeString:
        return format_html('<a href="{}" rel="noreferrer">{}</a>', case_url(case), _("öffnen"))

    def save_model(self, request: HttpRequest, obj: Case, form: Any, change: bool) -> None:
        case_outcome_record(case=obj, **outcome_arguments(form.cleaned_data))

    @admin.action(description=_("Als Dublette zusammenführen"), permissions=["change"])
    def merge_into(self, request: HttpRequest, queryset: QuerySet) -> None:
        reference = (request.POST.get("into") or "").strip().upper()
        into = Case.objects.filter(reference=reference).first()
        if into is None:
            self.message_user(
                request,
                _("Bitte geben Sie die Vorgangsnummer des Falls an, in den zusammengeführt wird."),
                messages.ERROR,
            )
            return
        changed, refused = bulk_apply(
            queryset.exclude(pk=into.pk), lambda case: case_merge(duplicate=case, into=into)
        )
        self.message_user(
            request,
            _(
                "%(changed)d Fall/Fälle mit %(reference)s zusammengeführt, %(refused)d nicht möglich."
            )
            % {"changed": changed, "refused": refused, "reference": into.reference},
            messages.SUCCESS if not refused else messages.WARNING,
        )
