"""Reads of cases: the case page, deadlines for staff alerts, what flowed into a measure.

Deadline selectors (for the staff notifications): each returns a `Case` QuerySet, so callers
add `select_related("conversation__topic")`, filter by topic or count as they need.

- `cases_overdue()`: cases awaiting the town's next step whose due date has passed.
- `cases_due_soon(working_days=2)`: awaiting cases not yet overdue, due today or within the
  next `working_days` working days (weekends and holidays of `HOLIDAY_SUBDIVISION` skipped).

"Awaiting" is `CaseQuerySet.awaiting()`: received or in progress (a comment only until it
is moderated); cases waiting for the citizen, closed or merged ones and tombstones are not.
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from feedback.cases.workdays import add_working_days
from feedback.models import (
    APPEALABLE_STEPS,
    Case,
    CaseOutcome,
    Comment,
    CommentStatus,
    ModerationAction,
    ModerationStep,
)

# The steps that decide whether a comment is shown; the latest of them is the one in force.
DECIDING_STEPS = (
    ModerationStep.APPROVE,
    ModerationStep.REJECT,
    ModerationStep.SPAM,
    ModerationStep.HIDE,
    ModerationStep.RESTORE,
    ModerationStep.DISMISS,
)


def cases_overdue(*, today: date | None = None) -> QuerySet[Case]:
    """Awaiting cases whose due date lies before `today` (default: the local date)."""
    return Case.objects.overdue(today=today or timezone.localdate())


def cases_due_soon(*, working_days: int = 2, today: date | None = None) -> QuerySet[Case]:
    """Awaiting cases due from `today` up to `working_days` working days later."""
    today = today or timezone.localdate()
    return Case.objects.due_between(today, add_working_days(today, working_days))


def case_for_page(pk: int) -> Case | None:
    """A case with what its page shows, in one query.

    Only the joins and columns every case needs: PostgreSQL plans each join anew on every
    request, and with the measure and the merged-into case joined too the query took several
    times as long (`make bench`, case page). Of the comment only what decides between showing
    it (read again through `Comment.objects.public()`) and showing the decision against it;
    an adopting measure or a merged-into case cost a query each where a case has them.
    """
    try:
        return (
            Case.objects.select_related("conversation__topic", "comment")
            .only(*_CASE_FIELDS, *_PAGE_RELATED_FIELDS)
            .get(pk=pk)
        )
    except Case.DoesNotExist:
        return None


_CASE_FIELDS = tuple(field.name for field in Case._meta.concrete_fields)
_PAGE_RELATED_FIELDS = (
    "conversation__topic__name",
    "conversation__topic__name_en",
    "comment__status",
    "comment__hidden_at",
)


def decision_in_force(comment: Comment) -> ModerationAction | None:
    """The moderator's decision against a comment its author may object to, in one query:
    the latest deciding step, if it rejected, marked as spam or hid the comment (by a person,
    not the readers' reports) and the comment is still in that state. With its reason and
    its appeal (if any) joined."""
    latest = (
        ModerationAction.objects.filter(comment=comment, action__in=DECIDING_STEPS)
        .select_related("decision_reason", "appeal")
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is None or latest.action not in APPEALABLE_STEPS:
        return None
    in_force = {
        ModerationStep.REJECT: comment.status == CommentStatus.REJECTED,
        ModerationStep.SPAM: comment.status == CommentStatus.SPAM,
        ModerationStep.HIDE: comment.status == CommentStatus.APPROVED and comment.is_hidden,
    }
    automatic = latest.actor_id is None and latest.decision_reason_id is None
    if automatic or not in_force[latest.action]:
        return None
    return latest


def public_answer(comment: Comment) -> Comment | None:
    """The town's public answer to a comment, if any."""
    return comment.replies.public().filter(is_official=True).order_by("-created_at").first()


def measure_contributions(measure: object) -> tuple[int, QuerySet[Comment]]:
    """How many cases flowed into `measure` (outcome "aufgenommen"), and the public comments
    among them: their text is public anyway; private messages are only counted."""
    count = Case.objects.live().filter(outcome=CaseOutcome.ADOPTED, outcome_measure=measure).count()
    public = (
        Comment.objects.public()
        .on_published_targets()
        .filter(case__outcome=CaseOutcome.ADOPTED, case__outcome_measure=measure)
        .order_by("-created_at", "-id")
    )
    return count, public
