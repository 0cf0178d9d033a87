"""Writes on accounts that touch feedback's data: the consent at sign-up, and deletion (the
account's comments stay, anonymised; on request also the comments written earlier without
signing in under one of its verified addresses). The site-wide account concerns (allauth wiring, second
factors, roles, the first administrator) are `verl_digital.accounts`.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from feedback.models import AccountConsent, Comment, ConfirmedAddress
from feedback.subscriptions.services import normalize_email
from strategy.base import validated_save
from verl_digital.caching.versions import COMMENTS, comments_of, versions_bump

ANONYMOUS_AUTHOR = "gelöschtes Konto"


def user_display_name(user: Any) -> str:
    """The name a person is shown under: the full name, else the user name."""
    return user.get_full_name() or user.get_username()


@transaction.atomic
def account_consent_record(*, user: Any, version: str) -> AccountConsent:
    """Remember which privacy policy a new account agreed to (the latest agreement counts)."""
    consent = AccountConsent.objects.select_for_update().filter(user=user).first()
    consent = consent or AccountConsent(user=user)
    consent.version = version
    consent.consented_at = timezone.now()
    validated_save(consent)
    return consent


def account_guest_comments(*, user: Any) -> QuerySet[Comment]:
    """Comments written without signing in under one of the account's verified addresses
    (case does not matter); an unverified address proves nothing about who wrote them."""
    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    if not verified:
        return Comment.objects.none()
    matches = Q()
    for email in verified:
        matches |= Q(author_email__iexact=email)
    return Comment.objects.filter(matches, user__isnull=True, is_official=False)


@transaction.atomic
def account_delete(*, user: Any, guest_comments: bool = False) -> int:
    """Delete an account; its comments stay, under the name "gelöschtes Konto".

    With `guest_comments`, so do the comments written earlier without signing in under one
    of its verified addresses (`account_guest_comments`): the person asked for it in the
    same step. All or nothing: comments anonymized without the account deleted would leave
    an account whose comments no longer name it. Returns the number of comments anonymized.
    """
    addresses = {normalize_email(user.email)} if user.email else set()
    addresses |= {
        normalize_email(e)
        for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    comments = Comment.objects.filter(user=user, is_official=False)
    if guest_comments:
        guest_ids = account_guest_comments(user=user).values("pk")
        comments = Comment.objects.filter(Q(user=user, is_official=False) | Q(pk__in=guest_ids))
    targets = comments.order_by().values_list("content_type_id", "object_id").distinct()
    versions_bump(*(comments_of(*target) for target in targets), COMMENTS)
    count = comments.update(author_name=ANONYMOUS_AUTHOR, author_email="", notify=False, user=None)
    ConfirmedAddress.objects.filter(email__in=addresses).delete()
    user.delete()
    return count
