from __future__ import annotations

from typing import Any

from captcha.fields import CaptchaField
from django import forms
from django.utils.translation import gettext_lazy as _


class HoneypotInput(forms.TextInput):
    """A field people never see (hidden by CSS, skipped by keyboard) but bots fill in."""

    def __init__(self) -> None:
        super().__init__(attrs={"autocomplete": "off", "tabindex": "-1", "class": "hp"})


class SpamProtectionMixin(forms.Form):
    """Honeypot for everybody, a captcha for guests; signed-in users are spared the captcha."""

    HONEYPOT = "homepage"

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields[self.HONEYPOT] = forms.CharField(
            label=_("Homepage (bitte leer lassen)"), required=False, widget=HoneypotInput()
        )
        if not (user is not None and user.is_authenticated):
            self.fields["captcha"] = CaptchaField(
                label=_("Sicherheitsabfrage"),
                help_text=_("Bitte geben Sie die Zeichen aus dem Bild ein."),
                error_messages={
                    "invalid": _(
                        "Die Zeichen stimmen nicht überein. Bitte versuchen Sie es erneut."
                    )
                },
            )

    @property
    def honeypot_filled(self) -> bool:
        return bool(self.data.get(self.add_prefix(self.HONEYPOT)))

    def clean_homepage(self) -> str:
        if self.cleaned_data.get(self.HONEYPOT):
            raise forms.ValidationError(_("Dieses Feld muss leer bleiben."), code="honeypot")
        return ""
