"""Inbound e-mail into the inbox: one raw message in, exactly one `IngestResult` out.

`message_ingest` parses the mail (`feedback.inbox.parse`), skips auto-replies and bounces,
recognises duplicates (by Message-ID, or by content when there is none; the database's
unique constraints decide when two ingests race), threads a reply into its conversation
(`_thread`) or opens a new one, and keeps the attachments that pass size, count and type
checks. Both intake commands (`ingest_email`, `fetch_email`) use it.

Threading trusts a Message-ID of ours in In-Reply-To/References from any sender (they are
unguessable), a reference number in the subject only from the conversation's own address
(numbers are sequential, so guessable). A reply sets its conversation back to *neu* and
tells the assignee, or the topic's responsible staff when nobody is assigned; a new
conversation tells the responsible staff (`feedback.alerts.services`).
Attachments are stored under unguessable names in `MEDIA_ROOT/inbox/`, typed by their content,
never by the sender's label.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.alerts.services import new_message_announce, reply_announce
from feedback.cases.references import reference_allocate, reference_pattern
from feedback.cases.services import case_conversation_changed, case_open_for_conversation
from feedback.inbox.parse import InvalidMail, ParsedMail, parse_message, sniff_content_type
from feedback.models import (
    Attachment,
    Channel,
    Conversation,
    ConversationStatus,
    Direction,
    Message,
)
from strategy.base import validated_save


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

    Only Message-IDs the site generated (its answers) are trusted, from any sender: they are
    unguessable. A citizen's own Message-ID is not: whoever received their mail (or guessed
    it) could otherwise add mail to their conversation and to their data export. A reference
    number in the subject is guessable, so it counts only from the conversation's address.
    """
    ids = [i for i in [mail.in_reply_to, *reversed(mail.references)] if i]
    if ids:
        parent = (
            Message.objects.filter(message_id__in=ids, direction=Direction.OUT)
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
                validated_save(stored)
            continue
        dropped.append(f"{attachment.filename}: {reason}")
    return dropped


def message_ingest(*, raw: bytes, dry_run: bool = False) -> IngestResult:
    """Store one inbound e-mail: in its conversation if it is a reply, else in a new one.

    Auto-replies and bounces are skipped, so nothing automatic is ever answered. With
    `dry_run` the outcome is worked out and nothing is kept.
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
        validated_save(conversation)
        new_message_announce(conversation=conversation)
        case_open_for_conversation(conversation=conversation)
    else:
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        reopened = conversation.status in (ConversationStatus.ANSWERED, ConversationStatus.CLOSED)
        # A citizen wrote again: whatever the state, the conversation needs attention.
        conversation.status = ConversationStatus.NEW
        conversation.last_message_at = now
        validated_save(conversation)
        reply_announce(conversation=conversation, reopened=reopened)
        case_conversation_changed(conversation=conversation, citizen_wrote=True)
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
    validated_save(message, validate_unique=False, validate_constraints=False)
    dropped = _attachments_store(message=message, mail=mail, dry_run=dry_run)
    if dropped:
        message.dropped_attachments = dropped
        message.save(update_fields=["dropped_attachments"])
    return conversation, message
