"""The inbox's writes: the contact form, reference numbers, status, assignment, answers.

Inbound e-mail is stored by `feedback.inbox.ingest`; both open conversations with a reference
number from `reference_allocate` (`<REFERENCE_PREFIX>-<year>-<6 digits>`): one counter row per
year, counted up by a single `INSERT … ON CONFLICT DO UPDATE … RETURNING`, so concurrent
callers queue on the row lock and no number is handed out twice. Status changes are checked
against `Conversation.TRANSITIONS` (`conversation_status_check`, which the admin's form uses
too). An answer is stored as an outgoing message with a Message-ID of ours and the
In-Reply-To/References of the latest message, then mailed with exactly these headers through
`feedback.outbox` after commit: the one mail not marked as automatic, since a person wrote it.
"""

from __future__ import annotations

import re
from email.utils import make_msgid, parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.inbox.parse import storable_text
from feedback.models import (
    Channel,
    Conversation,
    ConversationStatus,
    Direction,
    Message,
    ReferenceCounter,
    Topic,
)
from feedback.outbox import email_queue
from feedback.subscriptions.services import (
    address_request_confirmation,
    confirmation_mail_limit_exceeded,
)
from strategy.base import TransitionNotAllowed, transition_check, validated_save
from strategy.services import SeedReport, content_seed
from strategy.verl_content import SeedItem


def reference_allocate() -> str:
    """The next reference number, e.g. VERL-2026-000123; unique even under concurrency.

    One upsert on the year's counter row: concurrent callers queue on its row lock, and a
    caller whose transaction rolls back gives its number back.
    """
    year = timezone.localdate().year
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last_number) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (year) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [year],
        )
        number = cursor.fetchone()[0]
    return f"{settings.REFERENCE_PREFIX}-{year}-{number:06d}"


def reference_pattern() -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(settings.REFERENCE_PREFIX)}-\d{{4}}-\d{{6,}}\b", re.I)


def conversation_open_from_form(
    *,
    name: str,
    email: str,
    subject: str,
    topic: Topic | None,
    text: str,
    consent_version: str,
    notify_progress: bool = False,
) -> Conversation:
    """Store a contact-form message as a new conversation and confirm it to the sender.

    The confirmation names only the reference number, never what was typed: otherwise the
    form would send any text to any address. Confirmations to one address are limited too.
    A sender who wants to hear about the progress of measures (`notify_progress`) is asked
    to confirm the address first, as comment authors are; only then is anything mailed.
    """
    now = timezone.now()
    with transaction.atomic():
        conversation = Conversation(
            reference=reference_allocate(),
            channel=Channel.FORM,
            subject=subject[:255],
            topic=topic,
            contact_name=name,
            contact_email=email,
            consent_version=consent_version,
            consented_at=now,
            notify_progress=notify_progress,
            created_at=now,
            last_message_at=now,
        )
        validated_save(conversation)
        validated_save(
            Message(
                conversation=conversation,
                direction=Direction.IN,
                from_name=name,
                from_address=email,
                to=settings.CDO_EMAIL,
                subject=subject[:255],
                text=text,
                sent_at=now,
                created_at=now,
            )
        )
        if not confirmation_mail_limit_exceeded(email):
            email_queue(
                to=email,
                template="contact_confirmation",
                context={"reference": conversation.reference},
                reply_to=[settings.CDO_EMAIL],
            )
        if notify_progress:
            address_request_confirmation(email=email)
    return conversation


def conversation_status_check(*, conversation: Conversation, status: str) -> None:
    """Raise TransitionNotAllowed unless the conversation may move from its status to `status`."""
    transition_check(
        transitions=Conversation.TRANSITIONS,
        current=conversation.status,
        new=status,
        message=_("Ein Vorgang im Status „%(current)s“ kann nicht auf „%(new)s“ gesetzt werden.")
        % {
            "current": conversation.get_status_display(),
            "new": ConversationStatus(status).label,
        },
    )


def conversation_set_status(*, conversation: Conversation, status: str) -> Conversation:
    """Move a conversation to another status, if that step is allowed from where it is."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.status == status:
            return conversation
        conversation_status_check(conversation=conversation, status=status)
        conversation.status = status
        validated_save(conversation)
    return conversation


def conversation_edit(
    *,
    conversation: Conversation,
    status: str,
    topic: Topic | None,
    assignee: Any,
    notes: str,
) -> Conversation:
    """Save what staff changed on a conversation in the admin; a status change is checked."""
    with transaction.atomic():
        current = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if current.status != status:
            conversation_status_check(conversation=current, status=status)
        current.status = status
        current.topic = topic
        current.assignee = assignee
        current.notes = notes
        validated_save(current)
    return current


def conversation_assign(*, conversation: Conversation, assignee: Any) -> Conversation:
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        conversation.assignee = assignee
        validated_save(conversation)
    return conversation


def _strip_reply_prefixes(subject: str) -> str:
    return re.sub(r"^(\s*(re|aw|antw|fwd?|wg)\s*:\s*)+", "", subject, flags=re.I).strip()


def answer_subject(conversation: Conversation) -> str:
    """`AW: <subject> [VERL-2026-000123]`: the reference lets replies find their way back."""
    subject = _strip_reply_prefixes(conversation.subject) or _("Ihre Nachricht")
    subject = subject.replace(f"[{conversation.reference}]", "").strip()
    return f"AW: {subject} [{conversation.reference}]"


def conversation_answer(
    *, conversation: Conversation, author: Any, text: str, close: bool = False
) -> Message:
    """Store a staff answer in the conversation and e-mail it to the citizen; the
    conversation is then answered, or closed if `close` (nothing more to do).

    The mail carries a Message-ID of ours and In-Reply-To/References to the latest message
    with an ID, so mail clients thread it and the citizen's reply joins this conversation.
    """
    text = storable_text(text).strip()
    if not text:
        raise ValidationError(_("Bitte schreiben Sie eine Antwort."), code="empty")
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.status == ConversationStatus.CLOSED:
            raise TransitionNotAllowed(
                _("Der Vorgang ist geschlossen. Bitte öffnen Sie ihn erneut, bevor Sie antworten."),
                code="closed",
            )
        parent = (
            conversation.messages.exclude(message_id=None).order_by("-created_at", "-id").first()
        )
        references = []
        if parent is not None:
            references = [*parent.references.split(), parent.message_id][-20:]
        domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or None
        message_id = make_msgid(domain=domain)[1:-1]
        now = timezone.now()
        subject = answer_subject(conversation)
        message = Message(
            conversation=conversation,
            direction=Direction.OUT,
            from_name=parseaddr(settings.DEFAULT_FROM_EMAIL)[0],
            from_address=parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
            to=conversation.contact_email,
            subject=subject[:255],
            text=text,
            message_id=message_id,
            in_reply_to=parent.message_id if parent else "",
            references=" ".join(references),
            author=author,
            sent_at=now,
            created_at=now,
        )
        validated_save(message)
        conversation.status = ConversationStatus.CLOSED if close else ConversationStatus.ANSWERED
        conversation.last_message_at = now
        validated_save(conversation)
        headers = {"Message-ID": f"<{message_id}>"}
        if parent is not None:
            headers["In-Reply-To"] = f"<{parent.message_id}>"
            headers["References"] = " ".join(f"<{ref}>" for ref in references)
        email_queue(
            to=conversation.contact_email,
            template="answer",
            context={"subject": subject, "text": text, "reference": conversation.reference},
            headers=headers,
            reply_to=[settings.CDO_EMAIL],
            # Written by a person: an absence notice in reply is welcome here.
            automatic=False,
        )
    return message


DEFAULT_TOPICS = {
    "Allgemein": "General",
    "Digitale Verwaltung": "Digital administration",
    "Smart City": "Smart City",
    "Barriere melden": "Report an accessibility barrier",
}


def inbox_seed(*, dry_run: bool = False) -> SeedReport:
    """Create the default topics; editors' changes and deletions are kept (see content_seed)."""
    items = [
        SeedItem(
            Topic,
            {"name": name},
            {"position": index * 10, "is_active": True, "name_en": english},
        )
        for index, (name, english) in enumerate(DEFAULT_TOPICS.items(), start=1)
    ]
    return content_seed(items=items, dry_run=dry_run)
