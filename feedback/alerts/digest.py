"""The digest: the one way staff are mailed news, at once after a quiet interval, else batched.

Two kinds of news share it. New pending comments and readers' reports go to every active
member of *Moderation* in one list; the items are marked (`moderators_notified_at`), which
also gives the time of the last moderators' digest. Inbox alerts (`feedback.models.Alert`:
a new message, an assignment, a reopened conversation) go to the one person each is for,
in one list per person, as that person chose (`AlertPreference`):

- *at once* (the default): the first alert after `MODERATION_NOTIFY_INTERVAL` without a mail
  goes out at once; later ones wait for the end of the interval and go out together;
- *daily*: everything of a day in one mail at `DAILY_SUMMARY_AT` (local time) the next
  morning, or that morning if it is still earlier;
- *off*: nothing is recorded for the person, and what was waiting when they switched is
  dropped.

After a new item commits, `moderators_notify_schedule` or `alerts_schedule` works out when
the digest is due and enqueues the `notify_staff` task for that moment; a cache marker per
moment keeps one scheduled run per slot, and a due run is always enqueued. A run mails what
is due, marks it, and enqueues itself again for whatever is still waiting; a surplus run
finds nothing and sends nothing.
"""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from feedback.models import (
    Alert,
    AlertDelivery,
    AlertKind,
    AlertPreference,
    Comment,
    CommentReport,
)
from feedback.outbox import absolute_url, email_queue

# The staff group whose members get the digest of comments, and the inbox's alerts for topics
# without responsible staff; `verl_digital.accounts.roles` gives it its permissions.
MODERATION = "Moderation"

DIGEST_MARKER = "feedback:staff-digest-scheduled"
# A digest lists this many items; the rest are counted.
DIGEST_MAX_ITEMS = 200
# When the daily summary of inbox alerts goes out (local time).
DAILY_SUMMARY_AT = time(7, 0)
# Mailed alerts are kept this long (the last one per person starts the quiet interval).
ALERT_KEEP = timedelta(days=30)


def _interval() -> timedelta:
    return timedelta(seconds=settings.MODERATION_NOTIFY_INTERVAL)


def _last_digest_at() -> Any:
    times = [
        Comment.objects.aggregate(last=Max("moderators_notified_at"))["last"],
        CommentReport.objects.aggregate(last=Max("moderators_notified_at"))["last"],
    ]
    times = [t for t in times if t is not None]
    return max(times) if times else None


def _next_digest_at(now: Any) -> Any:
    last = _last_digest_at()
    if last is None:
        return now
    return max(now, last + _interval())


def _enqueue_digest(*, now: datetime, run_after: datetime) -> None:
    """Enqueue the digest task; a later run is enqueued once per moment, marked in the cache.

    A due digest is always enqueued: a marker outliving a run that has already taken its
    list would leave newer items waiting. Surplus runs find nothing new and send nothing.
    """
    wait = math.ceil((run_after - now).total_seconds())
    marker = f"{DIGEST_MARKER}:{int(run_after.timestamp())}"
    if wait > 0 and not cache.add(marker, True, timeout=wait):
        return
    notify_staff.using(run_after=max(now, run_after)).enqueue()


def moderators_notify_schedule() -> None:
    """Make sure a digest for the moderators is scheduled; called after a new item commits."""
    now = timezone.now()
    _enqueue_digest(now=now, run_after=_next_digest_at(now))


@transaction.atomic
def moderators_notify() -> str:
    """Mail the moderators one list of all new pending comments and reports.

    Runs in the background worker; at most one digest per `MODERATION_NOTIFY_INTERVAL`.
    """
    now = timezone.now()
    comments = Comment.objects.awaiting_digest()
    reports = CommentReport.objects.awaiting_digest()
    if not (comments.exists() or reports.exists()):
        return "nothing"
    due = _next_digest_at(now)
    if due > now:
        _enqueue_digest(now=now, run_after=due)
        return "deferred"
    comment_ids = list(
        comments.select_for_update(skip_locked=True)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )
    report_ids = list(
        reports.select_for_update(skip_locked=True)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )
    Comment.objects.filter(pk__in=comment_ids).update(moderators_notified_at=now)
    CommentReport.objects.filter(pk__in=report_ids).update(moderators_notified_at=now)
    listed_comments = list(
        Comment.objects.filter(pk__in=comment_ids[:DIGEST_MAX_ITEMS])
        .select_related("content_type")
        .prefetch_related("target")
        .order_by("created_at")
    )
    listed_reports = list(
        CommentReport.objects.filter(pk__in=report_ids[:DIGEST_MAX_ITEMS])
        .select_related("comment")
        .order_by("created_at")
    )
    recipients = sorted(
        set(
            get_user_model()
            .objects.filter(groups__name=MODERATION, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )

    def admin_url(name: str, pk: int) -> str:
        return absolute_url(reverse(name, args=[pk]))

    context = {
        "comments": [
            (c, admin_url("admin:feedback_comment_change", c.pk)) for c in listed_comments
        ],
        "reports": [
            (r, admin_url("admin:feedback_comment_change", r.comment_id)) for r in listed_reports
        ],
        "more_comments": max(0, len(comment_ids) - DIGEST_MAX_ITEMS),
        "more_reports": max(0, len(report_ids) - DIGEST_MAX_ITEMS),
        "comment_count": len(comment_ids),
        "report_count": len(report_ids),
        "queue_url": absolute_url(reverse("admin:feedback_comment_changelist"))
        + "?status__exact=pending",
    }
    for recipient in recipients:
        email_queue(to=recipient, template="moderators_digest", context=context)
    return "sent" if recipients else "no-recipients"


def daily_summary_after(moment: datetime) -> datetime:
    """The first daily-summary time at or after `moment`."""
    local = timezone.localtime(moment)
    candidate = timezone.make_aware(datetime.combine(local.date(), DAILY_SUMMARY_AT))
    return candidate if candidate >= local else candidate + timedelta(days=1)


def _alerts_due(*, now: datetime, recipient_ids: list[int] | None = None) -> dict[int, Any]:
    """When the waiting alerts of each person (or of those given) are due to be mailed."""
    pending = Alert.objects.pending()
    if recipient_ids is not None:
        pending = pending.filter(recipient_id__in=recipient_ids)
    first = dict(
        pending.values("recipient_id")
        .annotate(first=Min("created_at"))
        .values_list("recipient_id", "first")
    )
    if not first:
        return {}
    last = dict(
        Alert.objects.filter(recipient_id__in=first, mailed_at__isnull=False)
        .values("recipient_id")
        .annotate(last=Max("mailed_at"))
        .values_list("recipient_id", "last")
    )
    deliveries = dict(
        AlertPreference.objects.filter(user_id__in=first).values_list("user_id", "delivery")
    )
    due = {}
    for recipient_id, first_at in first.items():
        delivery = deliveries.get(recipient_id, AlertDelivery.IMMEDIATE)
        if delivery == AlertDelivery.DAILY:
            due[recipient_id] = daily_summary_after(first_at)
        elif delivery == AlertDelivery.OFF or recipient_id not in last:
            due[recipient_id] = now
        else:
            due[recipient_id] = max(now, last[recipient_id] + _interval())
    return due


def alerts_schedule(recipient_ids: list[int]) -> None:
    """Make sure a digest is scheduled for these people's new alerts; called after commit."""
    now = timezone.now()
    due = _alerts_due(now=now, recipient_ids=recipient_ids)
    if due:
        _enqueue_digest(now=now, run_after=min(due.values()))


@transaction.atomic
def alerts_notify() -> str:
    """Mail every person whose alerts are due one list of them; schedule the rest.

    Runs in the background worker. Alerts of people who switched their alerts off, or who
    cannot be mailed (inactive, no address), are dropped.
    """
    now = timezone.now()
    Alert.objects.filter(mailed_at__lt=now - ALERT_KEEP).delete()
    due = _alerts_due(now=now)
    if not due:
        return "nothing"
    later = [moment for moment in due.values() if moment > now]
    if later:
        _enqueue_digest(now=now, run_after=min(later))
    recipients = get_user_model().objects.filter(
        pk__in=[pk for pk, moment in due.items() if moment <= now]
    )
    deliveries = dict(
        AlertPreference.objects.filter(user__in=recipients).values_list("user_id", "delivery")
    )
    sent = 0
    for recipient in recipients.order_by("pk"):
        alerts = list(
            Alert.objects.pending()
            .filter(recipient=recipient)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("conversation__topic")
            .order_by("created_at", "pk")
        )
        if not alerts:
            continue
        delivery = deliveries.get(recipient.pk, AlertDelivery.IMMEDIATE)
        if delivery == AlertDelivery.OFF or not recipient.is_active or not recipient.email:
            Alert.objects.filter(pk__in=[alert.pk for alert in alerts]).delete()
            continue
        Alert.objects.filter(pk__in=[alert.pk for alert in alerts]).update(mailed_at=now)
        email_queue(
            to=recipient.email,
            template="staff_alerts",
            context=_alerts_context(alerts, daily=delivery == AlertDelivery.DAILY),
        )
        sent += 1
    return f"sent {sent}"


def _alerts_context(alerts: list[Alert], *, daily: bool) -> dict[str, Any]:
    """One line per conversation and kind, in the order the news came; only what staff need
    to find the conversation: the reference, the topic, the subject and the admin link."""
    lines: dict[tuple[int, str], dict[str, Any]] = {}
    for alert in alerts:
        line = lines.setdefault(
            (alert.conversation_id, alert.kind),
            {
                "kind": AlertKind(alert.kind).label,
                "conversation": alert.conversation,
                "url": absolute_url(alert.conversation.get_admin_url()),
                "count": 0,
            },
        )
        line["count"] += 1
    items = list(lines.values())
    return {
        "items": items[:DIGEST_MAX_ITEMS],
        "more": max(0, len(items) - DIGEST_MAX_ITEMS),
        "count": len(items),
        "daily": daily,
        "settings_url": absolute_url(reverse("feedback:alert_settings")),
    }


@transaction.atomic
def staff_notify() -> str:
    """Mail what is due: the moderators' digest and the inbox alerts."""
    return f"moderation: {moderators_notify()}; alerts: {alerts_notify()}"


@task()
def notify_staff() -> str:
    """Mail staff what is due (see `staff_notify`)."""
    return staff_notify()


# Rows queued before the digest served the inbox name this task; it does the same.
notify_moderators = notify_staff
