from __future__ import annotations

import secrets
from typing import Any

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from feedback.models import ReportReason, Topic
from feedback.validators import validate_link_count
from verl_digital import pagecache

CAPTCHA_KEY_LENGTH = 40  # hex digits, like the keys django-simple-captcha makes itself


def captcha_key_new(request: Any = None) -> str:
    return secrets.token_hex(CAPTCHA_KEY_LENGTH // 2)


class DeferredCaptchaInput(CaptchaTextInput):
    """django-simple-captcha's widget, but rendering a page writes nothing to the database.

    The page carries a fresh random key (a placeholder in pages cached for everybody, see
    `verl_digital.pagecache`); the challenge for it is stored when its image is first loaded
    (`feedback.views.captcha_image`). Until then the key is unknown to the field, so it only
    passes once a person has seen the image.
    """

    def fetch_captcha_store(self, name: str, value: Any, attrs: Any = None, generator: Any = None):
        self._key = pagecache.per_visitor("captcha", captcha_key_new)
        self._value = [self._key, ""]
        self.id_ = self.build_attrs(attrs).get("id", None)


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
        if settings.CAPTCHA_ENABLED and not (user is not None and user.is_authenticated):
            self.fields["captcha"] = CaptchaField(
                widget=DeferredCaptchaInput(),
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


class CommentForm(SpamProtectionMixin):
    """A comment or reply. Guests give a name and solve a captcha; accounts are spared both."""

    author_name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Wird mit Ihrem Kommentar veröffentlicht. Ein Vorname oder Kürzel genügt."),
        error_messages={"required": _("Bitte geben Sie einen Namen an.")},
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    author_email = forms.EmailField(
        label=_("E-Mail-Adresse (freiwillig)"),
        required=False,
        help_text=_(
            "Wird nicht veröffentlicht. Nur nötig, wenn Sie benachrichtigt werden möchten."
        ),
        error_messages={"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    notify = forms.BooleanField(
        label=_(
            "Bitte benachrichtigen Sie mich per E-Mail, wenn mein Kommentar freigegeben, "
            "abgelehnt oder beantwortet wird."
        ),
        required=False,
    )
    text = forms.CharField(
        label=_("Ihr Kommentar"),
        max_length=settings.COMMENT_MAX_LENGTH,
        validators=[validate_link_count],
        error_messages={
            "required": _("Bitte schreiben Sie Ihren Kommentar."),
            "max_length": _(
                "Ihr Kommentar ist zu lang: höchstens %(limit_value)d Zeichen, Sie haben "
                "%(show_value)d geschrieben."
            ),
        },
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    privacy_consent = forms.BooleanField(
        label=_(
            "Ich habe die Datenschutzerklärung gelesen und bin mit der Verarbeitung meiner Angaben einverstanden."
        ),
        error_messages={
            "required": _("Bitte stimmen Sie der Verarbeitung Ihrer Angaben zu."),
        },
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["text"].help_text = _(
            "Höchstens %(max)d Zeichen und %(links)d Links. Nur Text, keine Formatierung."
        ) % {"max": settings.COMMENT_MAX_LENGTH, "links": settings.COMMENT_MAX_LINKS}
        if user is not None and user.is_authenticated:
            self.fields["author_name"].required = False
            self.fields["author_name"].initial = user.get_full_name() or user.get_username()
            self.fields["author_email"].initial = user.email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if (
            cleaned.get("notify")
            and not cleaned.get("author_email")
            and "author_email" not in self.errors
        ):
            self.add_error(
                "author_email", _("Für eine Benachrichtigung brauchen wir Ihre E-Mail-Adresse.")
            )
        return cleaned


class ReportForm(SpamProtectionMixin):
    reason = forms.ChoiceField(
        label=_("Warum melden Sie diesen Beitrag?"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte wählen Sie einen Grund.")},
    )
    note = forms.CharField(
        label=_("Erläuterung (freiwillig)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Ihr Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Bitte geben Sie zur Bestätigung Ihr Passwort ein.")},
    )
    confirm = forms.BooleanField(
        label=_(
            "Ja, mein Konto soll gelöscht werden. Meine Kommentare bleiben unter dem Namen "
            "„gelöschtes Konto“ stehen."
        ),
        error_messages={"required": _("Bitte bestätigen Sie die Löschung.")},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Das Passwort ist nicht korrekt."), code="password")
        return password


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
