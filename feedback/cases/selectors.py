"""Reads of cases: the case page, deadlines for staff alerts, what flowed into a measure.

Deadline selectors (for the staff notifications): each returns a `Case` QuerySet, so callers
add `select_related("conversation__topic")`, filter by topic or count as they need.

- `cases_overdue()`: cases awaiting the town's next step whose due date has passed.
- `cases_due_soon(working_days=2)`: awaiting cases not yet overdue, due today or within the
  next `working_days` working days (weekends and the town's federal state's holidays skipped).

"Awaiting" is `CaseQuerySet.awaiting()`: received or in progress (a comment only until it
is moderated); cases waiting for the citizen, closed or merged ones and tombstones are not.

`cases_search(queryset, term)`: the search of *Alle Rückmeldungen*, every step through an
index (see its docstring).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import smart_split, unescape_string_literal

from feedback.cases.references import reference_prefix
from feedback.cases.workdays import add_working_days
from feedback.models import (
    APPEALABLE_STEPS,
    Case,
    CaseOutcome,
    Comment,
    CommentStatus,
    Conversation,
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


# Above this many estimated matches a search word is looked up by walking the list.
SEARCH_DENSE_ABOVE = 20_000


def _reference_start() -> re.Pattern[str]:
    """The beginning of a reference number under the current prefix: `ABC-2026`,
    `abc-2026-0001`, … (the prefix alone is a word like any other: often it is the town's
    name). Numbers under an earlier prefix are found as any other word, through the
    reference's trigram index."""
    prefix = re.escape(reference_prefix())
    return re.compile(rf"{prefix}-\d{{1,4}}(-\d*)?", re.I)


def cases_search(
    queryset: QuerySet[Case],
    term: str,
    *,
    estimate: Callable[[QuerySet], int] | None = None,
    dense_above: int = SEARCH_DENSE_ABOVE,
) -> QuerySet[Case]:
    """The cases of `queryset` that match every word of `term`.

    A word shaped like the start of a reference number (`VERL-2026-00012`) matches the
    references beginning with it (the btree `…_like` index of the unique reference). Any
    other word matches a case whose reference, conversation subject or sender name, or
    comment text or author name contains it. Two ways to find those, chosen per word by
    PostgreSQL's estimate of how many cases match (`estimate`, e.g.
    `feedback.admin_tools.estimated_rows`):

    - few (up to `dense_above`): the matching conversations and comments are found in their
      own tables through their trigram indexes (`trigram_indexes`), their cases by the
      unique keys, and the three sets united;
    - many: the five fields OR-ed across the joins, as Django's admin searches. No index
      answers that, but the list walks its order and stops at a page of matches, which
      come quickly when a word is everywhere.

    Measured on `make bench-large` (EXPLAIN ANALYZE, bench/RESULTS.md): with the joins
    alone, a word found nowhere scanned the million cases with both joins (11 s); united
    through the indexes, a word in 70,000 comments took a second and one in 300,000 seven.
    """
    reference_start = _reference_start()
    for word in smart_split(term):
        if word[:1] in {'"', "'"} and word[-1:] == word[:1] and len(word) > 1:
            word = unescape_string_literal(word)
        if not word:
            continue
        if reference_start.fullmatch(word):
            queryset = queryset.filter(reference__startswith=word.upper())
            continue
        matches = _indexed_matches(word)
        if estimate is not None and estimate(matches) > dense_above:
            queryset = queryset.filter(
                Q(reference__icontains=word)
                | Q(conversation__subject__icontains=word)
                | Q(conversation__contact_name__icontains=word)
                | Q(comment__text__icontains=word)
                | Q(comment__author_name__icontains=word)
            )
        else:
            queryset = queryset.filter(pk__in=matches)
    return queryset


def _indexed_matches(word: str) -> QuerySet:
    """The pks of the cases `word` is found in, each part through its trigram index."""
    conversations = Conversation.objects.filter(
        Q(subject__icontains=word) | Q(contact_name__icontains=word)
    )
    comments = Comment.objects.filter(Q(text__icontains=word) | Q(author_name__icontains=word))
    # Unordered parts (the model's order would sort each of them first).
    cases = Case.objects.order_by().values("pk")
    return cases.filter(reference__icontains=word).union(
        cases.filter(conversation__in=conversations.values("pk")),
        cases.filter(comment__in=comments.values("pk")),
    )
