"""The moderators' digest: one mail listing the new pending comments and readers' reports.

After a comment or report commits, `moderators_notify_schedule` enqueues the
`notify_moderators` task for `max(now, last digest + MODERATION_NOTIFY_INTERVAL)`; a cache
marker keeps one scheduled run per slot. The task mails every active member of *Moderation*
one list and marks the items (`moderators_notified_at`), which also gives the time of the
last digest; a surplus run finds nothing and sends nothing.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from feedback.models import Comment, CommentReport
from feedback.outbox import absolute_url, email_queue

# The staff group whose members get the digest; `verl_digital.accounts.roles` gives it the
# permissions moderation needs.
MODERATION = "Moderation"

DIGEST_MARKER = "feedback:moderator-digest-scheduled"
# A digest lists this many items; the rest are counted.
DIGEST_MAX_ITEMS = 200


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
    return max(now, last + timedelta(seconds=settings.MODERATION_NOTIFY_INTERVAL))


def _enqueue_digest(*, now: Any, run_after: Any) -> None:
    """Enqueue the digest task; a later run is enqueued once, marked in the cache until then.

    A due digest is always enqueued: a marker outliving a run that has already taken its
    list would leave newer items waiting. Surplus runs find nothing new and send nothing.
    """
    wait = math.ceil((run_after - now).total_seconds())
    if wait > 0 and not cache.add(DIGEST_MARKER, True, timeout=wait):
        return
    notify_moderators.using(run_after=run_after).enqueue()


def moderators_notify_schedule() -> None:
    """Make sure a digest for the moderators is scheduled; called after a new item commits."""
    if cache.get(DIGEST_MARKER):
        return  # a digest is scheduled (the marker expires when it runs): it takes this item
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


@task()
def notify_moderators() -> str:
    """Mail the moderators the new pending comments and reports (see `moderators_notify`)."""
    return moderators_notify()
