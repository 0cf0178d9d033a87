"""The inbox's writes: the contact form, status, assignment, answers.

Inbound e-mail is stored by `feedback.inbox.ingest`; both open conversations with a reference
number from `feedback.cases.references.reference_allocate` and a case
(`feedback.cases.services`), which every status change here keeps in step. Status changes are checked
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
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.alerts.services import assignment_announce, new_message_announce
from feedback.cases import services as cases
from feedback.cases.links import case_absolute_url
from feedback.cases.references import reference_allocate
from feedback.inbox.parse import storable_text
from feedback.models import (
    Case,
    CaseOutcome,
    Channel,
    Conversation,
    ConversationStatus,
    Direction,
    Message,
    Topic,
)
from feedback.outbox import email_queue
from feedback.subscriptions.services import (
    address_request_confirmation,
    confirmation_mail_limit_exceeded,
)
from strategy.base import TransitionNotAllowed, transition_check, validated_save
from strategy.packs import pack_load
from strategy.services import SeedReport
from strategy.town import town_from_email, town_profile


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
                to=town_profile().cdo_email,
                subject=subject[:255],
                text=text,
                sent_at=now,
                created_at=now,
            )
        )
        case = cases.case_open_for_conversation(conversation=conversation)
        if not confirmation_mail_limit_exceeded(email):
            email_queue(
                to=email,
                template="contact_confirmation",
                context={
                    "reference": conversation.reference,
                    "case_url": case_absolute_url(case),
                },
                reply_to=[town_profile().cdo_email],
            )
        if notify_progress:
            address_request_confirmation(email=email)
        new_message_announce(conversation=conversation)
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


def _outcome_check(*, case: Case | None, status: str) -> None:
    """Every case closes with its outcome (Auskunft gegeben, aufgenommen in …, …)."""
    if case is not None and status == ConversationStatus.CLOSED and not case.outcome:
        raise ValidationError(
            {"outcome": _("Bitte halten Sie beim Abschließen das Ergebnis des Falls fest.")},
            code="outcome_required",
        )


def conversation_set_status(*, conversation: Conversation, status: str) -> Conversation:
    """Move a conversation to another status, if that step is allowed from where it is.

    Closing needs the case's outcome, recorded before (`conversation_edit` records it).
    """
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.status == status:
            return conversation
        conversation_status_check(conversation=conversation, status=status)
        conversation.status = status
        validated_save(conversation)
        case = cases.case_conversation_changed(conversation=conversation)
        _outcome_check(case=case, status=status)
    return conversation


def conversation_edit(
    *,
    conversation: Conversation,
    status: str,
    topic: Topic | None,
    assignee: Any,
    notes: str,
    actor: Any,
    outcome: str = "",
    outcome_details: dict[str, Any] | None = None,
) -> Conversation:
    """Save what staff changed on a conversation in the admin; a status change is checked.

    Closing needs the case's outcome: recorded before, or `outcome` (with its
    `outcome_details` for `case_outcome_record`: reason, measure, organisation) now. A new
    assignee is told, unless `actor` (who made the change) assigned themselves.
    """
    with transaction.atomic():
        current = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if current.status != status:
            conversation_status_check(conversation=current, status=status)
        reassigned = current.assignee_id != (assignee.pk if assignee else None)
        current.status = status
        current.topic = topic
        current.assignee = assignee
        current.notes = notes
        validated_save(current)
        if reassigned:
            assignment_announce(conversation=current, actor=actor)
        case = cases.case_conversation_changed(conversation=current)
        if case is not None and outcome:
            case = cases.case_outcome_record(case=case, outcome=outcome, **(outcome_details or {}))
        _outcome_check(case=case, status=status)
    return current


def conversation_assign(*, conversation: Conversation, assignee: Any, actor: Any) -> Conversation:
    """Make `assignee` responsible; they are told unless they are `actor`, assigning themselves."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        reassigned = conversation.assignee_id != (assignee.pk if assignee else None)
        conversation.assignee = assignee
        validated_save(conversation)
        if reassigned:
            assignment_announce(conversation=conversation, actor=actor)
    return conversation


def _strip_reply_prefixes(subject: str) -> str:
    return re.sub(r"^(\s*(re|aw|antw|fwd?|wg)\s*:\s*)+", "", subject, flags=re.I).strip()


def answer_subject(conversation: Conversation) -> str:
    """`AW: <subject> [VERL-2026-000123]`: the reference lets replies find their way back."""
    subject = _strip_reply_prefixes(conversation.subject) or _("Ihre Nachricht")
    subject = subject.replace(f"[{conversation.reference}]", "").strip()
    return f"AW: {subject} [{conversation.reference}]"


def conversation_answer(
    *,
    conversation: Conversation,
    author: Any,
    text: str,
    asks_citizen: bool = False,
    close: bool = False,
) -> Message:
    """Store a staff answer in the conversation and e-mail it to the citizen; the
    conversation is then answered, or closed if `close` (nothing more to do; a case without
    an outcome then records "Auskunft gegeben").

    With `asks_citizen` the answer is a question back ("Rückfrage an Sie"): the case's
    deadline pauses until the citizen replies. Citizens of merged duplicates get the answer
    too, each by their own mail (`case_answer_duplicates`).

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
        sender_name, sender_address = parseaddr(town_from_email())
        domain = sender_address.rpartition("@")[2] or None
        message_id = make_msgid(domain=domain)[1:-1]
        now = timezone.now()
        subject = answer_subject(conversation)
        message = Message(
            conversation=conversation,
            direction=Direction.OUT,
            from_name=sender_name,
            from_address=sender_address,
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
        case = cases.case_conversation_changed(
            conversation=conversation, answered=True, asks_citizen=asks_citizen
        )
        if close and case is not None and not case.outcome:
            case = cases.case_outcome_record(case=case, outcome=CaseOutcome.INFORMATION)
        email_queue(
            to=conversation.contact_email,
            template="answer",
            context={
                "subject": subject,
                "text": text,
                "reference": conversation.reference,
                "case_url": case_absolute_url(case) if case is not None else "",
            },
            headers=headers,
            reply_to=[town_profile().cdo_email],
            # Written by a person: an absence notice in reply is welcome here.
            automatic=False,
        )
        if case is not None and not asks_citizen:
            cases.case_answer_duplicates(case=case, subject=subject, text=text)
    return message


def inbox_seed(*, dry_run: bool = False, source: str | None = None) -> SeedReport:
    """Create the contact form's topics of the content pack (`CONTENT_PACK` unless `source`
    names another); editors' changes and deletions are kept (see `content_seed`)."""
    return pack_load(source=source or settings.CONTENT_PACK, only={"topics"}, dry_run=dry_run)
