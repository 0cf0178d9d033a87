"""The morning summary: each person with open cases past or near their due date gets one mail.

`overdue_summaries_send` runs on working days (`feedback.cases.workdays`) from
`OVERDUE_SUMMARY_AT` local time (`manage.py send_overdue_summary`, started every hour by the
scheduler: README, *Scheduled jobs*). It reads the case core's deadline selectors
(`cases_overdue`, `cases_due_soon`) and gives each case to the people who owe its next step:

- a conversation's case to its assignee; with nobody assigned, to the staff responsible for
  its topic (`topic_responsible_staff`, by default *Moderation*);
- a comment's case (awaiting moderation) to *Moderation*.

People who switched their alerts off get none. Each mail is recorded in PostgreSQL
(`OverdueSummarySent`, unique per person and day) in the transaction that queues it, so a
second run on the same day, or two runs at once, mail nobody twice. Like every alert, the
mail names only the reference, the topic, the subject, the due date and the admin link.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from feedback.alerts.digest import MODERATION
from feedback.alerts.selectors import topic_responsible_staff
from feedback.cases.selectors import cases_due_soon, cases_overdue
from feedback.cases.workdays import is_working_day
from feedback.models import AlertDelivery, AlertPreference, Case, OverdueSummarySent
from feedback.outbox import absolute_url, email_queue
from strategy.base import validated_save

# From when on a working day the summary goes out (local time).
OVERDUE_SUMMARY_AT = time(7, 0)
# Working days ahead that count as "due soon".
DUE_SOON_WORKING_DAYS = 2
# Records of sent summaries are kept this long, then deleted by the next run.
RECORD_KEEP = timedelta(days=90)


@dataclass
class SummaryReport:
    """What a run did (or, with `dry_run`, would do): who got how many cases."""

    day: date
    skipped: str = ""
    sent: dict[str, tuple[int, int]] = field(default_factory=dict)
    already_sent: list[str] = field(default_factory=list)


def summary_due(now: datetime) -> bool:
    """Is `now` a working day's morning or later, when the summary may go out?"""
    local = timezone.localtime(now)
    return is_working_day(local.date()) and local.time() >= OVERDUE_SUMMARY_AT


def _line(case: Case) -> dict[str, Any]:
    conversation = case.conversation
    if conversation is not None:
        url = conversation.get_admin_url()
        topic = conversation.topic.name if conversation.topic else ""
        subject = conversation.subject
    else:
        url = reverse("admin:feedback_comment_change", args=[case.comment_id])
        topic, subject = "", ""
    return {
        "reference": case.reference,
        "due_date": case.due_date,
        "topic": topic,
        "subject": subject,
        "comment": conversation is None,
        "url": absolute_url(url),
    }


def cases_by_person(*, day: date) -> dict[Any, tuple[list[Case], list[Case]]]:
    """Each person's open cases on `day`: (overdue, due soon), each in due-date order."""
    related = ("conversation__topic", "conversation__assignee")
    overdue = cases_overdue(today=day).select_related(*related).order_by("due_date", "pk")
    soon = (
        cases_due_soon(working_days=DUE_SOON_WORKING_DAYS, today=day)
        .select_related(*related)
        .order_by("due_date", "pk")
    )
    moderators = list(
        get_user_model()
        .objects.filter(groups__name=MODERATION, is_active=True)
        .exclude(email="")
        .distinct()
    )
    responsible: dict[Any, list[Any]] = {}

    def people(case: Case) -> list[Any]:
        conversation = case.conversation
        if conversation is None:
            return moderators
        if conversation.assignee is not None:
            assignee = conversation.assignee
            return [assignee] if assignee.is_active and assignee.email else []
        if conversation.topic_id not in responsible:
            responsible[conversation.topic_id] = list(topic_responsible_staff(conversation.topic))
        return responsible[conversation.topic_id]

    result: dict[Any, tuple[list[Case], list[Case]]] = defaultdict(lambda: ([], []))
    for index, cases in enumerate((overdue, soon)):
        for case in cases:
            for person in people(case):
                result[person][index].append(case)
    return dict(result)


def overdue_summaries_send(
    *, day: date | None = None, now: datetime | None = None, dry_run: bool = False
) -> SummaryReport:
    """Mail each person their overdue and nearly due cases, once per working day.

    Without `day`, today, and only from `OVERDUE_SUMMARY_AT` on a working day; a `day` given
    is summarised at once if it is a working day. People who had theirs today are skipped.
    """
    now = now or timezone.now()
    if day is None:
        day = timezone.localdate(now)
        if not summary_due(now):
            return SummaryReport(day=day, skipped="not a working day's morning")
    elif not is_working_day(day):
        return SummaryReport(day=day, skipped="not a working day")
    report = SummaryReport(day=day)
    if not dry_run:
        OverdueSummarySent.objects.filter(day__lt=day - RECORD_KEEP).delete()
    by_person = cases_by_person(day=day)
    silenced = set(
        AlertPreference.objects.filter(
            user__in=[person.pk for person in by_person], delivery=AlertDelivery.OFF
        ).values_list("user_id", flat=True)
    )
    done = set(
        OverdueSummarySent.objects.filter(day=day, recipient__in=list(by_person)).values_list(
            "recipient_id", flat=True
        )
    )
    for person in sorted(by_person, key=lambda user: user.pk):
        if person.pk in silenced:
            continue
        overdue, soon = by_person[person]
        if person.pk in done:
            report.already_sent.append(person.email)
            continue
        if not dry_run and not _summary_send(person=person, day=day, overdue=overdue, soon=soon):
            report.already_sent.append(person.email)
            continue
        report.sent[person.email] = (len(overdue), len(soon))
    return report


def _summary_send(*, person: Any, day: date, overdue: list[Case], soon: list[Case]) -> bool:
    """Record and queue one person's summary; False if another run recorded it first."""
    try:
        with transaction.atomic():
            validated_save(OverdueSummarySent(recipient=person, day=day))
            email_queue(
                to=person.email,
                template="overdue_summary",
                context={
                    "day": day,
                    "overdue": [_line(case) for case in overdue],
                    "soon": [_line(case) for case in soon],
                    "settings_url": absolute_url(reverse("feedback:alert_settings")),
                },
            )
    except (IntegrityError, ValidationError):
        return False
    return True
