"""/strategie/daten.json matches its JSON Schema; the CSV carries the same measures."""

import csv
import io
import json
from datetime import date, timedelta

import pytest
from django.utils import timezone
from jsonschema import Draft202012Validator

from strategy.opendata import CSV_COLUMNS, SCHEMA_PATH
from tests.strategy.factories import ActionFieldFactory, MeasureFactory, MeasureUpdateFactory

LICENSE_LINK = '<https://www.govdata.de/dl-de/zero-2-0>; rel="license"'


def validate(data: dict) -> None:
    schema = json.loads(SCHEMA_PATH.read_text())
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(data), key=str)
    assert errors == []


@pytest.fixture
def strategy(db):
    field = ActionFieldFactory(title="Digitale Verwaltung", slug="verwaltung", position=1)
    measure = MeasureFactory(
        action_field=field,
        title="E-Akte",
        slug="e-akte",
        progress="in_progress",
        target_date=date(2027, 6, 30),
    )
    MeasureUpdateFactory(measure=measure, text="Erste Fachbereiche sind umgestellt.")
    MeasureUpdateFactory(measure=measure, text="Zukunft", date=timezone.localdate() + timedelta(1))
    MeasureFactory(action_field=field, title="Entwurf", status="draft")
    MeasureFactory(action_field=ActionFieldFactory(status="draft"), title="Im Entwurfsfeld")
    MeasureFactory(action_field=field, title="Ohne Datum", slug="ohne-datum", department="")
    return field


def test_json_matches_its_schema_and_lists_published_measures(client, strategy):
    response = client.get("/strategie/daten.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Link"] == LICENSE_LINK
    data = response.json()
    validate(data)
    assert data["lizenz"]["name"] == "Datenlizenz Deutschland – Zero – Version 2.0"
    assert data["$schema"] == "http://testserver/strategie/daten.schema.json"
    (field,) = data["handlungsfelder"]
    assert field["titel"] == "Digitale Verwaltung"
    assert [m["titel"] for m in field["massnahmen"]] == ["E-Akte", "Ohne Datum"]
    e_akte = field["massnahmen"][0]
    assert e_akte["stand"] == "in_progress"
    assert e_akte["stand_bezeichnung"] == "in Umsetzung"
    assert e_akte["zieldatum"] == "2027-06-30"
    assert e_akte["url"] == "http://testserver/strategie/massnahmen/e-akte/"
    assert [n["text"] for n in e_akte["notizen"]] == ["Erste Fachbereiche sind umgestellt."]
    assert field["massnahmen"][1]["zieldatum"] is None


@pytest.mark.django_db
def test_empty_json_matches_its_schema(client):
    data = client.get("/strategie/daten.json").json()
    validate(data)
    assert data["handlungsfelder"] == []
    assert {value["wert"] for value in data["status_werte"]} == {
        "planned",
        "in_progress",
        "done",
        "deferred",
    }


def test_schema_rejects_what_it_should(client, strategy):
    data = client.get("/strategie/daten.json").json()
    data["handlungsfelder"][0]["massnahmen"][0]["stand"] = "erfunden"
    schema = json.loads(SCHEMA_PATH.read_text())
    assert not Draft202012Validator(schema).is_valid(data)


@pytest.mark.django_db
def test_schema_is_served(client):
    response = client.get("/strategie/daten.schema.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/schema+json")
    assert json.loads(response.content)["title"] == "Digitalisierungsstrategie der Stadt Verl"


def test_csv_has_one_row_per_published_measure(client, strategy):
    response = client.get("/strategie/daten.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Link"] == LICENSE_LINK
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert list(rows[0]) == CSV_COLUMNS
    assert [row["massnahme"] for row in rows] == ["E-Akte", "Ohne Datum"]
    assert rows[0]["handlungsfeld_kurzname"] == "verwaltung"
    assert rows[0]["stand_bezeichnung"] == "in Umsetzung"
    assert rows[0]["letzte_notiz"] == (timezone.localdate() - timedelta(days=1)).isoformat()
    assert rows[1]["zieldatum"] == ""
    assert rows[0]["beispiel"] == "nein"


def test_open_data_uses_a_fixed_number_of_queries(client, strategy, django_assert_max_num_queries):
    for _field_number in range(5):
        field = ActionFieldFactory()
        for _ in range(3):
            MeasureUpdateFactory(measure=MeasureFactory(action_field=field))
    with django_assert_max_num_queries(4):
        client.get("/strategie/daten.json")
    with django_assert_max_num_queries(4):
        client.get("/strategie/daten.csv")
