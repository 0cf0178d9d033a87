"""What is stored about an e-mail address, and the log of the requests staff carried out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.validators import validate_email
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _lazy
from django_tasks_db.models import DBTaskResult

from feedback.account_services import user_display_name
from feedback.models import (
    Appeal,
    Comment,
    ConfirmedAddress,
    Conversation,
    Message,
    PrivacyRequest,
)
from feedback.ratelimit import address_fingerprint
from feedback.subscriptions.services import normalize_email
from strategy.base import validated_save

# How staff read the counts of a lookup, an export or an erasure (keys as stored in the log).
SUMMARY_LABELS = {
    "accounts": _lazy("Konten"),
    "comments": _lazy("Kommentare"),
    "appeals": _lazy("Widersprüche"),
    "confirmed_addresses": _lazy("bestätigte Adressen"),
    "conversations": _lazy("Vorgänge"),
    "other_messages": _lazy("Nachrichten in anderen Vorgängen"),
    "mails": _lazy("E-Mails in der Warteschlange"),
    "accounts_deleted": _lazy("Konten gelöscht"),
    "comments_anonymized": _lazy("Kommentare anonymisiert"),
    "comments_deleted": _lazy("Kommentare gelöscht"),
    "confirmed_addresses_deleted": _lazy("bestätigte Adressen gelöscht"),
    "conversations_deleted": _lazy("Vorgänge gelöscht"),
    "other_messages_deleted": _lazy("Nachrichten in anderen Vorgängen gelöscht"),
    "mails_deleted": _lazy("E-Mails gelöscht"),
}


def summary_text(summary: dict[str, int]) -> str:
    """ "Konten gelöscht: 1, Kommentare anonymisiert: 2, …" for the admin."""
    return ", ".join(f"{SUMMARY_LABELS.get(key, key)}: {count}" for key, count in summary.items())


@dataclass(frozen=True)
class PersonalData:
    """Everything stored about one e-mail address, as querysets."""

    email: str
    users: QuerySet
    comments: QuerySet[Comment]
    confirmed_addresses: QuerySet[ConfirmedAddress]
    conversations: QuerySet[Conversation]
    # Messages the address sent into conversations with somebody else (e.g. as a copy).
    other_messages: QuerySet[Message]
    mails: QuerySet[DBTaskResult]

    def counts(self) -> dict[str, int]:
        return {
            "accounts": self.users.count(),
            "comments": self.comments.count(),
            "appeals": Appeal.objects.filter(decision__comment__in=self.comments).count(),
            "confirmed_addresses": self.confirmed_addresses.count(),
            "conversations": self.conversations.count(),
            "other_messages": self.other_messages.count(),
            "mails": self.mails.count(),
        }


def email_hash(email: str) -> str:
    """The keyed hash the request log keeps instead of the address."""
    return address_fingerprint(normalize_email(email))


def _clean_email(email: str) -> str:
    email = normalize_email(email)
    validate_email(email)
    return email


def personal_data_find(*, email: str) -> PersonalData:
    """Look up everything stored about `email` (case does not matter)."""
    email = _clean_email(email)
    users = (
        get_user_model()
        .objects.filter(Q(email__iexact=email) | Q(emailaddress__email__iexact=email))
        .distinct()
    )
    comments = Comment.objects.filter(
        Q(author_email__iexact=email) | Q(user__in=users), is_official=False
    )
    conversations = Conversation.objects.filter(contact_email__iexact=email)
    other_messages = Message.objects.filter(from_address__iexact=email).exclude(
        conversation__contact_email__iexact=email
    )
    return PersonalData(
        email=email,
        users=users,
        comments=comments,
        confirmed_addresses=ConfirmedAddress.objects.filter(email__iexact=email),
        conversations=conversations,
        other_messages=other_messages,
        mails=_mails_to(email),
    )


def _mails_to(email: str) -> QuerySet[DBTaskResult]:
    """Mails to the address in the task queue (waiting, sent or failed).

    Mails are queued to the address as it was typed ("Anna.Beispiel@Example.DE"), so the
    match ignores case: the list of recipients as JSON text holds the quoted address.
    """
    quoted = json.dumps(email, ensure_ascii=False)
    return DBTaskResult.objects.filter(args_kwargs__kwargs__to__icontains=quoted)


def privacy_request_log(
    *, kind: str, email: str, actor: Any, summary: dict[str, int]
) -> PrivacyRequest:
    entry = PrivacyRequest(
        kind=kind,
        email_hash=email_hash(email),
        actor=actor,
        actor_name=user_display_name(actor),
        summary=summary,
    )
    validated_save(entry)
    return entry
