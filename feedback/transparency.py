"""Transparenz: what citizens sent in the last twelve months and how the town responded.

Every number is computed by PostgreSQL from the feedback itself (counts, `TruncMonth` in
Europe/Berlin). This module counts contributions by month and channel and the share
answered; `feedback.transparency_stats` adds times (median and 90th percentile), deadlines
and ratings, `feedback.transparency_record` the moderation record. The worker computes all
of them ahead and stores them (`feedback.transparency_snapshot`); the page only reads that.
The count here is a fixed number of queries whatever the amount of data (tested).

`bar_chart` computes the geometry of the stacked bar chart (round tick steps, SVG user
units); the template draws it as inline SVG with presentation attributes only (the CSP
forbids inline styles), named for screen readers, with the same numbers in a table.

What counts (the page explains the same in German):
- A *contribution* is a conversation (contact form or e-mail) or a citizen's comment or reply;
  the town's answers, spam and demo content are not contributions.
- *Answerable* are conversations and top-level comments that were not rejected (replies and
  rejected comments cannot get an official answer); *answered* means a conversation has an
  outgoing message, a comment an official answer. A share from fewer than
  `feedback.transparency_stats.MIN_CASES` answerable is not given (the small-cell rule).
- *Time to moderation*: from a comment's arrival to the first decision on it (approve, reject,
  spam) in the moderation log, or its `moderated_at` when the log has none; spam counts, since
  deciding it is moderation work too.
- *Time to first answer*: from arrival to the first outgoing message or official answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, DateField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.models import (
    CaseChannel,
    Channel,
    Comment,
    CommentStatus,
    Conversation,
    Direction,
    Message,
)
from feedback.transparency_record import MonthTable
from feedback.transparency_stats import Share

COMMENT_CHANNEL = CaseChannel.COMMENT.value
CHANNEL_LABELS: dict[str, Any] = dict(CaseChannel.choices)
MONTHS = 12
# Channels in the order of the chart's stacks and the tables' columns.
CHANNELS = (COMMENT_CHANNEL, Channel.FORM.value, Channel.EMAIL.value)
# Fill colours of the chart; each has at least 3:1 contrast to the white page (WCAG 1.4.11).
CHANNEL_COLOURS = {COMMENT_CHANNEL: "#1f5fa8", Channel.FORM.value: "#a35200", "email": "#2e7d32"}


@dataclass(frozen=True)
class MonthCounts:
    month: date
    counts: tuple[int, ...]  # per channel, in the order of CHANNELS

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class ChannelStats:
    channel: str
    contributions: int
    answerable: int
    answered: int

    @property
    def label(self) -> str:
        return str(CHANNEL_LABELS[self.channel])

    @property
    def colour(self) -> str:
        return CHANNEL_COLOURS[self.channel]

    @property
    def share_answered(self) -> float | None:
        return Share(base=self.answerable, count=self.answered).value


@dataclass(frozen=True)
class TransparencyReport:
    start: datetime  # first instant of the period, Europe/Berlin
    computed_at: datetime
    months: list[MonthCounts]
    channels: list[ChannelStats]

    @property
    def total(self) -> int:
        return sum(month.total for month in self.months)

    @property
    def answerable(self) -> int:
        return sum(channel.answerable for channel in self.channels)

    @property
    def answered(self) -> int:
        return sum(channel.answered for channel in self.channels)

    @property
    def share_answered(self) -> float | None:
        return Share(base=self.answerable, count=self.answered).value

    @property
    def channel_totals(self) -> tuple[int, ...]:
        return tuple(sum(month.counts[i] for month in self.months) for i in range(len(CHANNELS)))

    @property
    def by_month(self) -> MonthTable:
        """Contributions per month and channel, with a total column."""
        return MonthTable(
            labels=[*(str(channel.label) for channel in self.channels), str(_("Gesamt"))],
            rows=[(month.month, [*month.counts, month.total]) for month in self.months],
            totals=[*self.channel_totals, self.total],
        )


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def period_start(now: datetime) -> datetime:
    """Midnight on the first day of the month eleven months before `now`'s month, local time."""
    local = timezone.localtime(now, _zone())
    index = local.year * 12 + local.month - 1 - (MONTHS - 1)
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=_zone())


def month_list(start: datetime) -> list[date]:
    index = start.year * 12 + start.month - 1
    return [date((index + i) // 12, (index + i) % 12 + 1, 1) for i in range(MONTHS)]


def _by_month(queryset: QuerySet, *group: str) -> QuerySet:
    month = TruncMonth("created_at", output_field=DateField(), tzinfo=_zone())
    return (
        queryset.annotate(month=month)
        .values("month", *group)
        .annotate(count=Count("pk"))
        .order_by()
    )


def transparency_compute(*, now: datetime | None = None) -> TransparencyReport:
    """Count contributions and answers in the period up to `now` (4 queries)."""
    now = now or timezone.now()
    start = period_start(now)
    comments = Comment.objects.filter(
        is_official=False, is_demo=False, created_at__gte=start
    ).exclude(status=CommentStatus.SPAM)
    conversations = Conversation.objects.filter(created_at__gte=start)

    # Contributions by month and channel.
    counts: dict[tuple[date, str], int] = {}
    for row in _by_month(comments):
        counts[(row["month"], COMMENT_CHANNEL)] = row["count"]
    for row in _by_month(conversations, "channel"):
        counts[(row["month"], row["channel"])] = row["count"]
    months = [
        MonthCounts(month, tuple(counts.get((month, channel), 0) for channel in CHANNELS))
        for month in month_list(start)
    ]

    # Answers: conversations by channel, top-level comments.
    outgoing = Message.objects.filter(conversation=OuterRef("pk"), direction=Direction.OUT)
    by_channel = {
        row["channel"]: row
        for row in conversations.values("channel")
        .annotate(total=Count("pk"), answered=Count("pk", filter=Q(Exists(outgoing))))
        .order_by()
    }
    answers = Comment.objects.filter(parent=OuterRef("pk"), is_official=True)
    comment_stats = (
        comments.filter(parent__isnull=True)
        .exclude(status=CommentStatus.REJECTED)
        .aggregate(answerable=Count("pk"), answered=Count("pk", filter=Q(Exists(answers))))
    )
    channels = [
        ChannelStats(
            channel=COMMENT_CHANNEL,
            contributions=sum(month.counts[0] for month in months),
            answerable=comment_stats["answerable"],
            answered=comment_stats["answered"],
        )
    ]
    for channel in CHANNELS[1:]:
        row = by_channel.get(channel, {"total": 0, "answered": 0})
        channels.append(
            ChannelStats(
                channel=channel,
                contributions=row["total"],
                answerable=row["total"],
                answered=row["answered"],
            )
        )
    return TransparencyReport(start=start, computed_at=now, months=months, channels=channels)


# --- Chart -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    channel: str
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def fill(self) -> str:
        return CHANNEL_COLOURS[self.channel]


@dataclass(frozen=True)
class ChartMonth:
    month: date
    total: int
    centre: float
    total_y: float
    bars: list[Bar]
    show_year: bool


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class BarChart:
    """Geometry of a stacked bar chart in SVG user units; the template draws it."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    months: list[ChartMonth]
    ticks: list[Tick]


def _tick_step(maximum: int, ticks: int = 5) -> int:
    """A round step (1, 2 or 5 times a power of ten) so that about `ticks` steps cover it."""
    if maximum <= ticks:
        return 1
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5):
        if factor * power >= raw:
            return factor * power
    return 10 * power


def bar_chart(report: TransparencyReport) -> BarChart:
    """Contributions per month as bars stacked by channel (comments at the bottom)."""
    width, height = 720, 320
    left, right, top, bottom = 48, width - 12, 24, height - 52
    step = _tick_step(max(month.total for month in report.months))
    scale_max = step * max(1, math.ceil(max(month.total for month in report.months) / step))
    ticks = [
        Tick(value=value, y=round(bottom - (bottom - top) * value / scale_max, 2))
        for value in range(0, scale_max + 1, step)
    ]
    slot = (right - left) / len(report.months)
    bar_width = round(slot * 0.6, 2)
    months = []
    for index, month in enumerate(report.months):
        centre = round(left + slot * (index + 0.5), 2)
        y = float(bottom)
        bars = []
        for channel, count in zip(CHANNELS, month.counts, strict=True):
            if not count:
                continue
            bar_height = (bottom - top) * count / scale_max
            y -= bar_height
            bars.append(
                Bar(
                    channel=channel,
                    count=count,
                    x=round(centre - bar_width / 2, 2),
                    y=round(y, 2),
                    width=bar_width,
                    height=round(bar_height, 2),
                )
            )
        months.append(
            ChartMonth(
                month=month.month,
                total=month.total,
                centre=centre,
                total_y=round(y - 6, 2),
                bars=bars,
                show_year=index == 0 or month.month.month == 1,
            )
        )
    return BarChart(width, height, left, right, top, bottom, months, ticks)
