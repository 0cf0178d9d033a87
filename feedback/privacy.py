"""Personal data: what the site keeps about an e-mail address, its export and its erasure
(DSGVO Art. 15, 17 and 20), and the retention periods `manage.py purge_personal_data` enforces.

These are services like those in `services.py` (keyword-only, atomic, logged); they live in
their own module because they reach across every model that holds personal data:

- comments (name, address, account, text, the text before a moderator's correction),
- readers' reports (a free-text note), confirmed addresses,
- conversations from the contact form and e-mail, their messages and attachments,
- accounts (django-allauth: user, e-mail addresses, the consent given at sign-up),
- mails waiting in or sent by the task queue (django-tasks-db keeps their arguments),
- the admin's change log (`object_repr` repeats an object's name),
- sessions of signed-in users.

No IP address is stored anywhere, so there is none to export or erase.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_tasks_db.models import DBTaskResult

from feedback.models import (
    Attachment,
    Comment,
    CommentReport,
    CommentStatus,
    ConfirmedAddress,
    Conversation,
    Message,
    PrivacyRequest,
    PrivacyRequestKind,
)
from feedback.ratelimit import address_fingerprint
from feedback.services import (
    ANONYMOUS_AUTHOR,
    account_delete,
    comments_public_changed,
    normalize_email,
)
from strategy.base import validated_save

# The name anonymized comments are shown under (account deletions keep "gelöschtes Konto").
ERASED_AUTHOR = "anonym"

# How staff read the counts of a lookup, an export or an erasure (keys as stored in the log).
SUMMARY_LABELS = {
    "accounts": _lazy("Konten"),
    "comments": _lazy("Kommentare"),
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


# --- Finding what is stored about an address ------------------------------------------------


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
    """Mails to the address in the task queue (waiting, sent or failed)."""
    return DBTaskResult.objects.filter(args_kwargs__kwargs__to__contains=[email])


# --- Export ---------------------------------------------------------------------------------


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _comment_export(comment: Comment) -> dict[str, Any]:
    target = comment.target
    return {
        "id": comment.pk,
        "page": str(target) if target is not None else None,
        "page_url": (
            f"{settings.SITE_URL}{target.get_absolute_url()}"
            if target is not None and hasattr(target, "get_absolute_url")
            else None
        ),
        "reply_to": comment.parent_id,
        "author_name": comment.author_name,
        "author_email": comment.author_email,
        "text": comment.text,
        "text_before_moderation": comment.original_text,
        "status": comment.status,
        "notify": comment.notify,
        "consent_version": comment.consent_version,
        "consented_at": _when(comment.consented_at),
        "created_at": _when(comment.created_at),
        "moderated_at": _when(comment.moderated_at),
        "edited_at": _when(comment.edited_at),
        "hidden_at": _when(comment.hidden_at),
        # What moderation did with it and why; the moderators' names are theirs, not the
        # requester's data.
        "moderation": [
            {"step": action.action, "reason": action.reason, "at": _when(action.created_at)}
            for action in comment.actions.all()
        ],
    }


def _message_export(message: Message) -> dict[str, Any]:
    return {
        "direction": message.direction,
        "from_name": message.from_name,
        "from_address": message.from_address,
        "to": message.to,
        "subject": message.subject,
        "text": message.text,
        "sent_at": _when(message.sent_at),
        "stored_at": _when(message.created_at),
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in message.attachments.all()
        ],
        "attachments_not_kept": message.dropped_attachments,
    }


def _conversation_export(conversation: Conversation) -> dict[str, Any]:
    return {
        "reference": conversation.reference,
        "channel": conversation.channel,
        "status": conversation.status,
        "topic": conversation.topic.name if conversation.topic else None,
        "subject": conversation.subject,
        "contact_name": conversation.contact_name,
        "contact_email": conversation.contact_email,
        "internal_notes": conversation.notes,
        "consent_version": conversation.consent_version,
        "consented_at": _when(conversation.consented_at),
        "created_at": _when(conversation.created_at),
        "messages": [_message_export(m) for m in conversation.messages.all()],
    }


def _account_export(user: Any) -> dict[str, Any]:
    consent = getattr(user, "privacy_consent", None)
    return {
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "is_active": user.is_active,
        "addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "privacy_consent": (
            {"version": consent.version, "consented_at": _when(consent.consented_at)}
            if consent
            else None
        ),
    }


@transaction.atomic
def personal_data_export(*, email: str, actor: Any) -> dict[str, Any]:
    """Everything stored about `email`, as JSON-ready data (Art. 15 and 20); logged."""
    found = personal_data_find(email=email)
    comments = found.comments.select_related("content_type").prefetch_related("target", "actions")
    conversations = found.conversations.select_related("topic").prefetch_related(
        "messages__attachments"
    )
    data = {
        "email": found.email,
        "exported_at": _when(timezone.now()),
        "site": settings.SITE_URL,
        "note": _(
            "Alle Daten, die die Website der Stadt Verl zu dieser E-Mail-Adresse speichert. "
            "IP-Adressen werden nicht gespeichert."
        ),
        "accounts": [_account_export(user) for user in found.users.order_by("pk")],
        "comments": [_comment_export(c) for c in comments.order_by("created_at", "pk")],
        "confirmed_addresses": [
            {
                "email": address.email,
                "confirmed_at": _when(address.confirmed_at),
                "notify": address.notify,
                "unsubscribed_at": _when(address.unsubscribed_at),
            }
            for address in found.confirmed_addresses
        ],
        "conversations": [_conversation_export(c) for c in conversations.order_by("created_at")],
        "messages_in_other_conversations": [
            _message_export(m)
            for m in found.other_messages.prefetch_related("attachments").order_by("created_at")
        ],
        "mails": [
            {
                "subject": task.args_kwargs["kwargs"].get("subject", ""),
                "status": task.status,
                "queued_at": _when(task.enqueued_at),
                "finished_at": _when(task.finished_at),
            }
            for task in found.mails.order_by("enqueued_at")
        ],
    }
    _request_log(
        kind=PrivacyRequestKind.EXPORT, email=found.email, actor=actor, summary=found.counts()
    )
    return data


# --- Erasure and anonymization (shared with the retention purge) ----------------------------


def _admin_log_neutralize(model: type[models.Model], ids: list[int]) -> None:
    """The admin's change log repeats objects' names ("Anna: Mein Kommentar…"): replace them
    with the model and id."""
    if not ids:
        return
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=[str(pk) for pk in ids],
    ).update(object_repr=Concat(Value(f"{model._meta.verbose_name} #"), F("object_id")))


def _public_pages_stale(ids: list[int]) -> None:
    if ids:
        comments_public_changed(
            *Comment.objects.filter(pk__in=ids).only("content_type_id", "object_id")
        )


def _comments_anonymize(comments: QuerySet[Comment]) -> int:
    """Keep public comments' text, drop everything that points at their author."""
    needed = comments.filter(
        Q(author_email__gt="")
        | Q(user__isnull=False)
        | Q(notify=True)
        | Q(original_text__gt="")
        | ~Q(author_name__in=[ERASED_AUTHOR, ANONYMOUS_AUTHOR])
    )
    ids = list(needed.values_list("pk", flat=True))
    _public_pages_stale(ids)
    Comment.objects.filter(pk__in=ids).update(
        author_name=Case(
            When(author_name=ANONYMOUS_AUTHOR, then=Value(ANONYMOUS_AUTHOR)),
            default=Value(ERASED_AUTHOR),
        ),
        author_email="",
        user=None,
        notify=False,
        original_text="",
    )
    _admin_log_neutralize(Comment, ids)
    return len(ids)


def _comments_delete(comments: QuerySet[Comment]) -> int:
    ids = list(comments.values_list("pk", flat=True))
    _admin_log_neutralize(Comment, ids)
    _public_pages_stale(ids)
    Comment.objects.filter(pk__in=ids).delete()
    return len(ids)


def _files_delete_on_commit(attachments: QuerySet[Attachment]) -> None:
    """Remove the attachments' files once the rows are gone for good."""
    files = [(a.file.storage, a.file.name) for a in attachments if a.file]

    def remove() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove)


def _messages_delete(messages: QuerySet[Message]) -> int:
    ids = list(messages.values_list("pk", flat=True))
    _files_delete_on_commit(Attachment.objects.filter(message__in=ids))
    Message.objects.filter(pk__in=ids).delete()
    return len(ids)


def _conversations_delete(conversations: QuerySet[Conversation]) -> int:
    ids = list(conversations.values_list("pk", flat=True))
    _files_delete_on_commit(Attachment.objects.filter(message__conversation__in=ids))
    _admin_log_neutralize(Conversation, ids)
    Conversation.objects.filter(pk__in=ids).delete()
    return len(ids)


def _request_log(*, kind: str, email: str, actor: Any, summary: dict[str, int]) -> PrivacyRequest:
    entry = PrivacyRequest(
        kind=kind,
        email_hash=email_hash(email),
        actor=actor,
        actor_name=actor.get_full_name() or actor.get_username(),
        summary=summary,
    )
    validated_save(entry)
    return entry


@transaction.atomic
def personal_data_erase(*, email: str, actor: Any) -> dict[str, int]:
    """Erase what is stored about `email` in one step (Art. 17), and log it.

    Accounts are deleted; public comments keep their text under the name "anonym" (the
    discussion stays readable, nothing points at the person), all other comments are
    deleted; conversations with the address, its messages elsewhere, its confirmed address
    and its mails in the queue are deleted. Staff accounts are refused: they are removed
    in the user administration, where their duties can be handed over.
    """
    found = personal_data_find(email=email)
    if found.users.filter(Q(is_staff=True) | Q(is_superuser=True)).exists():
        raise ValidationError(
            _(
                "Zu dieser Adresse gehört ein Konto der Verwaltung. Bitte löschen Sie es in "
                "der Benutzerverwaltung."
            ),
            code="staff",
        )
    comment_ids = list(found.comments.values_list("pk", flat=True))
    mail_ids = list(found.mails.values_list("pk", flat=True))
    summary = {"accounts_deleted": 0, "comments_anonymized": 0}
    for user in list(found.users):
        # Anonymizes the account's comments ("gelöschtes Konto"); they count as anonymized.
        summary["comments_anonymized"] += account_delete(user=user)
        summary["accounts_deleted"] += 1
    comments = Comment.objects.filter(pk__in=comment_ids)
    summary["comments_anonymized"] += _comments_anonymize(
        comments.filter(status=CommentStatus.APPROVED)
    )
    summary["comments_deleted"] = _comments_delete(comments.exclude(status=CommentStatus.APPROVED))
    summary["confirmed_addresses_deleted"] = found.confirmed_addresses.delete()[0]
    summary["conversations_deleted"] = _conversations_delete(found.conversations)
    summary["other_messages_deleted"] = _messages_delete(found.other_messages)
    summary["mails_deleted"] = DBTaskResult.objects.filter(pk__in=mail_ids).delete()[0]
    _request_log(kind=PrivacyRequestKind.ERASURE, email=found.email, actor=actor, summary=summary)
    return summary


# --- Retention ------------------------------------------------------------------------------


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the 31st becomes the last day)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def unverified_accounts(*, now: datetime) -> QuerySet:
    """Citizens' accounts that never confirmed an address within `UNVERIFIED_ACCOUNT_DAYS`."""
    return (
        get_user_model()
        .objects.filter(
            date_joined__lt=now - timedelta(days=settings.UNVERIFIED_ACCOUNT_DAYS),
            is_staff=False,
            is_superuser=False,
        )
        .exclude(Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)))
    )


def personal_data_purge(*, now: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Remove or anonymize personal data past its retention period; idempotent.

    Feedback older than `RETENTION_MONTHS`: public comments are anonymized, other comments
    deleted; conversations whose last message is older are deleted with their attachments;
    resolved reports and confirmed addresses no comment refers to any more are deleted.
    Accounts unverified after `UNVERIFIED_ACCOUNT_DAYS` are deleted, sent mails after
    `TASK_RESULT_RETENTION_DAYS`, expired sessions at once. Returns counts per kind; with
    `dry_run` the counts are worked out and nothing is changed.
    """
    now = now or timezone.now()
    cutoff = months_before(now, settings.RETENTION_MONTHS)
    counts: dict[str, int] = {}
    with transaction.atomic():
        old_comments = Comment.objects.filter(created_at__lt=cutoff, is_official=False)
        counts["comments_deleted"] = _comments_delete(
            old_comments.exclude(status=CommentStatus.APPROVED)
        )
        counts["comments_anonymized"] = _comments_anonymize(
            old_comments.filter(status=CommentStatus.APPROVED)
        )
        counts["reports_deleted"] = _count_delete(
            CommentReport.objects.filter(resolved_at__lt=cutoff)
        )
        counts["conversations_deleted"] = _conversations_delete(
            Conversation.objects.filter(last_message_at__lt=cutoff)
        )
        counts["confirmed_addresses_deleted"] = _count_delete(
            ConfirmedAddress.objects.filter(confirmed_at__lt=cutoff).exclude(
                Exists(Comment.objects.filter(author_email=OuterRef("email")))
            )
        )
        accounts = list(unverified_accounts(now=now))
        for user in accounts:
            account_delete(user=user)
        counts["unverified_accounts_deleted"] = len(accounts)
        counts["mails_deleted"] = _count_delete(
            DBTaskResult.objects.finished().filter(
                finished_at__lt=now - timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
            )
        )
        counts["sessions_deleted"] = _count_delete(Session.objects.filter(expire_date__lt=now))
        if dry_run:
            transaction.set_rollback(True)
    return counts


def _count_delete(queryset: QuerySet) -> int:
    """Delete and return how many rows of the queryset's own model went (not cascades)."""
    count = queryset.count()
    queryset.delete()
    return count
