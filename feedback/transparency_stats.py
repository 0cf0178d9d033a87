"""Transparenz: response times, deadlines and ratings per channel and per topic.

For the twelve months of `feedback.transparency.period_start`, per channel (comment, contact
form, e-mail) and per inbox topic (contact form and e-mail only; comments are written on
pages, not on topics):

- *Time to moderation* (comments): arrival to the first decision, as on the rest of the page.
- *Time to first answer*: arrival to the first outgoing message or official answer.
  Both as the median and the 90th percentile, computed by PostgreSQL with
  `percentile_cont`: linear interpolation between the closest ranks, i.e. for n sorted values
  the p-quantile sits at position 1 + p·(n − 1) (Python's `statistics.quantiles(…,
  method="inclusive")`, Hyndman & Fan type 7). Durations 1 … 10 hours give a median of
  5.5 hours and a 90th percentile of 9.1 hours.
- *Answered within the deadline*: of the cases whose due date has passed or that were
  answered (moderated, for comments), the share answered on or before their due date (the
  latest answer against the latest due date: a citizen writing again starts a new one).
  Duplicates, conversations closed as spam and the tombstones of erased cases do not count.
- *Helpful*: of the cases whose citizen rated the answer, the share rated "hilfreich".

Small cells: a median, percentile or share computed from fewer than `MIN_CASES` values is
not computed at all (`None`, shown as "–" with a note): a handful of cases can identify the
people behind them, and its figures swing with every single case. Counts are shown as they
are, so a reader sees why a cell is empty.

The computation is a fixed number of queries whatever the amount of data (tested); it runs
in the worker (`feedback.transparency_snapshot`), never for a page view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models import Case as Conditional
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from feedback.models import (
    Case,
    CaseChannel,
    CaseOutcome,
    Comment,
    CommentStatus,
    Conversation,
    Direction,
    Message,
    ModerationAction,
    ModerationStep,
    Topic,
)

# Below this many values a median, percentile or share is not shown (see the docstring).
MIN_CASES = 5
COMMENT = CaseChannel.COMMENT.value
CONVERSATION_CHANNELS = (CaseChannel.FORM.value, CaseChannel.EMAIL.value)
CHANNELS = (COMMENT, *CONVERSATION_CHANNELS)
DECISIONS = (ModerationStep.APPROVE, ModerationStep.REJECT, ModerationStep.SPAM)


class Percentile(Aggregate):
    """`percentile_cont(fraction)` over durations: linear interpolation (see the docstring)."""

    function = "PERCENTILE_CONT"
    name = "Percentile"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile's fraction lies between 0 and 1.")
        # A float of our own, never input: safe in the SQL text.
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


@dataclass(frozen=True)
class Spread:
    """How long something took: the number of values, median and 90th percentile (both
    `None` below `MIN_CASES` values)."""

    n: int
    median: timedelta | None
    p90: timedelta | None

    @property
    def too_few(self) -> bool:
        return 0 < self.n < MIN_CASES


@dataclass(frozen=True)
class Share:
    """`count` of `base`; the share is given only from `MIN_CASES` on."""

    base: int
    count: int

    @property
    def value(self) -> float | None:
        return self.count / self.base if self.base >= MIN_CASES else None

    @property
    def too_few(self) -> bool:
        return 0 < self.base < MIN_CASES


@dataclass(frozen=True)
class GroupStats:
    """One row: a channel, a topic ("" is none) or all channels (`kind` "total")."""

    kind: str  # "channel", "topic" or "total"
    key: str
    name: str
    name_en: str
    cases: int
    first_answer: Spread
    deadline: Share
    helpful: Share
    moderation: Spread | None = None

    @property
    def label(self) -> str:
        if self.kind == "channel":
            return str(CaseChannel(self.key).label)
        if self.kind == "total":
            return str(_("Alle Kanäle"))
        if not self.key:
            return str(_("ohne Thema"))
        return self.name_en if get_language() == "en" and self.name_en else self.name

    @property
    def too_few(self) -> bool:
        cells = [self.first_answer, self.deadline, self.helpful, self.moderation]
        return any(cell.too_few for cell in cells if cell is not None)


@dataclass(frozen=True)
class ResponseStats:
    channels: list[GroupStats]  # in the order of CHANNELS
    total: GroupStats
    topics: list[GroupStats]  # by the topics' order, "ohne Thema" last
    min_cases: int = MIN_CASES

    @property
    def moderation(self) -> Spread:
        moderation = self.channels[0].moderation
        assert moderation is not None  # noqa: S101 (the comment row always has one)
        return moderation

    @property
    def too_few(self) -> bool:
        return any(row.too_few for row in [*self.channels, self.total, *self.topics])


def _wait(since: str, until: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(until) - F(since), output_field=DurationField())


def _spread(n: int, median: timedelta | None, p90: timedelta | None) -> Spread:
    if n < MIN_CASES:
        return Spread(n=n, median=None, p90=None)
    return Spread(n=n, median=median, p90=p90)


def _spreads(queryset: QuerySet, *group: str) -> Any:
    """n, median and 90th percentile of `wait`, per `group` (or over all without one)."""
    figures = {"n": Count("pk"), "p50": Percentile("wait", 0.5), "p90": Percentile("wait", 0.9)}
    if not group:
        row = queryset.aggregate(**figures)
        return _spread(row["n"], row["p50"], row["p90"])
    rows = queryset.values(*group).annotate(**figures).order_by()
    return {row[group[0]]: _spread(row["n"], row["p50"], row["p90"]) for row in rows}


def _pooled_spread(*querysets: QuerySet) -> Spread:
    """The spread of the `wait` column of several querysets taken together.

    Django cannot aggregate over a UNION, so the ORM's own SQL for the union is wrapped in
    one aggregate query; no value from outside reaches the SQL text.
    """
    first, *rest = [queryset.values_list("wait", flat=True) for queryset in querysets]
    sql, params = first.union(*rest, all=True).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY wait), "  # noqa: S608
            f"percentile_cont(0.9) WITHIN GROUP (ORDER BY wait) FROM ({sql}) AS waits",
            params,
        )
        n, p50, p90 = cursor.fetchone()
    return _spread(n, p50, p90)


def first_decision(comment: Any) -> Subquery:
    """The time of the first moderation decision on the comment `comment` refers to."""
    return Subquery(
        ModerationAction.objects.filter(comment=comment, action__in=DECISIONS)
        .order_by("created_at")
        .values("created_at")[:1]
    )


def _cases(start: datetime, today: date, zone: Any, *group: str) -> dict[Any, dict[str, int]]:
    """Deadline and rating counts per `group` of the period's cases (see the docstring)."""
    responded = Conditional(
        When(
            channel=COMMENT,
            then=Coalesce(first_decision(OuterRef("comment")), F("comment__moderated_at")),
        ),
        default=F("answered_at"),
        output_field=DateTimeField(),
    )
    cases = (
        Case.objects.live()
        .filter(received_at__gte=start)
        .exclude(outcome=CaseOutcome.DUPLICATE)
        .exclude(outcome=CaseOutcome.SPAM, channel__in=CONVERSATION_CHANNELS)
        .annotate(responded_at=responded)
        .annotate(responded_on=TruncDate("responded_at", tzinfo=zone))
    )
    if group[0] != "channel":
        cases = cases.filter(channel__in=CONVERSATION_CHANNELS)
    rows = (
        cases.values(*group)
        .annotate(
            cases=Count("pk"),
            judged=Count("pk", filter=Q(responded_at__isnull=False) | Q(due_date__lt=today)),
            met=Count("pk", filter=Q(responded_on__lte=F("due_date"))),
            rated=Count("pk", filter=Q(helpful__isnull=False)),
            helpful=Count("pk", filter=Q(helpful=True)),
        )
        .order_by()
    )
    return {row[group[0]]: row for row in rows}


def _row(
    kind: str, key: str, counts: dict[str, int] | None, first_answer: Spread, **more: Any
) -> GroupStats:
    counts = counts or {"cases": 0, "judged": 0, "met": 0, "rated": 0, "helpful": 0}
    return GroupStats(
        kind=kind,
        key=key,
        name=more.pop("name", ""),
        name_en=more.pop("name_en", ""),
        cases=counts["cases"],
        first_answer=first_answer,
        deadline=Share(base=counts["judged"], count=counts["met"]),
        helpful=Share(base=counts["rated"], count=counts["helpful"]),
        **more,
    )


def response_stats_compute(*, start: datetime, now: datetime) -> ResponseStats:
    """The statistics of the period from `start` (see the docstring); 9 queries."""
    zone = start.tzinfo
    today = timezone.localtime(now, zone).date()
    empty = Spread(n=0, median=None, p90=None)

    citizen_comments = Comment.objects.filter(
        is_official=False, is_demo=False, created_at__gte=start
    )
    answers = Comment.objects.filter(parent=OuterRef("pk"), is_official=True)
    comment_waits = (
        citizen_comments.filter(parent__isnull=True)
        .exclude(status__in=[CommentStatus.SPAM, CommentStatus.REJECTED])
        .annotate(answered_at=Subquery(answers.order_by("created_at").values("created_at")[:1]))
        .filter(answered_at__isnull=False)
        .annotate(wait=_wait("created_at", "answered_at"))
    )
    outgoing = Message.objects.filter(conversation=OuterRef("pk"), direction=Direction.OUT)
    conversation_waits = (
        Conversation.objects.filter(created_at__gte=start)
        .annotate(answered_at=Subquery(outgoing.order_by("created_at").values("created_at")[:1]))
        .filter(answered_at__isnull=False)
        .annotate(wait=_wait("created_at", "answered_at"))
    )
    moderation_waits = (
        citizen_comments.annotate(
            decided_at=Coalesce(first_decision(OuterRef("pk")), "moderated_at")
        )
        .filter(decided_at__isnull=False)
        .annotate(wait=_wait("created_at", "decided_at"))
    )

    by_channel = _spreads(conversation_waits, "channel")
    by_channel[COMMENT] = _spreads(comment_waits)
    by_topic = _spreads(conversation_waits, "topic")
    cases_by_channel = _cases(start, today, zone, "channel")
    cases_by_topic = _cases(start, today, zone, "conversation__topic")

    channels = [
        _row(
            "channel",
            channel,
            cases_by_channel.get(channel),
            by_channel.get(channel, empty),
            **({"moderation": _spreads(moderation_waits)} if channel == COMMENT else {}),
        )
        for channel in CHANNELS
    ]
    totals = {
        field: sum(row[field] for row in cases_by_channel.values())
        for field in ("cases", "judged", "met", "rated", "helpful")
    }
    total = _row("total", "", totals, _pooled_spread(conversation_waits, comment_waits))

    keys = set(by_topic) | set(cases_by_topic)
    topics = [
        _row(
            "topic",
            str(topic.pk),
            cases_by_topic.get(topic.pk),
            by_topic.get(topic.pk, empty),
            name=topic.name,
            name_en=topic.name_en,
        )
        for topic in Topic.objects.filter(pk__in=keys - {None})
    ]
    if None in keys:
        topics.append(_row("topic", "", cases_by_topic.get(None), by_topic.get(None, empty)))
    return ResponseStats(channels=channels, total=total, topics=topics)
