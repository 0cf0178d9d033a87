"""Ihr Feedback – unsere Maßnahmen: linking feedback to measures, and telling its senders
when a measure's status changes.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from feedback.comment_pages import comments_public_changed
from feedback.models import Comment, CommentStatus, ConfirmedAddress, Conversation, MeasureLink
from feedback.outbox import absolute_url
from feedback.subscriptions.services import normalize_email, subscriber_notify
from strategy.base import validated_save
from strategy.models import Measure, MeasureStatus
from verl_digital.caching.versions import COMMENTS, CONTENT, versions_bump


def measure_link_create(
    *,
    measure: Measure,
    linked_by: Any,
    comment: Comment | None = None,
    conversation: Conversation | None = None,
) -> MeasureLink:
    """Link one comment or one conversation to a measure; linking it again changes nothing.

    Only citizens' feedback is linked: no spam, and not the town's own official answers.
    """
    if (comment is None) == (conversation is None):
        raise ValidationError(
            _("Bitte ordnen Sie entweder einen Kommentar oder einen Vorgang zu."), code="item"
        )
    with transaction.atomic():
        if comment is not None:
            comment = Comment.objects.select_for_update().get(pk=comment.pk)
            if comment.is_official or comment.status == CommentStatus.SPAM:
                raise ValidationError(
                    _("Spam und Antworten der Stadt werden keiner Maßnahme zugeordnet."),
                    code="not_feedback",
                )
            existing = MeasureLink.objects.filter(measure=measure, comment=comment).first()
        else:
            conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
            existing = MeasureLink.objects.filter(
                measure=measure, conversation=conversation
            ).first()
        if existing is not None:
            return existing
        link = MeasureLink(
            measure=measure, comment=comment, conversation=conversation, linked_by=linked_by
        )
        validated_save(link)
        _measure_links_changed(link)
    return link


@transaction.atomic
def measure_link_delete(*, link: MeasureLink) -> None:
    """Undo a link; an already deleted one is fine."""
    if MeasureLink.objects.filter(pk=link.pk).delete()[0]:
        _measure_links_changed(link)


def _measure_links_changed(link: MeasureLink) -> None:
    """The measure's page lists its linked public comments and counts all linked feedback."""
    if link.comment is not None:
        comments_public_changed(link.comment)
    versions_bump(CONTENT, COMMENTS)


@transaction.atomic
def measure_contributors_notify(*, measure: Measure, old_status: str, new_status: str) -> int:
    """Tell the citizens whose feedback is linked to a measure that its status changed.

    Each address gets one mail, however many of its comments and messages are linked. Only
    confirmed addresses that still want updates are mailed: comment authors who asked for
    notifications and contact-form senders who ticked "Über Fortschritte informieren".
    Nothing is sent for a measure the public cannot see. Returns the number of mails queued.
    """
    if old_status == new_status or not Measure.objects.published().filter(pk=measure.pk).exists():
        return 0
    from_comments = (
        Comment.objects.filter(measure_links__measure=measure, notify=True, is_official=False)
        .exclude(author_email="")
        .exclude(status=CommentStatus.SPAM)
        .values_list("author_email", flat=True)
    )
    from_conversations = Conversation.objects.filter(
        measure_links__measure=measure, notify_progress=True
    ).values_list("contact_email", flat=True)
    emails = {normalize_email(email) for email in chain(from_comments, from_conversations)}
    addresses = ConfirmedAddress.objects.subscribed().filter(email__in=emails).order_by("email")
    context = {
        "measure": measure,
        "measure_url": absolute_url(measure.get_absolute_url()),
        "old_status": MeasureStatus(old_status).label,
        "new_status": MeasureStatus(new_status).label,
    }
    sent = 0
    for address in addresses:
        subscriber_notify(address=address, template="measure_status_changed", context=context)
        sent += 1
    return sent
