"""django-allauth wired into the site: its mails go through the background worker too, marked
as automatic like all the site's mails, and second factors' secrets are stored encrypted."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest
from django.utils.encoding import force_str
from django.utils.translation import override

from feedback.account_services import account_consent_record
from feedback.outbox import rendered_email_queue
from feedback.ratelimit import client_fingerprint
from feedback.subscriptions.services import confirmation_mail_limit_exceeded
from strategy.town import town_from_email, town_profile
from verl_digital.accounts.secretbox import secret_decrypt, secret_encrypt

# allauth's mails that a stranger can trigger for somebody else's address.
UNREQUESTED_MAILS = frozenset(
    {
        "account/email/account_already_exists",
        "account/email/email_confirm",
        "account/email/email_confirmation",
        "account/email/email_confirmation_signup",
        "account/email/login_code",
        "account/email/password_reset_code",
        "account/email/password_reset_key",
        "account/email/unknown_account",
    }
)


class MFAAdapter(DefaultMFAAdapter):
    """Second factors' secrets (TOTP keys, recovery code seeds) encrypted in the database,
    so a leaked dump or backup does not hand out staff members' second factor."""

    def encrypt(self, text: str) -> str:
        return secret_encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return secret_decrypt(encrypted_text)

    def get_totp_issuer(self) -> str:
        """Authenticator apps list the account under the town's name."""
        return town_profile().name or super().get_totp_issuer()


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        """Save a new account and the privacy policy version it agreed to."""
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            account_consent_record(user=user, version=settings.PRIVACY_POLICY_VERSION)
        return user

    def get_from_email(self) -> str:
        return town_from_email()

    def format_email_subject(self, subject: str) -> str:
        """allauth's subjects start with the town's name in brackets, e.g. "[Stadt …] "."""
        name = town_profile().name
        return f"[{name}] {force_str(subject)}" if name else force_str(subject)

    def get_client_ip(self, request: HttpRequest) -> str:
        """A daily keyed hash instead of the address: allauth keys its rate limits on this
        in the cache, and no IP address is to be stored anywhere."""
        return client_fingerprint(request)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render allauth's mail as usual, but send it from the worker, never in the request.

        In German, like all the site's mails (see feedback.outbox.email_queue); its links lead
        to the pages in the language the visitor used. The mails anybody can have sent to an
        address draw on that mailbox's budget of unrequested mail; past it, nothing is sent
        (the pages say the same either way, so nothing tells an outsider).
        """
        if template_prefix in UNREQUESTED_MAILS and confirmation_mail_limit_exceeded(email):
            return
        request = allauth_context.request
        with override(settings.LANGUAGE_CODE):
            message = self.render_mail(
                template_prefix,
                email,
                {
                    "request": request,
                    "email": email,
                    "current_site": get_current_site(request),
                    "town": town_profile(),
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
