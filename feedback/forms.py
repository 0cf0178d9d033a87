from __future__ import annotations

from typing import Any

from captcha.fields import CaptchaField
from django import forms
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from feedback.models import Topic


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


class ContactForm(SpamProtectionMixin, forms.Form):
    """The contact form: a message to the CDO that opens a conversation in the inbox."""

    name = forms.CharField(label=_("Ihr Name"), max_length=200)
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        max_length=254,
        help_text=_("An diese Adresse schicken wir die Eingangsbestätigung und unsere Antwort."),
    )
    topic = forms.ModelChoiceField(
        label=_("Thema"),
        queryset=Topic.objects.active(),
        empty_label=_("Bitte wählen"),
        error_messages={"invalid_choice": _("Bitte wählen Sie ein Thema aus der Liste.")},
    )
    subject = forms.CharField(label=_("Betreff"), max_length=200)
    text = forms.CharField(
        label=_("Ihre Nachricht"),
        max_length=settings.CONTACT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    consent = forms.BooleanField(
        label=_(
            "Ich habe den Datenschutzhinweis gelesen und bin einverstanden, dass meine Angaben "
            "zur Bearbeitung meiner Nachricht gespeichert werden."
        ),
        error_messages={
            "required": _(
                "Bitte stimmen Sie dem Datenschutzhinweis zu, damit wir antworten können."
            )
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        if not self.fields["topic"].queryset.exists():
            del self.fields["topic"]  # editors hid every topic: nothing to choose from
        self.fields["text"].help_text = _("Höchstens %(count)s Zeichen.") % {
            "count": number_format(settings.CONTACT_MAX_LENGTH, force_grouping=True)
        }
        # Each message names its field: the error summary lists the messages on their own.
        required = {
            "name": _("Bitte geben Sie Ihren Namen an."),
            "email": _("Bitte geben Sie Ihre E-Mail-Adresse an."),
            "topic": _("Bitte wählen Sie ein Thema."),
            "subject": _("Bitte geben Sie einen Betreff an."),
            "text": _("Bitte schreiben Sie Ihre Nachricht."),
            "captcha": _("Bitte geben Sie die Zeichen aus dem Bild ein."),
        }
        for name, message in required.items():
            if name in self.fields:
                self.fields[name].error_messages["required"] = message
        self.fields["email"].error_messages["invalid"] = _(
            "Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@beispiel.de."
        )
        self.fields["text"].error_messages["max_length"] = _(
            "Ihre Nachricht ist zu lang: höchstens %(limit_value)d Zeichen, sie hat %(show_value)d."
        )
