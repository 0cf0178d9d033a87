"""Who is told: a topic's responsible staff, and how a person wants their alerts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from feedback.alerts.digest import MODERATION
from feedback.models import AlertDelivery, AlertPreference, Topic


def topic_responsible_staff(topic: Topic | None) -> QuerySet:
    """The active accounts with an address that hear about new messages on `topic`.

    The topic's group and people together; the group *Moderation* when the topic names
    neither (or there is no topic, as for a new e-mail).
    """
    condition = Q()
    if topic is not None:
        if topic.responsible_group_id is not None:
            condition |= Q(groups=topic.responsible_group_id)
        user_ids = list(topic.responsible_users.values_list("pk", flat=True))
        if user_ids:
            condition |= Q(pk__in=user_ids)
    if not condition:
        condition = Q(groups__name=MODERATION)
    users = get_user_model().objects.filter(condition, is_active=True).exclude(email="")
    return get_user_model().objects.filter(pk__in=users.values("pk")).order_by("pk")


def alert_delivery(user: Any) -> str:
    """How `user` wants their alerts (`AlertDelivery`); at once unless they chose otherwise."""
    preference = AlertPreference.objects.filter(user=user).first()
    return preference.delivery if preference else AlertDelivery.IMMEDIATE
