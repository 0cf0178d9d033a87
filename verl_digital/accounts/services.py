"""Writes on staff accounts: the first administrator, second-factor secrets kept encrypted
under the current SECRET_KEY (`secretbox`), and the links that unlock enrolling a staff
account's first second factor (`second_factor`)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from feedback.outbox import absolute_url, rendered_email_queue
from feedback.subscriptions.services import confirmation_mail_limit_exceeded, normalize_email
from strategy.base import validated_save
from strategy.town import town_profile
from verl_digital.accounts.roles import MODERATION
from verl_digital.accounts.second_factor import (
    ENROLMENT_LINK_MAX_AGE,
    EnrolmentLink,
    enrolment_address,
    enrolment_link_used,
    enrolment_token,
    has_second_factor,
)
from verl_digital.accounts.secretbox import (
    authenticator_secrets_map,
    is_current,
    secret_decrypt,
    secret_encrypt,
)
from verl_digital.models import UsedEnrolmentLink


@transaction.atomic
def mfa_secrets_encrypt(*, model: Any = None, dry_run: bool = False) -> int:
    """Store every second factor's secret encrypted under the current SECRET_KEY.

    Clear text (stored before encryption) and values under a former key (see
    SECRET_KEY_FALLBACKS) are rewritten; the rest is left alone, so a second run changes
    nothing. Returns how many authenticators were rewritten (or would be, with `dry_run`).
    `model` is the Authenticator model to use (a migration passes its historical one).
    """
    model = model or Authenticator

    def current(value: str) -> str:
        return value if is_current(value) else secret_encrypt(secret_decrypt(value))

    changed = 0
    with transaction.atomic():
        types = [Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
        for authenticator in model.objects.select_for_update().filter(type__in=types):
            data = authenticator_secrets_map(authenticator.data, current)
            if data == authenticator.data:
                continue
            changed += 1
            if not dry_run:
                authenticator.data = data
                # allauth leaves last_used_at NULL until first use but not blank=True.
                authenticator.full_clean(exclude=["last_used_at"])
                authenticator.save(update_fields=["data"])
    return changed


def account_by_email(email: str) -> Any:
    """The account an address belongs to (as its user's e-mail or an allauth address)."""
    email = normalize_email(email)
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        user = address.user if address else None
    return user


def _free_username(email: str) -> str:
    """A user name from the address's local part (it is the public name of one's comments,
    so not the whole address); numbered when taken."""
    base = re.sub(r"[^\w.+-]", "", email.partition("@")[0])[:140] or "admin"
    users = get_user_model().objects.filter(username__istartswith=base)
    taken = {name.casefold() for name in users.values_list("username", flat=True)}
    username, number = base, 1
    while username.casefold() in taken:
        number += 1
        username = f"{base}-{number}"
    return username


@transaction.atomic
def superuser_create(
    *,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    username: str = "",
) -> tuple[Any, bool]:
    """A superuser who can sign in at once; (the account, whether it was created).

    Sign-in is by e-mail only and needs a verified address, so the address becomes the
    account's primary, verified allauth address; membership in Moderation brings the
    moderators' mails. An address that has an account already changes nothing. With
    `password` None the password is unusable until set through "Passwort vergessen?".
    The group Moderation must exist (`manage.py setup_roles`).
    """
    email = normalize_email(email)
    existing = account_by_email(email)
    if existing is not None:
        return existing, False
    moderation = Group.objects.get(name=MODERATION)
    user = get_user_model().objects.create_superuser(
        username=username or _free_username(email),
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    user.groups.add(moderation)
    return user, True


@transaction.atomic
def enrolment_link_mail(*, user: Any, session_key: str) -> bool:
    """Mail `user` a link that unlocks enrolling their first second factor in the session
    `session_key` (`second_factor`); False when nothing was sent: no primary verified
    address, or the mailbox's budget of unrequested mail is spent."""
    email = enrolment_address(user)
    if email is None or confirmation_mail_limit_exceeded(email):
        return False
    token = enrolment_token(user=user, session_key=session_key)
    context = {
        "link": absolute_url(reverse("accounts:enrolment_link", kwargs={"token": token})),
        "minutes": ENROLMENT_LINK_MAX_AGE // 60,
        "town": town_profile(),
    }
    with override(settings.LANGUAGE_CODE):
        subject = render_to_string("accounts/email/enrolment_link_subject.txt", context)
        body = render_to_string("accounts/email/enrolment_link_body.txt", context)
    rendered_email_queue(subject=" ".join(subject.split()), body=body, to=[email])
    return True


def enrolment_link_issue(*, user: Any) -> str:
    """A link an administrator hands to a staff member without a second factor (for staff
    whose mail is not set up); it works once, within ENROLMENT_LINK_MAX_AGE, in a session
    signed in as `user`. ValueError when `user` needs no such link."""
    if not user.is_staff:
        raise ValueError("not a staff account: citizens enrol a second factor themselves")
    if has_second_factor(user):
        raise ValueError("the account has a second factor already")
    token = enrolment_token(user=user, session_key=None)
    return absolute_url(reverse("accounts:enrolment_link", kwargs={"token": token}))


@transaction.atomic
def enrolment_link_use(*, link: EnrolmentLink) -> bool:
    """Spend `link`; False when it was used before. Entries older than a link's lifetime are
    removed: their links have expired anyway."""
    now = timezone.now()
    old = now - timedelta(seconds=ENROLMENT_LINK_MAX_AGE)
    UsedEnrolmentLink.objects.filter(used_at__lt=old).delete()
    if enrolment_link_used(link):
        return False
    try:
        with transaction.atomic():
            validated_save(UsedEnrolmentLink(nonce=link.nonce, used_at=now))
    except (IntegrityError, ValidationError):
        return False  # used at the same moment in another request
    return True
