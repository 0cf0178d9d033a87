"""The database as a content load leaves it, in a form to compare: rows of every seeded model,
without primary keys and timestamps, sorted.

tests/data/verl-seed-snapshot.json was written with this from the Python content that the Verl
pack replaced (strategy/verl_content.py, strategy/demo_content.py, feedback/demo_content.py and
the inbox topics), so the pack is checked to load the same objects and texts.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from feedback.models import Comment, MeasureLink, Topic
from strategy.models import (
    ActionField,
    BestPractice,
    Event,
    Measure,
    MeasureUpdate,
    Network,
    NewsPost,
    Page,
    Project,
    Section,
    Task,
)

SKIPPED = {"id", "created_at", "updated_at", "search_vector", "publish_at_auto"}


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        # A publication time the seed leaves to its default ("now") is not part of the content.
        if abs(timezone.now() - value) < timedelta(hours=1):
            return "<at load>"
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _row(obj: models.Model) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in SKIPPED or field.name.endswith("_en") or field.auto_created:
            continue
        if isinstance(field, models.ForeignKey):
            related = getattr(obj, field.name)
            row[field.name] = getattr(related, "slug", None) if related is not None else None
            continue
        if field.name in {"content_type", "object_id", "parent"}:
            continue
        row[field.name] = _value(getattr(obj, field.attname))
    return row


def _comment(comment: Comment) -> dict[str, Any]:
    row = _row(comment)
    row["target"] = f"{comment.content_type.model}:{comment.target.slug}"
    row["parent"] = comment.parent.author_name if comment.parent_id else None
    for name in ("content_type", "submitted_at", "approved_at", "token", "case"):
        row.pop(name, None)
    return row


def seed_snapshot() -> dict[str, list[dict[str, Any]]]:
    def rows(model: type[models.Model]) -> list[dict[str, Any]]:
        return sorted((_row(obj) for obj in model._default_manager.all()), key=repr)

    snapshot = {
        model._meta.label_lower: rows(model)
        for model in (
            Page, Section, Task, NewsPost, ActionField, Measure, MeasureUpdate,
            BestPractice, Event, Network, Topic,
        )
    }  # fmt: skip
    snapshot["strategy.project"] = sorted(
        (
            {**_row(p), "measures": sorted(p.measures.values_list("slug", flat=True))}
            for p in Project.objects.all()
        ),
        key=repr,
    )
    snapshot["feedback.comment"] = sorted(
        (_comment(c) for c in Comment.objects.select_related("parent")), key=repr
    )
    snapshot["feedback.measurelink"] = sorted(
        [link.measure.slug, link.comment.author_name] for link in MeasureLink.objects.all()
    )
    return snapshot
