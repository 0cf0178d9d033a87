"""The public forms: comment, report, contact, account deletion.

`SpamProtectionMixin` adds a honeypot for everybody and the text captcha
(`feedback.captcha`) for guests; pass `user=request.user`. FORM_CAPTCHA_ENABLED (code only,
off in `verl_digital.settings.loadtest`) switches the captcha off. Names and subjects are
reduced to one line (`one_line_field`), since they end up in mail headers.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from feedback.account_services import user_display_name
from feedback.captcha import TextCaptchaField
from feedback.inbox.parse import one_line
from feedback.models import AlertDelivery, ReportReason, Topic
from feedback.validators import validate_link_count
from strategy.forms import LocalizedChoiceField


def one_line_field(form: forms.Form, name: str) -> str:
    """The field's value on one line: line breaks and control characters become spaces.

    A required field that held nothing else is as empty as one left blank.
    """
    value = one_line(form.cleaned_data[name])
    field = form.fields[name]
    if not value and field.required:
        raise forms.ValidationError(field.error_messages["required"], code="required")
    return value


def _consent_label(purpose: str) -> str:
    return gettext(
        "Ich habe die Datenschutzerklärung gelesen und bin einverstanden, dass meine Angaben "
        "%(purpose)s gespeichert werden."
    ) % {"purpose": purpose}


def privacy_consent_field(*, purpose: str) -> forms.BooleanField:
    """The consent to the privacy policy, worded alike on every form that asks for it;
    `purpose` says what the data are kept for ("für mein Konto"). The label is translated
    when shown, in the visitor's language."""
    return forms.BooleanField(
        label=lazy(_consent_label, str)(purpose),
        error_messages={"required": _("Bitte stimmen Sie der Datenschutzerklärung zu.")},
    )


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
        if settings.FORM_CAPTCHA_ENABLED and not (user is not None and user.is_authenticated):
            self.fields["captcha"] = TextCaptchaField(
                label=_("Sicherheitsabfrage"),
                help_text=_(
                    "Damit wir Menschen von Programmen unterscheiden: Bitte rechnen Sie und "
                    "geben Sie das Ergebnis als Zahl ein."
                ),
                error_messages={
                    "required": _("Bitte beantworten Sie die Rechenfrage."),
                    "invalid": _(
                        "Das Ergebnis stimmt nicht. Bitte beantworten Sie die neue Rechenfrage."
                    ),
                },
            )

    def refuse(self, message: str) -> None:
        """Refuse the form as a whole (the client's rate limit), showing its other errors too.

        The captcha's answer is not checked: a refused submission uses no question up and
        writes nothing (`feedback.captcha`); the form comes back with a new question anyway.
        """
        if "captcha" in self.fields:
            self.fields["captcha"].checked = False
        self.is_valid()
        self.add_error(None, message)

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
            "abgelehnt oder beantwortet wird oder sich der Stand einer Maßnahme ändert, der "
            "die Stadt ihn zuordnet."
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
    privacy_consent = privacy_consent_field(purpose=_("zu meinem Kommentar"))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["text"].help_text = _(
            "Höchstens %(max)d Zeichen und %(links)d Links. Nur Text, keine Formatierung."
        ) % {"max": settings.COMMENT_MAX_LENGTH, "links": settings.COMMENT_MAX_LINKS}
        if user is not None and user.is_authenticated:
            self.fields["author_name"].required = False
            self.fields["author_name"].initial = user_display_name(user)
            self.fields["author_email"].initial = user.email

    def clean_author_name(self) -> str:
        return one_line_field(self, "author_name")

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


class AlertPreferenceForm(forms.Form):
    """A staff member's choice of how to hear about the inbox."""

    delivery = forms.ChoiceField(
        label=_("Wie möchten Sie per E-Mail informiert werden?"),
        choices=AlertDelivery.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte wählen Sie eine Einstellung.")},
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

    guest_comments = forms.BooleanField(required=False)

    def __init__(self, *args: Any, user: Any, guest_comment_count: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if guest_comment_count:
            self.fields["guest_comments"].label = ngettext(
                "Auch %(count)d Kommentar, den Sie ohne Anmeldung mit Ihrer bestätigten "
                "E-Mail-Adresse geschrieben haben, unter „gelöschtes Konto“ anonymisieren.",
                "Auch %(count)d Kommentare, die Sie ohne Anmeldung mit Ihrer bestätigten "
                "E-Mail-Adresse geschrieben haben, unter „gelöschtes Konto“ anonymisieren.",
                guest_comment_count,
            ) % {"count": guest_comment_count}
        else:
            del self.fields["guest_comments"]

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
    topic = LocalizedChoiceField(
        label=_("Thema"),
        localized_field="name",
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
    notify_progress = forms.BooleanField(
        label=_("Über Fortschritte informieren (freiwillig)"),
        required=False,
        help_text=_(
            "Wir schreiben Ihnen, wenn sich der Umsetzungsstand einer Maßnahme ändert, der wir "
            "Ihre Nachricht zuordnen. Dafür bestätigen Sie zuerst Ihre Adresse über einen Link; "
            "abbestellen können Sie mit einem Klick in jeder E-Mail."
        ),
    )
    consent = privacy_consent_field(purpose=_("zur Bearbeitung meiner Nachricht"))

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

    # Name and subject end up in mail headers (the answer's To and Subject): one line each,
    # without control characters, so no header can be injected or break the mail.
    def clean_name(self) -> str:
        return one_line_field(self, "name")

    def clean_subject(self) -> str:
        return one_line_field(self, "subject")
