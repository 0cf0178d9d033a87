"""Transparenz: the public moderation record, month by month.

Per calendar month (Europe/Berlin) of the period: the citizens' comments received, and the
moderation decisions taken in that month, from the moderation log (`ModerationAction`):
published, rejected (and by `RejectionReason`), removed as spam, hidden after readers'
reports. Decisions count in the month they were taken, so a comment received in March and
rejected in April counts in both months, and a corrected decision counts twice (once
published, once rejected): this is a record of what moderation did, not of where each comment
ended up. Demo content and the town's own answers do not count.

`RECORD_COLUMNS` is the one place that says which figures there are: the page's table, the
JSON, the CSV and both schemas (`feedback.transparency_opendata`) are built from it. A new
figure is one more `RecordColumn`: a key (the open data
name, never changed once published), a label, and the rows it counts with the field that
dates them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, DateField, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from feedback.models import (
    Appeal,
    AppealStatus,
    Comment,
    ModerationAction,
    ModerationStep,
    RejectionReason,
)


@dataclass(frozen=True)
class RecordColumn:
    key: str  # the name in the open data; never change a published one
    label: Promise
    description: Promise
    rows: Callable[[datetime], QuerySet]  # what is counted, from the period's start
    dated_by: str = "created_at"


def _received(start: datetime) -> QuerySet:
    return Comment.objects.filter(is_official=False, is_demo=False, created_at__gte=start)


def _steps(step: str) -> Callable[[datetime], QuerySet]:
    def rows(start: datetime) -> QuerySet:
        return ModerationAction.objects.filter(
            action=step,
            created_at__gte=start,
            comment__is_official=False,
            comment__is_demo=False,
        )

    return rows


def _appeals(status: str = "") -> Callable[[datetime], QuerySet]:
    """Appeals lodged (no `status`) or decided with `status`, from the period's start."""

    def rows(start: datetime) -> QuerySet:
        appeals = Appeal.objects.filter(
            decision__comment__is_official=False, decision__comment__is_demo=False
        )
        if status:
            return appeals.filter(status=status, decided_at__gte=start)
        return appeals.filter(created_at__gte=start)

    return rows


REJECTED = "abgelehnt"
RECORD_COLUMNS: tuple[RecordColumn, ...] = (
    RecordColumn(
        "eingegangen",
        _("eingegangen"),
        _("Kommentare und Antworten von Bürgerinnen und Bürgern, die eingegangen sind"),
        _received,
    ),
    RecordColumn(
        "veroeffentlicht",
        _("freigegeben"),
        _("Entscheidungen, einen Kommentar zu veröffentlichen"),
        _steps(ModerationStep.APPROVE),
    ),
    RecordColumn(
        REJECTED,
        _("abgelehnt"),
        _("Entscheidungen, einen Kommentar abzulehnen"),
        _steps(ModerationStep.REJECT),
    ),
    RecordColumn(
        "spam",
        _("als Spam entfernt"),
        _("Kommentare, die als Spam erkannt und entfernt wurden"),
        _steps(ModerationStep.SPAM),
    ),
    RecordColumn(
        "ausgeblendet_nach_meldungen",
        _("nach Meldungen ausgeblendet"),
        _("Kommentare, die nach Meldungen von Leserinnen und Lesern ausgeblendet wurden"),
        _steps(ModerationStep.HIDE),
    ),
    RecordColumn(
        "widersprueche",
        _("Widersprüche"),
        _("Widersprüche von Verfasserinnen und Verfassern gegen eine Entscheidung"),
        _appeals(),
    ),
    RecordColumn(
        "widersprueche_stattgegeben",
        _("Widerspruch stattgegeben"),
        _(
            "Widersprüche, nach denen eine zweite Moderatorin oder ein zweiter Moderator die "
            "Entscheidung aufhob"
        ),
        _appeals(AppealStatus.OVERTURNED),
        dated_by="decided_at",
    ),
    RecordColumn(
        "widersprueche_zurueckgewiesen",
        _("Widerspruch zurückgewiesen"),
        _("Widersprüche, nach deren Prüfung die Entscheidung bestehen blieb"),
        _appeals(AppealStatus.UPHELD),
        dated_by="decided_at",
    ),
)
COLUMNS_BY_KEY = {column.key: column for column in RECORD_COLUMNS}


@dataclass(frozen=True)
class ReasonCount:
    reason: str  # the reason's title; "" when none was chosen
    count: int


@dataclass(frozen=True)
class RecordMonth:
    month: date
    counts: dict[str, int]  # by RecordColumn.key
    rejected_by_reason: list[ReasonCount]  # in the order of ModerationRecord.reasons

    def count(self, key: str) -> int:
        return self.counts.get(key, 0)


@dataclass(frozen=True)
class MonthTable:
    """A table of counts per month with a total row (`feedback/includes/month_table.html`)."""

    labels: list[str]
    rows: list[tuple[date, list[int]]]
    totals: list[int]


@dataclass(frozen=True)
class ModerationRecord:
    columns: list[str]  # the keys of RECORD_COLUMNS when it was computed
    reasons: list[str]  # reasons chosen in the period, in the moderators' order; "" last
    months: list[RecordMonth]

    @property
    def column_labels(self) -> list[str]:
        return [str(COLUMNS_BY_KEY[key].label) for key in self.columns]

    @property
    def reason_labels(self) -> list[str]:
        return [reason or str(_("ohne Angabe eines Grundes")) for reason in self.reasons]

    def total(self, key: str) -> int:
        return sum(month.count(key) for month in self.months)

    @property
    def totals(self) -> list[int]:
        return [self.total(key) for key in self.columns]

    @property
    def reason_totals(self) -> list[int]:
        return [
            sum(month.rejected_by_reason[i].count for month in self.months)
            for i in range(len(self.reasons))
        ]

    @property
    def decisions(self) -> MonthTable:
        """The figures per month, in the order of `columns`."""
        rows = [(month.month, [month.count(key) for key in self.columns]) for month in self.months]
        return MonthTable(labels=self.column_labels, rows=rows, totals=self.totals)

    @property
    def rejections_by_reason(self) -> MonthTable:
        rows = [
            (month.month, [item.count for item in month.rejected_by_reason])
            for month in self.months
        ]
        return MonthTable(labels=self.reason_labels, rows=rows, totals=self.reason_totals)


def _by_month(rows: QuerySet, dated_by: str, zone: Any, *group: str) -> QuerySet:
    month = TruncMonth(dated_by, output_field=DateField(), tzinfo=zone)
    return rows.annotate(month=month).values("month", *group).annotate(n=Count("pk")).order_by()


def moderation_record_compute(*, start: datetime, months: list[date]) -> ModerationRecord:
    """The record of the given months from `start` on; one query per column, one more for
    the reasons and one for their order."""
    zone = start.tzinfo
    counts: dict[date, dict[str, int]] = {month: {} for month in months}
    for column in RECORD_COLUMNS:
        for row in _by_month(column.rows(start), column.dated_by, zone):
            if row["month"] in counts:
                counts[row["month"]][column.key] = row["n"]

    rejections = COLUMNS_BY_KEY[REJECTED]
    by_reason: dict[tuple[date, str], int] = {}
    for row in _by_month(
        rejections.rows(start), rejections.dated_by, zone, "decision_reason__title"
    ):
        by_reason[(row["month"], row["decision_reason__title"] or "")] = row["n"]
    chosen = {reason for _month, reason in by_reason}
    reasons = [
        title
        for title in RejectionReason.objects.order_by("position", "title").values_list(
            "title", flat=True
        )
        if title in chosen
    ]
    if "" in chosen:
        reasons.append("")
    return ModerationRecord(
        columns=[column.key for column in RECORD_COLUMNS],
        reasons=reasons,
        months=[
            RecordMonth(
                month=month,
                counts={column.key: counts[month].get(column.key, 0) for column in RECORD_COLUMNS},
                rejected_by_reason=[
                    ReasonCount(reason, by_reason.get((month, reason), 0)) for reason in reasons
                ],
            )
            for month in months
        ],
    )
