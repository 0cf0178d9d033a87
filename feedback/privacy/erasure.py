"""Erasure on request (DSGVO Art. 17) and the retention periods `manage.py purge_personal_data`
enforces; both anonymize public comments and delete the rest with the same helpers.

Each runs in one transaction: accounts go through `account_delete`, public comments keep their
text under an anonymous name, comments removed after publication stay as traces without text
or author (the public replies under them are other people's), everything else is deleted; attachment files are removed only
after the commit, and the admin's change log loses the names of touched objects. The pages
showing the comments are marked stale. The cases of deleted conversations and comments stay as
tombstones (`cases_tombstone`: no personal data, `purged_at` set), so their links answer 410.
A dry run of the purge counts and rolls back.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from feedback.account_services import ANONYMOUS_AUTHOR, account_delete
from feedback.cases.services import cases_tombstone
from feedback.comment_pages import comments_public_changed
from feedback.models import (
    Appeal,
    Attachment,
    Case,
    Comment,
    CommentReport,
    CommentStatus,
    ConfirmedAddress,
    Conversation,
    Message,
    PrivacyRequestKind,
    UnrequestedMail,
)
from feedback.models.cases import OPEN_STATUSES
from feedback.privacy.lookup import personal_data_find, privacy_request_log
from feedback.subscriptions.services import MAIL_BUDGET_PERIOD

# The name anonymized comments are shown under (account deletions keep "gelöschtes Konto").
ERASED_AUTHOR = "anonym"


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


def _appeals_erase(appeals: QuerySet[Appeal]) -> int:
    """An appeal's text is its author's: blank it, keep the record of the review."""
    return appeals.exclude(text="").update(text="")


def _comments_anonymize(comments: QuerySet[Comment]) -> int:
    """Keep public comments' text, drop everything that points at their author (and the
    text of their appeals; those of deleted comments go with them)."""
    _appeals_erase(Appeal.objects.filter(decision__comment__in=comments))
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
        author_name=models.Case(
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


def _traces_blank(comments: QuerySet[Comment]) -> int:
    """Comments removed after publication stay as traces without text or author, so the
    public replies under them (other people's) are not deleted with them."""
    ids = list(comments.values_list("pk", flat=True))
    _public_pages_stale(ids)
    Comment.objects.filter(pk__in=ids).update(
        author_name=ERASED_AUTHOR,
        author_email="",
        user=None,
        notify=False,
        text="",
        original_text="",
    )
    _admin_log_neutralize(Comment, ids)
    return len(ids)


def _comments_delete(comments: QuerySet[Comment]) -> int:
    ids = list(comments.values_list("pk", flat=True))
    cases_tombstone(comment_ids=ids)
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
    cases_tombstone(conversation_ids=ids)
    _files_delete_on_commit(Attachment.objects.filter(message__conversation__in=ids))
    _admin_log_neutralize(Conversation, ids)
    Conversation.objects.filter(pk__in=ids).delete()
    return len(ids)


@transaction.atomic
def personal_data_erase(*, email: str, actor: Any) -> dict[str, int]:
    """Erase what is stored about `email` in one step (Art. 17), and log it.

    Accounts are deleted; public comments keep their text under the name "anonym" (the
    discussion stays readable, nothing points at the person), comments removed after
    publication keep only their trace (no text, no author), all other comments are
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
    removed = comments.exclude(status=CommentStatus.APPROVED)
    summary["comments_anonymized"] += _traces_blank(removed.filter(removed_at__isnull=False))
    summary["comments_deleted"] = _comments_delete(removed.filter(removed_at__isnull=True))
    summary["confirmed_addresses_deleted"] = found.confirmed_addresses.delete()[0]
    summary["conversations_deleted"] = _conversations_delete(found.conversations)
    summary["other_messages_deleted"] = _messages_delete(found.other_messages)
    summary["mails_deleted"] = DBTaskResult.objects.filter(pk__in=mail_ids).delete()[0]
    privacy_request_log(
        kind=PrivacyRequestKind.ERASURE, email=found.email, actor=actor, summary=summary
    )
    return summary


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


def _open_cases_of(email: Any) -> QuerySet[Case]:
    """Open cases of contact-form or e-mail senders with this address (as they typed it):
    while the town owes them an answer, their confirmed address still carries the updates."""
    return Case.objects.live().filter(
        status__in=OPEN_STATUSES, conversation__contact_email__iexact=email
    )


def personal_data_purge(*, now: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Remove or anonymize personal data past its retention period; idempotent.

    Feedback older than `RETENTION_MONTHS`: public comments are anonymized, other comments
    deleted; conversations whose last message is older are deleted with their attachments;
    the texts of appeals decided before then are blanked; resolved reports and confirmed
    addresses that no comment and no open case (a sender's conversation still awaiting the
    town) refer to any more are deleted. Accounts unverified after `UNVERIFIED_ACCOUNT_DAYS` are deleted, sent mails after
    `TASK_RESULT_RETENTION_DAYS`, expired sessions at once. Returns counts per kind; with
    `dry_run` the counts are worked out and nothing is changed.
    """
    now = now or timezone.now()
    cutoff = months_before(now, settings.RETENTION_MONTHS)
    counts: dict[str, int] = {}
    with transaction.atomic():
        old_comments = Comment.objects.filter(created_at__lt=cutoff, is_official=False)
        removed = old_comments.exclude(status=CommentStatus.APPROVED)
        counts["comments_deleted"] = _comments_delete(removed.filter(removed_at__isnull=True))
        counts["comments_anonymized"] = _comments_anonymize(
            old_comments.filter(status=CommentStatus.APPROVED)
        ) + _traces_blank(removed.filter(removed_at__isnull=False).exclude(text=""))
        counts["appeals_erased"] = _appeals_erase(Appeal.objects.filter(decided_at__lt=cutoff))
        counts["reports_deleted"] = _count_delete(
            CommentReport.objects.filter(resolved_at__lt=cutoff)
        )
        counts["conversations_deleted"] = _conversations_delete(
            Conversation.objects.filter(last_message_at__lt=cutoff)
        )
        counts["confirmed_addresses_deleted"] = _count_delete(
            ConfirmedAddress.objects.filter(confirmed_at__lt=cutoff).exclude(
                Q(Exists(Comment.objects.filter(author_email__iexact=OuterRef("email"))))
                | Q(Exists(_open_cases_of(OuterRef("email"))))
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
        counts["mail_budget_entries_deleted"] = _count_delete(
            UnrequestedMail.objects.filter(sent_at__lt=now - MAIL_BUDGET_PERIOD)
        )
        if dry_run:
            transaction.set_rollback(True)
    return counts


def _count_delete(queryset: QuerySet) -> int:
    """Delete and return how many rows of the queryset's own model went (not cascades)."""
    count = queryset.count()
    queryset.delete()
    return count
