"""django-allauth wired into the site: its mails go through the background worker too, marked
as automatic like all the site's mails."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.webauthn import forms as webauthn_forms
from django import forms
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from feedback.account_services import account_consent_record
from feedback.outbox import rendered_email_queue
from feedback.ratelimit import client_fingerprint
from feedback.secretbox import secret_decrypt, secret_encrypt


class MFAAdapter(DefaultMFAAdapter):
    """Second factors' secrets (TOTP keys, recovery code seeds) encrypted in the database,
    so a leaked dump or backup does not hand out staff members' second factor."""

    def encrypt(self, text: str) -> str:
        return secret_encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return secret_decrypt(encrypted_text)


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        """Save a new account and the privacy policy version it agreed to."""
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            account_consent_record(user=user, version=settings.PRIVACY_POLICY_VERSION)
        return user

    def get_client_ip(self, request: HttpRequest) -> str:
        """A daily keyed hash instead of the address: allauth keys its rate limits on this
        in the cache, and no IP address is to be stored anywhere."""
        return client_fingerprint(request)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render allauth's mail as usual, but send it from the worker, never in the request.

        In German, like all the site's mails (see feedback.outbox.email_queue); its links lead
        to the pages in the language the visitor used.
        """
        request = allauth_context.request
        with override(settings.LANGUAGE_CODE):
            message = self.render_mail(
                template_prefix,
                email,
                {
                    "request": request,
                    "email": email,
                    "current_site": get_current_site(request),
                    **context,
                },
            )
        rendered_email_queue(
            subject=message.subject,
            body=message.body,
            to=list(message.to),
            from_email=message.from_email,
            headers=dict(message.extra_headers),
        )


class SignupForm(AllauthSignupForm):
    """allauth's sign-up, saying that the user name is what others see with one's comments,
    and asking for consent to the privacy policy (recorded with its version)."""

    privacy_consent = forms.BooleanField(
        label=_(
            "Ich habe die Datenschutzerklärung gelesen und bin einverstanden, dass meine "
            "Angaben für mein Konto gespeichert werden."
        ),
        error_messages={
            "required": _(
                "Bitte stimmen Sie der Datenschutzerklärung zu, um ein Konto zu eröffnen."
            )
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["privacy_consent"].help_text = format_html(
            '<a href="{}">{}</a>', reverse("strategy:privacy"), _("Datenschutzerklärung lesen")
        )
        username = self.fields["username"]
        username.label = _("Öffentlicher Name")
        username.help_text = _(
            "Erscheint bei Ihren Kommentaren. Sie können auch einen Spitznamen wählen."
        )
        username.widget.attrs.pop("placeholder", None)


# allauth catches the TypeError and ValueError of fido2's parser, but an incomplete
# credential (no `rawId`, a list instead of an object …) raises KeyError or AttributeError
# there — a 500 for anybody who posts one to the passkey login. These forms make it the
# form error allauth shows for a wrong code.
_MALFORMED = (KeyError, AttributeError, TypeError, ValueError, IndexError)


class _CheckedCredentialMixin:
    """A malformed WebAuthn credential is a form error, not a server error."""

    def clean_credential(self) -> Any:
        try:
            return super().clean_credential()
        except _MALFORMED as error:
            raise get_mfa_adapter().validation_error("incorrect_code") from error


class AuthenticateWebAuthnForm(_CheckedCredentialMixin, webauthn_forms.AuthenticateWebAuthnForm):
    pass


class LoginWebAuthnForm(_CheckedCredentialMixin, webauthn_forms.LoginWebAuthnForm):
    pass


class ReauthenticateWebAuthnForm(
    _CheckedCredentialMixin, webauthn_forms.ReauthenticateWebAuthnForm
):
    pass


class AddWebAuthnForm(webauthn_forms.AddWebAuthnForm):
    # Registration checks the credential in clean(), not in clean_credential().
    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except _MALFORMED as error:
            raise get_mfa_adapter().validation_error("incorrect_code") from error
