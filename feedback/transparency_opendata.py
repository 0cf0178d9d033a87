"""Open data: the public moderation record as JSON and CSV, each with its schema.

Counts only, from the stored snapshot (`feedback.transparency_snapshot`), so a download costs
one query. The figures and both schemas are built from `RECORD_COLUMNS`
(`feedback.transparency_record`): a new column appears in the page, the JSON, the CSV and
the schemas at once. docs/OPEN_DATA.md describes the formats.

- JSON: one document, described by a JSON Schema (draft 2020-12), /transparenz/moderation.schema.json.
- CSV: "long" (one row per month, figure and reason, so new figures and new reasons need no new
  columns), described by a Frictionless Table Schema, /transparenz/moderation.tableschema.json.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from feedback.transparency_record import COLUMNS_BY_KEY, RECORD_COLUMNS, REJECTED
from feedback.transparency_snapshot import Figures
from strategy.opendata import LICENSE
from strategy.town import town_profile, town_publisher

BY_REASON = "abgelehnt_nach_grund"
CSV_COLUMNS = ["monat", "kennzahl", "ablehnungsgrund", "anzahl"]
NO_REASON = "ohne Angabe"


def _title() -> str:
    return (
        "Moderation der Kommentare auf der Website der Stabsstelle Digitalisierung der "
        f"{town_profile().name}"
    )


def _month(value: Any) -> str:
    return value.strftime("%Y-%m")


def moderation_data(*, figures: Figures, request: HttpRequest) -> dict[str, Any]:
    record = figures.record
    return {
        "$schema": request.build_absolute_uri(reverse("feedback:moderation_schema")),
        "titel": _title(),
        "herausgeber": town_publisher(),
        "lizenz": LICENSE,
        "stand_der_daten": figures.computed_at.isoformat(timespec="seconds"),
        "zeitraum": {
            "von": figures.report.start.date().isoformat(),
            "bis": figures.end.isoformat(),
        },
        "kennzahlen": [
            {
                "kurzname": key,
                "bezeichnung": str(COLUMNS_BY_KEY[key].label),
                "beschreibung": str(COLUMNS_BY_KEY[key].description),
            }
            for key in record.columns
        ],
        "monate": [
            {
                "monat": _month(month.month),
                **{key: month.count(key) for key in record.columns},
                BY_REASON: [
                    {"grund": item.reason or None, "anzahl": item.count}
                    for item in month.rejected_by_reason
                ],
            }
            for month in record.months
        ],
    }


def moderation_csv(*, figures: Figures) -> str:
    """Per month: one row per figure, then one per rejection reason; UTF-8, comma, CRLF."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for month in figures.record.months:
        monat = _month(month.month)
        for key in figures.record.columns:
            writer.writerow(
                {"monat": monat, "kennzahl": key, "ablehnungsgrund": "", "anzahl": month.count(key)}
            )
        for item in month.rejected_by_reason:
            writer.writerow(
                {
                    "monat": monat,
                    "kennzahl": BY_REASON,
                    "ablehnungsgrund": item.reason or NO_REASON,
                    "anzahl": item.count,
                }
            )
    return buffer.getvalue()


def _count(description: str) -> dict[str, Any]:
    return {"type": "integer", "minimum": 0, "description": description}


def moderation_schema(*, request: HttpRequest) -> dict[str, Any]:
    """The JSON Schema of `moderation_data`, from RECORD_COLUMNS."""
    keys = [column.key for column in RECORD_COLUMNS]
    text = {"type": "string"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": request.build_absolute_uri(reverse("feedback:moderation_schema")),
        "title": _title(),
        "type": "object",
        "required": [
            "titel",
            "herausgeber",
            "lizenz",
            "stand_der_daten",
            "zeitraum",
            "kennzahlen",
            "monate",
        ],
        "properties": {
            "$schema": {"type": "string", "format": "uri"},
            "titel": text,
            "herausgeber": text,
            "lizenz": {
                "type": "object",
                "required": ["name", "id", "url"],
                "properties": {"name": text, "id": text, "url": {"type": "string"}},
            },
            "stand_der_daten": {"type": "string", "format": "date-time"},
            "zeitraum": {
                "type": "object",
                "required": ["von", "bis"],
                "properties": {
                    "von": {"type": "string", "format": "date"},
                    "bis": {"type": "string", "format": "date"},
                },
            },
            "kennzahlen": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["kurzname", "bezeichnung", "beschreibung"],
                    "properties": {
                        "kurzname": {"enum": keys},
                        "bezeichnung": text,
                        "beschreibung": text,
                    },
                },
            },
            "monate": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["monat", *keys, BY_REASON],
                    "additionalProperties": False,
                    "properties": {
                        "monat": {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$"},
                        **{
                            column.key: _count(str(column.description)) for column in RECORD_COLUMNS
                        },
                        BY_REASON: {
                            "type": "array",
                            "description": f"Die Ablehnungen ({REJECTED}) nach Grund.",
                            "items": {
                                "type": "object",
                                "required": ["grund", "anzahl"],
                                "additionalProperties": False,
                                "properties": {
                                    "grund": {"type": ["string", "null"]},
                                    "anzahl": _count("Ablehnungen mit diesem Grund"),
                                },
                            },
                        },
                    },
                },
            },
        },
    }


def moderation_table_schema() -> dict[str, Any]:
    """The Frictionless Table Schema of `moderation_csv`, from RECORD_COLUMNS."""
    return {
        "fields": [
            {
                "name": "monat",
                "type": "yearmonth",
                "description": "Kalendermonat (Europe/Berlin)",
                "constraints": {"required": True},
            },
            {
                "name": "kennzahl",
                "type": "string",
                "description": "; ".join(
                    [f"{column.key}: {column.description}" for column in RECORD_COLUMNS]
                    + [f"{BY_REASON}: Ablehnungen mit dem Grund der Spalte ablehnungsgrund"]
                ),
                "constraints": {
                    "required": True,
                    "enum": [column.key for column in RECORD_COLUMNS] + [BY_REASON],
                },
            },
            {
                "name": "ablehnungsgrund",
                "type": "string",
                "description": f"nur bei {BY_REASON}; „{NO_REASON}“, wenn keiner gewählt wurde",
            },
            {
                "name": "anzahl",
                "type": "integer",
                "constraints": {"required": True, "minimum": 0},
            },
        ],
        "missingValues": [],
        "primaryKey": ["monat", "kennzahl", "ablehnungsgrund"],
    }
