"""The town profile in the admin: one form, Administration's alone (`setup_roles`).

The upload is cleaned here (`strategy.coat_of_arms`), the colours by the model's `clean()`;
saving goes through `strategy.town.town_profile_update`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from solo.admin import SingletonModelAdmin

from strategy.coat_of_arms import MAX_BYTES, coat_of_arms_clean, coat_of_arms_name
from strategy.models import TownProfile
from strategy.town import town_profile_update

FIELDSETS = [
    (_("Kommune"), {"fields": ["name", "short_name", "coat_of_arms", "website"]}),
    (_("Farben"), {"fields": ["brand_colour", "accent_colour"]}),
    (_("Anschrift"), {"fields": ["street_address", "postal_code", "locality"]}),
    (_("Stabsstelle Digitalisierung"), {"fields": ["cdo_name", "cdo_email", "cdo_phone"]}),
    (_("Datenschutz"), {"fields": ["dpo_contact", "dpo_email"]}),
    (_("E-Mails"), {"fields": ["mail_sender_name", "mail_sender_address"]}),
    (_("Rückmeldungen"), {"fields": ["reference_prefix", "federal_state"]}),
    (_("Barrierefreiheit"), {"fields": ["arbitration_body", "arbitration_url"]}),
]


def _formfield(field: models.Field, **kwargs: Any) -> forms.Field | None:
    # Addresses typed without a scheme are https ones (Django 6's default, chosen now).
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class TownProfileForm(forms.ModelForm):
    class Meta:
        model = TownProfile
        formfield_callback = _formfield
        fields = [name for _title, options in FIELDSETS for name in options["fields"]]

    def clean_coat_of_arms(self) -> Any:
        upload = self.cleaned_data.get("coat_of_arms")
        if not isinstance(upload, UploadedFile):
            return upload  # unchanged or cleared
        if upload.size is not None and upload.size > MAX_BYTES:
            raise ValidationError(
                _("Die Datei ist zu groß: höchstens %(size)d KB.") % {"size": MAX_BYTES // 1024}
            )
        content = coat_of_arms_clean(name=upload.name or "", content=upload.read())
        return ContentFile(content, name=coat_of_arms_name(content))


@admin.register(TownProfile)
class TownProfileAdmin(SingletonModelAdmin):
    form = TownProfileForm
    fieldsets = FIELDSETS

    def formfield_for_dbfield(
        self, db_field: models.Field, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: TownProfile, form: Any, change: bool) -> None:
        town_profile_update(profile=obj)
