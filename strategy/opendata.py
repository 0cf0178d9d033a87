"""Open data: the action fields and measures of the strategy as JSON and CSV.

The JSON follows `strategy/schemas/strategie-daten.schema.json` (served at
/strategie/daten.schema.json); docs/OPEN_DATA.md describes both formats.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from strategy.models import ActionField, Measure, MeasureStatus, MeasureUpdate
from strategy.town import town_profile, town_publisher

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "strategie-daten.schema.json"
LICENSE = {
    "name": "Datenlizenz Deutschland – Zero – Version 2.0",
    "id": "dl-de/zero-2-0",
    "url": "https://www.govdata.de/dl-de/zero-2-0",
}
CSV_COLUMNS = [
    "handlungsfeld_kurzname",
    "handlungsfeld",
    "massnahme_kurzname",
    "massnahme",
    "stand",
    "stand_bezeichnung",
    "verantwortlich",
    "zieldatum",
    "letzte_notiz",
    "geaendert",
    "beispiel",
    "url",
]


def _action_fields() -> list[ActionField]:
    measures = Measure.objects.published().prefetch_related(
        Prefetch("updates", queryset=MeasureUpdate.objects.due(), to_attr="public_updates")
    )
    return list(
        ActionField.objects.published().prefetch_related(
            Prefetch("measures", queryset=measures.order_by("position", "title"), to_attr="items")
        )
    )


def _measure(measure: Measure, request: HttpRequest) -> dict[str, Any]:
    return {
        "kurzname": measure.slug,
        "titel": measure.title,
        "beschreibung": measure.summary,
        "stand": measure.progress,
        "stand_bezeichnung": str(measure.get_progress_display()),
        "verantwortlich": measure.department,
        "zieldatum": measure.target_date.isoformat() if measure.target_date else None,
        "geaendert": measure.updated_at.isoformat(),
        "beispiel": measure.is_demo,
        "url": request.build_absolute_uri(measure.get_absolute_url()),
        "notizen": [
            {"datum": update.date.isoformat(), "text": update.text}
            for update in measure.public_updates
        ],
    }


def strategy_schema(*, request: HttpRequest) -> dict[str, Any]:
    """The JSON Schema, with its `$id` where it is served and the town in its title."""
    schema = json.loads(SCHEMA_PATH.read_text())
    return {
        "$schema": schema.pop("$schema"),
        "$id": request.build_absolute_uri(reverse("strategy:data_schema")),
        **schema,
        "title": f"Digitalisierungsstrategie der {town_profile().name}",
    }


def strategy_data(*, request: HttpRequest) -> dict[str, Any]:
    """The published strategy as one JSON document."""
    return {
        "$schema": request.build_absolute_uri(reverse("strategy:data_schema")),
        "titel": f"Digitalisierungsstrategie der {town_profile().name}: Handlungsfelder und Maßnahmen",
        "herausgeber": town_publisher(),
        "lizenz": LICENSE,
        "stand_der_daten": timezone.now().isoformat(timespec="seconds"),
        "status_werte": [
            {"wert": value, "bezeichnung": str(label)} for value, label in MeasureStatus.choices
        ],
        "handlungsfelder": [
            {
                "kurzname": field.slug,
                "titel": field.title,
                "beschreibung": field.summary,
                "reihenfolge": field.position,
                "beispiel": field.is_demo,
                "url": request.build_absolute_uri(field.get_absolute_url()),
                "massnahmen": [_measure(measure, request) for measure in field.items],
            }
            for field in _action_fields()
        ],
    }


def strategy_csv(*, request: HttpRequest) -> str:
    """One row per published measure, with its action field; UTF-8, comma-separated."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for field in _action_fields():
        for measure in field.items:
            latest = measure.public_updates[0] if measure.public_updates else None
            writer.writerow(
                {
                    "handlungsfeld_kurzname": field.slug,
                    "handlungsfeld": field.title,
                    "massnahme_kurzname": measure.slug,
                    "massnahme": measure.title,
                    "stand": measure.progress,
                    "stand_bezeichnung": measure.get_progress_display(),
                    "verantwortlich": measure.department,
                    "zieldatum": measure.target_date.isoformat() if measure.target_date else "",
                    "letzte_notiz": latest.date.isoformat() if latest else "",
                    "geaendert": measure.updated_at.isoformat(),
                    "beispiel": "ja" if measure.is_demo else "nein",
                    "url": request.build_absolute_uri(measure.get_absolute_url()),
                }
            )
    return buffer.getvalue()
