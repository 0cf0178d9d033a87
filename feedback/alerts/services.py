"""Recording what is news for whom in the inbox, and each person's choice of alerts.

The inbox's services call these inside their transaction: a new message tells the topic's
responsible staff, a reply tells the assignee (or, with nobody assigned, the responsible
staff), an assignment tells the assignee unless they assigned themselves. Each records one
`Alert` per person who has not switched alerts off; after commit the digest is scheduled
(`feedback.alerts.digest`), which mails them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from feedback.alerts.digest import alerts_schedule
from feedback.alerts.selectors import topic_responsible_staff
from feedback.models import Alert, AlertDelivery, AlertKind, AlertPreference, Conversation
from strategy.base import validated_save


def alerts_record(
    *, kind: str, conversation: Conversation, recipients: Iterable[Any]
) -> list[Alert]:
    """One alert of `kind` for each of `recipients` who can be mailed and wants alerts."""
    candidates = {user.pk: user for user in recipients if user.is_active and user.email}
    silenced = set(
        AlertPreference.objects.filter(
            user_id__in=candidates, delivery=AlertDelivery.OFF
        ).values_list("user_id", flat=True)
    )
    alerts = []
    with transaction.atomic():
        for pk, user in sorted(candidates.items()):
            if pk in silenced:
                continue
            alert = Alert(recipient=user, kind=kind, conversation=conversation)
            validated_save(alert)
            alerts.append(alert)
        if alerts:
            recipient_ids = [alert.recipient_id for alert in alerts]
            transaction.on_commit(lambda: alerts_schedule(recipient_ids), robust=True)
    return alerts


def new_message_announce(*, conversation: Conversation) -> list[Alert]:
    """A new conversation (form or e-mail): tell the staff responsible for its topic."""
    return alerts_record(
        kind=AlertKind.NEW_MESSAGE,
        conversation=conversation,
        recipients=topic_responsible_staff(conversation.topic),
    )


def reply_announce(*, conversation: Conversation, reopened: bool) -> list[Alert]:
    """A citizen wrote again: tell the assignee, or the responsible staff if nobody is.

    `reopened`: the conversation was answered or closed before, and the reply reopened it.
    """
    if conversation.assignee_id is not None:
        recipients = [conversation.assignee]
    else:
        recipients = list(topic_responsible_staff(conversation.topic))
    return alerts_record(
        kind=AlertKind.REOPENED if reopened else AlertKind.NEW_MESSAGE,
        conversation=conversation,
        recipients=recipients,
    )


def assignment_announce(*, conversation: Conversation, actor: Any) -> list[Alert]:
    """Tell the assignee that the conversation is theirs now, unless they took it themselves."""
    assignee = conversation.assignee
    if assignee is None or (actor is not None and assignee.pk == actor.pk):
        return []
    return alerts_record(kind=AlertKind.ASSIGNED, conversation=conversation, recipients=[assignee])


def alert_preference_set(*, user: Any, delivery: str) -> AlertPreference:
    """Store how `user` wants their alerts: at once, once a day, or not at all."""
    with transaction.atomic():
        preference = AlertPreference.objects.select_for_update().filter(
            user=user
        ).first() or AlertPreference(user=user)
        preference.delivery = delivery
        validated_save(preference)
    return preference
