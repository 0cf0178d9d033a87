"""Transparenz: all numbers of the page, computed ahead by the worker and stored in PostgreSQL.

`transparency_snapshot_update` computes the counts (`feedback.transparency`), the
statistics (`feedback.transparency_stats`) and the moderation record
(`feedback.transparency_record`) in one go and stores them as one `TransparencySnapshot` row,
replacing the previous one; after commit it bumps the `TRANSPARENCY` version, so the shared
page (`verl_digital.caching.pagecache`) is rebuilt once. `manage.py compute_transparency`
calls it on a schedule (README, *Scheduled jobs*); it is idempotent: a snapshot younger than
`TRANSPARENCY_CACHE_SECONDS` is kept unless forced.

The page and the open data read the newest row (`transparency_figures`, one query): a page
view never computes, however old the numbers are; the page says when they were computed.
Only when no row exists at all (a new installation before its first scheduled run) does the
first reader compute and store one; readers arriving meanwhile wait for it (`LOCK_KEY`).

The row holds JSON: the dataclasses are written field by field (durations as seconds, dates
in ISO 8601) and read back by their type hints (`figures_encode`, `figures_decode`). A row
this code cannot read (stored before a deploy changed the dataclasses) counts as none.
Nothing in them identifies a person, so the row is no concern of `feedback.privacy`.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from feedback.models import TransparencySnapshot
from feedback.transparency import TransparencyReport, month_list, transparency_compute
from feedback.transparency_record import (
    RECORD_COLUMNS,
    ModerationRecord,
    moderation_record_compute,
)
from feedback.transparency_stats import ResponseStats, response_stats_compute
from strategy.base import validated_save
from verl_digital.caching.versions import TRANSPARENCY, versions_bump


@dataclass(frozen=True)
class Figures:
    report: TransparencyReport
    stats: ResponseStats
    record: ModerationRecord

    @property
    def computed_at(self) -> datetime:
        return self.report.computed_at

    @property
    def end(self) -> date:
        """The last day of the period (its last month may not be over yet), local time: a
        stored offset is the start's, which may differ from the computation's by DST."""
        return timezone.localtime(self.computed_at, ZoneInfo(settings.TIME_ZONE)).date()


def figures_compute(*, now: datetime | None = None) -> Figures:
    report = transparency_compute(now=now)
    return Figures(
        report=report,
        stats=response_stats_compute(start=report.start, now=report.computed_at),
        record=moderation_record_compute(start=report.start, months=month_list(report.start)),
    )


# --- JSON --------------------------------------------------------------------------------------


def figures_encode(value: Any) -> Any:
    """Dataclasses, durations, dates and containers as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: figures_encode(getattr(value, field.name))
            for field in dataclasses.fields(value)
        }
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [figures_encode(item) for item in value]
    if isinstance(value, dict):
        return {key: figures_encode(item) for key, item in value.items()}
    return value


def figures_decode(kind: Any, value: Any) -> Any:
    """The inverse of `figures_encode`, led by the type `kind` (a dataclass or a hint)."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (types.UnionType, typing.Union):
        if value is None:
            return None
        return figures_decode(next(arg for arg in args if arg is not type(None)), value)
    if origin is list:
        return [figures_decode(args[0], item) for item in value]
    if origin is tuple:
        return tuple(figures_decode(args[0], item) for item in value)
    if origin is dict:
        return {key: figures_decode(args[1], item) for key, item in value.items()}
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(
            **{
                field.name: figures_decode(hints[field.name], value[field.name])
                for field in dataclasses.fields(kind)
                if field.name in value
            }
        )
    if kind is timedelta:
        return timedelta(seconds=value)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    return value


# --- Writes and reads --------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotUpdate:
    figures: Figures
    written: bool  # False: kept (young enough) or a dry run
    kept: bool = False


# One computation at a time (the worker, a forced run by hand, the first readers of a new
# installation): a transaction-level advisory lock; whoever waited then finds young numbers.
LOCK_KEY = 0x7472616E73  # "trans"


def _latest() -> TransparencySnapshot | None:
    return TransparencySnapshot.objects.order_by("-computed_at", "-id").first()


@transaction.atomic
def transparency_snapshot_update(
    *, now: datetime | None = None, force: bool = False, dry_run: bool = False
) -> SnapshotUpdate:
    """Compute the figures and store them as the one snapshot (see the module docstring).

    Without `force`, a snapshot younger than TRANSPARENCY_CACHE_SECONDS is kept as it is.
    `dry_run` computes and returns the figures but stores nothing.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    now = now or timezone.now()
    latest = _latest()
    if (
        latest is not None
        and not force
        and (now - latest.computed_at).total_seconds() < settings.TRANSPARENCY_CACHE_SECONDS
        and (kept := _figures(latest)) is not None
    ):
        return SnapshotUpdate(figures=kept, written=False, kept=True)
    figures = figures_compute(now=now)
    if dry_run:
        return SnapshotUpdate(figures=figures, written=False)
    snapshot = TransparencySnapshot(
        computed_at=figures.computed_at,
        period_start=figures.report.start,
        figures=figures_encode(figures),
    )
    validated_save(snapshot)
    TransparencySnapshot.objects.exclude(pk=snapshot.pk).delete()
    transaction.on_commit(lambda: versions_bump(TRANSPARENCY))
    return SnapshotUpdate(figures=figures, written=True)


def _figures(snapshot: TransparencySnapshot) -> Figures | None:
    """The stored figures; None when they were stored in a format this code no longer reads
    (a deploy changed the dataclasses or the record's columns): then they are computed again."""
    try:
        figures = figures_decode(Figures, snapshot.figures)
    except (TypeError, KeyError, ValueError, AttributeError):
        return None
    # The record's columns are those of RECORD_COLUMNS, or the numbers are computed again.
    if figures.record.columns != [column.key for column in RECORD_COLUMNS]:
        return None
    return figures


def transparency_figures() -> Figures:
    """The newest stored figures (one query); computed and stored only if there are none
    (or none this code can read)."""
    latest = _latest()
    figures = _figures(latest) if latest is not None else None
    if figures is None:
        return transparency_snapshot_update().figures
    return figures
