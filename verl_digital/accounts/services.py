"""Writes on staff accounts: the first administrator, and second-factor secrets kept
encrypted under the current SECRET_KEY (`secretbox`)."""

from __future__ import annotations

import re
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from feedback.subscriptions.services import normalize_email
from verl_digital.accounts.roles import MODERATION
from verl_digital.accounts.secretbox import (
    authenticator_secrets_map,
    is_current,
    secret_decrypt,
    secret_encrypt,
)


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
