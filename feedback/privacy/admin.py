"""Requests from data subjects (DSGVO) in the admin: export and erasure by e-mail address."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models import PrivacyRequest
from feedback.privacy.erasure import personal_data_erase
from feedback.privacy.export import personal_data_export
from feedback.privacy.lookup import email_hash, personal_data_find, summary_text

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
        return queryset.filter(email_hash=email_hash(search_term)), False

    @admin.display(description=_("Umfang"))
    def summary_display(self, entry: PrivacyRequest) -> str:
        return summary_text(entry.summary)

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
                    summary = personal_data_erase(
                        email=erase_form.cleaned_data["email"], actor=request.user
                    )
                except ValidationError as error:
                    erase_form.add_error(None, error)
                else:
                    self.message_user(
                        request,
                        _("Gelöscht oder anonymisiert: %(summary)s")
                        % {"summary": summary_text(summary)},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:feedback_privacyrequest_changelist"))
            status = 400
        elif lookup.is_bound and not lookup.is_valid():
            status = 400
        found = None
        if lookup.is_bound and lookup.is_valid():
            found = personal_data_find(email=lookup.cleaned_data["email"]).counts()
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
        data = personal_data_export(email=email, actor=request.user)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
        )
        name = f"personenbezogene-daten-{timezone.localdate():%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response
