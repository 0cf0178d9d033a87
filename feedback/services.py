"""Writes of the feedback app: the inbox of contact-form messages and e-mail, and its answers.

Views, the admin and management commands call these functions and never `save()` directly.
Each one is atomic, checks the current state, and queues mail only after its commit.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from email.utils import make_msgid, parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.inbound import InvalidMail, ParsedMail, clean_text, parse_message, sniff_content_type
from feedback.mail import email_queue
from feedback.models import (
    Attachment,
    Channel,
    Conversation,
    ConversationStatus,
    Direction,
    Message,
    ReferenceCounter,
    Topic,
)
from feedback.ratelimit import Limit, address_fingerprint, limit_exceeded
from strategy.services import SeedReport, content_seed
from strategy.verl_content import SeedItem

# --- Reference numbers ------------------------------------------------------------------


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


def _save(obj: Any, **kwargs: Any) -> None:
    obj.full_clean(**kwargs)
    obj.save()


# --- Contact form -----------------------------------------------------------------------


def conversation_open_from_form(
    *,
    name: str,
    email: str,
    subject: str,
    topic: Topic | None,
    text: str,
    consent_version: str,
) -> Conversation:
    """Store a contact-form message as a new conversation and confirm it to the sender.

    The confirmation names only the reference number, never what was typed: otherwise the
    form would send any text to any address. Confirmations to one address are limited too.
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
            created_at=now,
            last_message_at=now,
        )
        _save(conversation)
        _save(
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
        limit = Limit("confirmation", settings.CONFIRMATION_LIMIT_PER_DAY, 24 * 3600)
        if not limit_exceeded(limit=limit, key=address_fingerprint(email)):
            email_queue(
                to=email,
                template="contact_confirmation",
                context={"reference": conversation.reference},
                reply_to=[settings.CDO_EMAIL],
            )
    return conversation


# --- Inbound e-mail ---------------------------------------------------------------------


class IngestOutcome(enum.StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"
    AUTO_REPLY = "auto-reply"
    REJECTED = "rejected"


@dataclass(frozen=True)
class IngestResult:
    outcome: IngestOutcome
    reason: str = ""
    conversation: Conversation | None = None
    message: Message | None = None


def _duplicate_of(mail: ParsedMail) -> Message | None:
    if mail.message_id:
        return Message.objects.filter(message_id=mail.message_id).first()
    return Message.objects.filter(message_id=None, content_hash=mail.content_hash).first()


def _thread(mail: ParsedMail) -> Conversation | None:
    """The conversation a reply belongs to: by our Message-IDs, else by the reference number.

    Message-IDs we generate are unguessable, so a header match is trusted from any sender;
    a reference number in the subject is guessable, so it counts only from the address
    the conversation is with.
    """
    ids = [i for i in [mail.in_reply_to, *reversed(mail.references)] if i]
    if ids:
        parent = (
            Message.objects.filter(message_id__in=ids)
            .select_related("conversation")
            .order_by("-created_at")
            .first()
        )
        if parent is not None:
            return parent.conversation
    for reference in reference_pattern().findall(mail.subject):
        conversation = Conversation.objects.filter(
            reference=reference.upper(), contact_email__iexact=mail.from_address
        ).first()
        if conversation is not None:
            return conversation
    return None


def _attachments_store(*, message: Message, mail: ParsedMail, dry_run: bool) -> list[str]:
    """Keep the attachments that pass size, count and type checks; describe the others."""
    dropped = []
    kept = 0
    for attachment in mail.attachments:
        size = len(attachment.payload)
        content_type = sniff_content_type(attachment.payload, attachment.declared_type)
        if kept >= settings.ATTACHMENT_MAX_COUNT:
            reason = _("zu viele Anhänge")
        elif size > settings.ATTACHMENT_MAX_BYTES:
            reason = _("zu groß (%(size)s Bytes)") % {"size": size}
        elif content_type not in settings.ATTACHMENT_CONTENT_TYPES:
            reason = _("Dateityp nicht erlaubt (angegeben: %(type)s)") % {
                "type": attachment.declared_type
            }
        else:
            kept += 1
            if not dry_run:
                stored = Attachment(
                    message=message,
                    filename=attachment.filename,
                    content_type=content_type,
                    size=size,
                )
                stored.file.save(attachment.filename, ContentFile(attachment.payload), save=False)
                _save(stored)
            continue
        dropped.append(f"{attachment.filename}: {reason}")
    return dropped


def message_ingest(*, raw: bytes, dry_run: bool = False) -> IngestResult:
    """Store one inbound e-mail: in its conversation if it is a reply, else in a new one.

    Every message ends in exactly one outcome. Duplicates are recognised by Message-ID, or by
    content when there is none; the database's unique constraints decide when two ingests
    race. Auto-replies and bounces are skipped, so nothing automatic is ever answered.
    With `dry_run` the outcome is worked out and nothing is kept.
    """
    if len(raw) > settings.EMAIL_MAX_BYTES:
        return IngestResult(
            IngestOutcome.REJECTED,
            f"message too large ({len(raw)} bytes, limit {settings.EMAIL_MAX_BYTES})",
        )
    try:
        mail = parse_message(raw)
    except InvalidMail as error:
        return IngestResult(IngestOutcome.REJECTED, str(error))
    if mail.auto_reply:
        return IngestResult(IngestOutcome.AUTO_REPLY, mail.auto_reply)
    if duplicate := _duplicate_of(mail):
        return IngestResult(
            IngestOutcome.DUPLICATE, "already stored", duplicate.conversation, duplicate
        )
    try:
        with transaction.atomic():
            conversation, message = _mail_store(mail, dry_run=dry_run)
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError:
        # Another ingest stored the same mail between our check and our insert.
        if duplicate := _duplicate_of(mail):
            return IngestResult(
                IngestOutcome.DUPLICATE, "already stored", duplicate.conversation, duplicate
            )
        raise
    except ValidationError as error:
        return IngestResult(IngestOutcome.REJECTED, f"invalid data ({'; '.join(error.messages)})")
    except DataError as error:
        return IngestResult(IngestOutcome.REJECTED, f"cannot be stored ({error})")
    return IngestResult(IngestOutcome.STORED, "", conversation, message)


def _mail_store(mail: ParsedMail, *, dry_run: bool) -> tuple[Conversation, Message]:
    now = timezone.now()
    conversation = _thread(mail)
    if conversation is None:
        conversation = Conversation(
            reference=reference_allocate(),
            channel=Channel.EMAIL,
            subject=mail.subject[:255],
            contact_name=mail.from_name,
            contact_email=mail.reply_address,
            created_at=now,
            last_message_at=now,
        )
        _save(conversation)
    else:
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        # A citizen wrote again: whatever the state, the conversation needs attention.
        conversation.status = ConversationStatus.NEW
        conversation.last_message_at = now
        _save(conversation)
    message = Message(
        conversation=conversation,
        direction=Direction.IN,
        from_name=mail.from_name,
        from_address=mail.from_address,
        to=mail.to,
        subject=mail.subject[:255],
        text=mail.text,
        message_id=mail.message_id or None,
        in_reply_to=mail.in_reply_to,
        references=" ".join(mail.references),
        content_hash=mail.content_hash,
        sent_at=mail.date,
        created_at=now,
    )
    # Uniqueness is left to the database: its constraint also holds against a concurrent ingest.
    _save(message, validate_unique=False, validate_constraints=False)
    dropped = _attachments_store(message=message, mail=mail, dry_run=dry_run)
    if dropped:
        message.dropped_attachments = dropped
        message.save(update_fields=["dropped_attachments"])
    return conversation, message


# --- Staff: status, assignment, answers -------------------------------------------------

ALLOWED_TRANSITIONS = {
    ConversationStatus.NEW: {
        ConversationStatus.IN_PROGRESS,
        ConversationStatus.ANSWERED,
        ConversationStatus.CLOSED,
    },
    ConversationStatus.IN_PROGRESS: {
        ConversationStatus.NEW,
        ConversationStatus.ANSWERED,
        ConversationStatus.CLOSED,
    },
    ConversationStatus.ANSWERED: {ConversationStatus.IN_PROGRESS, ConversationStatus.CLOSED},
    ConversationStatus.CLOSED: {ConversationStatus.IN_PROGRESS},
}


def status_change_check(*, conversation: Conversation, status: str) -> None:
    """Raise a ValidationError unless the conversation may move to `status` from where it is."""
    if status not in ALLOWED_TRANSITIONS[ConversationStatus(conversation.status)]:
        raise ValidationError(
            _("Ein Vorgang im Status „%(current)s“ kann nicht auf „%(new)s“ gesetzt werden.")
            % {
                "current": conversation.get_status_display(),
                "new": ConversationStatus(status).label,
            },
            code="invalid_transition",
        )


def conversation_set_status(*, conversation: Conversation, status: str) -> Conversation:
    """Move a conversation to another status, if that step is allowed from where it is."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.status == status:
            return conversation
        status_change_check(conversation=conversation, status=status)
        conversation.status = status
        _save(conversation)
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
            status_change_check(conversation=current, status=status)
        current.status = status
        current.topic = topic
        current.assignee = assignee
        current.notes = notes
        _save(current)
    return current


def conversation_assign(*, conversation: Conversation, assignee: Any) -> Conversation:
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        conversation.assignee = assignee
        _save(conversation)
    return conversation


def _strip_reply_prefixes(subject: str) -> str:
    return re.sub(r"^(\s*(re|aw|antw|fwd?|wg)\s*:\s*)+", "", subject, flags=re.I).strip()


def answer_subject(conversation: Conversation) -> str:
    """`AW: <subject> [VERL-2026-000123]`: the reference lets replies find their way back."""
    subject = _strip_reply_prefixes(conversation.subject) or _("Ihre Nachricht")
    subject = subject.replace(f"[{conversation.reference}]", "").strip()
    return f"AW: {subject} [{conversation.reference}]"


def conversation_answer(*, conversation: Conversation, author: Any, text: str) -> Message:
    """Store a staff answer in the conversation and e-mail it to the citizen.

    The mail carries a Message-ID of ours and In-Reply-To/References to the latest message
    with an ID, so mail clients thread it and the citizen's reply joins this conversation.
    """
    text = clean_text(text).strip()
    if not text:
        raise ValidationError(_("Bitte schreiben Sie eine Antwort."), code="empty")
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.status == ConversationStatus.CLOSED:
            raise ValidationError(
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
        _save(message)
        conversation.status = ConversationStatus.ANSWERED
        conversation.last_message_at = now
        _save(conversation)
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
        )
    return message


# --- Seed: the topics a fresh site offers -------------------------------------------------

DEFAULT_TOPICS = ["Allgemein", "Digitale Verwaltung", "Smart City", "Barriere melden"]


def inbox_seed(*, dry_run: bool = False) -> SeedReport:
    """Create the default topics; editors' changes and deletions are kept (see content_seed)."""
    items = [
        SeedItem(Topic, {"name": name}, {"position": index * 10, "is_active": True})
        for index, name in enumerate(DEFAULT_TOPICS, start=1)
    ]
    return content_seed(items=items, dry_run=dry_run)
