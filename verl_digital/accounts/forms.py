"""Forms of the account pages: sign-up with the privacy consent, and passkey forms that
refuse a malformed credential with a message instead of failing."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.webauthn import forms as webauthn_forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from feedback.forms import privacy_consent_field


class SignupForm(AllauthSignupForm):
    """allauth's sign-up, saying that the user name is what others see with one's comments,
    and asking for consent to the privacy policy (recorded with its version)."""

    privacy_consent = privacy_consent_field(purpose=_("für mein Konto"))

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
