"""Writes to strategy content: the seed, marking pages stale, a measure's status.

The seed's items come from a content pack (`strategy.packs`).

Commands call these. The admin saves editors' other changes through its validated forms and
then calls `content_changed` (`strategy.admin.ContentChangeAdmin`); a measure's status goes
through `measure_set_status` there too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from strategy.base import TransitionNotAllowed, transition_check, validated_save
from strategy.models import Measure, MeasureStatus, SeedRecord
from strategy.signals import measure_status_changed
from verl_digital.caching.versions import CONTENT, versions_bump


@dataclass(frozen=True)
class SeedItem:
    """One object to create: its model, the fields that identify it, and its content.

    `adopt`: an object that exists without a `SeedRecord` is taken over and written, not
    left alone as an editor's. For a singleton (the town profile), which may exist before
    the first load with nobody's values in it.
    """

    model: type
    lookup: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    adopt: bool = False

    @property
    def key(self) -> str:
        natural = ",".join(f"{name}={value}" for name, value in sorted(self.lookup.items()))
        return f"{self.model._meta.label_lower}:{natural}"


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # changed or deleted by an editor


def _json_value(value: Any) -> str:
    # Datetimes come back from the database in UTC; compare them as UTC.
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return str(value)


def _checksum(values: dict[str, Any]) -> str:
    payload = json.dumps(values, sort_keys=True, default=_json_value, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _current_values(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def _untouched(obj: models.Model, item: SeedItem, checksum: str) -> bool:
    """Whether the object still holds what the seed wrote (its record's checksum).

    A pack may have gained English variants since: an earlier load's checksum then covers the
    other fields only, and the English ones are still empty, which is not an editor's change.
    """
    names = list(item.values)
    if _checksum(_current_values(obj, names)) == checksum:
        return True
    added = [n for n in names if n.endswith("_en") and getattr(obj, n) == ""]
    return (
        bool(added)
        and _checksum(_current_values(obj, [n for n in names if n not in added])) == checksum
    )


def _resolve_lookup(model: type[models.Model], lookup: dict[str, Any]) -> dict[str, Any]:
    """Turn `page__slug="start"` into `page=<Page start>` so the object can be created."""
    resolved: dict[str, Any] = {}
    for name, value in lookup.items():
        if "__" in name:
            relation, related_field = name.split("__", 1)
            related_model = model._meta.get_field(relation).related_model
            resolved[relation] = related_model._default_manager.get(**{related_field: value})
        else:
            resolved[name] = value
    return resolved


def _content_type(model: type[models.Model]) -> ContentType:
    # Not get_for_model(): its process-wide cache would keep a content type created in a
    # rolled-back run (--dry-run) of an auto-created model such as a many-to-many table.
    opts = model._meta
    return ContentType.objects.get_or_create(app_label=opts.app_label, model=opts.model_name)[0]


def content_changed() -> None:
    """Every cached public page is rebuilt once the current transaction commits.

    Called by every write to published content (the admin, the seed), since a change may
    show on many pages: lists, navigation, counts, search.
    """
    versions_bump(CONTENT)


def content_seed(*, items: Iterable[SeedItem], dry_run: bool = False) -> SeedReport:
    """Create the seed content that is missing; update only what no editor has touched.

    Each object written is remembered in a `SeedRecord` with a checksum of the seeded fields.
    A later run updates an object only while its fields still match that checksum, and never
    re-creates an object an editor deleted; so running it twice changes nothing.
    """
    report = SeedReport()
    with transaction.atomic():
        for item in items:
            record = SeedRecord.objects.filter(key=item.key).first()
            wanted = _checksum({name: item.values[name] for name in item.values})
            if record is None:
                obj = item.model._default_manager.filter(**item.lookup).first()
                if obj is not None and not item.adopt:
                    report.kept.append(item.key)  # made by an editor before the first load
                    continue
                if obj is None:
                    obj = item.model(**_resolve_lookup(item.model, item.lookup), **item.values)
                else:
                    for name, value in item.values.items():
                        setattr(obj, name, value)
                validated_save(obj)
                record = SeedRecord(
                    key=item.key,
                    content_type=_content_type(item.model),
                    object_id=obj.pk,
                    checksum=wanted,
                )
                validated_save(record)
                report.created.append(item.key)
                continue

            obj = item.model._default_manager.filter(pk=record.object_id).first()
            if obj is None or not _untouched(obj, item, record.checksum):
                report.kept.append(item.key)
                continue
            if record.checksum == wanted:
                report.unchanged.append(item.key)
                continue
            for name, value in item.values.items():
                setattr(obj, name, value)
            validated_save(obj)
            record.checksum = wanted
            validated_save(record)
            report.updated.append(item.key)
        if dry_run:
            transaction.set_rollback(True)
        elif report.created or report.updated:
            content_changed()
    return report


# --- Measures -------------------------------------------------------------------------------


def measure_status_check(*, measure: Measure, status: str) -> None:
    """Raise TransitionNotAllowed unless the measure may move from its status to `status`."""
    if status not in MeasureStatus.values:
        raise TransitionNotAllowed(_("Unbekannter Umsetzungsstand."), code="invalid_status")
    transition_check(
        transitions=Measure.TRANSITIONS,
        current=measure.progress,
        new=status,
        message=_("Eine Maßnahme im Stand „%(current)s“ kann nicht auf „%(new)s“ gesetzt werden.")
        % {"current": measure.get_progress_display(), "new": MeasureStatus(status).label},
    )


def measure_set_status(*, measure: Measure, status: str, changed_by: Any = None) -> Measure:
    """Move a measure to another state of implementation and tell whoever listens.

    Setting the status it already has changes nothing and sends nothing. Otherwise the change
    is saved (with its history entry naming `changed_by`) and `measure_status_changed` is
    sent once the transaction has committed, so listeners never act on a rolled-back change.
    """
    with transaction.atomic():
        current = Measure.objects.select_for_update().get(pk=measure.pk)
        old_status = current.progress
        if old_status == status:
            return current
        measure_status_check(measure=current, status=status)
        current.progress = status
        # django-simple-history takes the author of the history entry from here.
        current._history_user = changed_by
        current._change_reason = _("Umsetzungsstand: %(old)s → %(new)s") % {
            "old": MeasureStatus(old_status).label,
            "new": MeasureStatus(status).label,
        }
        validated_save(current)
        content_changed()
        # robust: the change is committed; a failing listener is logged, not shown as an error.
        transaction.on_commit(
            lambda: measure_status_changed.send(
                sender=Measure,
                measure=current,
                old_status=old_status,
                new_status=status,
                changed_by=changed_by,
            ),
            robust=True,
        )
    return current
