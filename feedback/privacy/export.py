"""Everything stored about an address as JSON-ready data (DSGVO Art. 15 and 20)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.models import (
    Appeal,
    Comment,
    CommentReport,
    Conversation,
    Message,
    PrivacyRequestKind,
)
from feedback.privacy.lookup import personal_data_find, privacy_request_log
from strategy.town import town_profile


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
            {
                "step": action.action,
                "reason_from_list": str(action.decision_reason or ""),
                "reason": action.reason,
                "at": _when(action.created_at),
                "appeal": _appeal_export(getattr(action, "appeal", None)),
            }
            for action in comment.actions.all()
        ],
    }


def _appeal_export(appeal: Appeal | None) -> dict[str, Any] | None:
    if appeal is None:
        return None
    return {
        "text": appeal.text,
        "status": appeal.status,
        "submitted_at": _when(appeal.created_at),
        "decided_at": _when(appeal.decided_at),
        "review_reason": appeal.review_reason,
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
        # Reports the account made: which comment, why, its note (the comment's text is not
        # the account's data).
        "comment_reports": [
            {
                "comment": report.comment_id,
                "reason": report.reason,
                "note": report.note,
                "created_at": _when(report.created_at),
                "resolved_at": _when(report.resolved_at),
            }
            for report in CommentReport.objects.filter(reporter=user).order_by("created_at")
        ],
    }


@transaction.atomic
def personal_data_export(*, email: str, actor: Any) -> dict[str, Any]:
    """Everything stored about `email`, as JSON-ready data (Art. 15 and 20); logged."""
    found = personal_data_find(email=email)
    comments = found.comments.select_related("content_type").prefetch_related(
        "target", "actions__appeal", "actions__decision_reason"
    )
    conversations = found.conversations.select_related("topic").prefetch_related(
        "messages__attachments"
    )
    data = {
        "email": found.email,
        "exported_at": _when(timezone.now()),
        "site": settings.SITE_URL,
        "note": _(
            "Alle Daten, die die Website der %(town)s zu dieser E-Mail-Adresse speichert. "
            "IP-Adressen werden nicht gespeichert."
        )
        % {"town": town_profile().name},
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
                "text": task.args_kwargs["kwargs"].get("body", ""),
                "status": task.status,
                "queued_at": _when(task.enqueued_at),
                "finished_at": _when(task.finished_at),
            }
            for task in found.mails.order_by("enqueued_at")
        ],
    }
    privacy_request_log(
        kind=PrivacyRequestKind.EXPORT, email=found.email, actor=actor, summary=found.counts()
    )
    return data
