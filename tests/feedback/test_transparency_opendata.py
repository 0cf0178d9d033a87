"""The moderation record as open data: JSON valid against its JSON Schema, CSV against its
Table Schema, the same counts as the page."""

import csv
import io
import json
import re

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from feedback.comments import services
from feedback.models import ModerationAction
from tests.feedback.factories import CommentFactory, RejectionReasonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def decisions():
    moderator = UserFactory()
    reason = RejectionReasonFactory(title="Werbung")
    services.comment_approve(comment=CommentFactory(), moderator=moderator)
    services.comment_reject(comment=CommentFactory(), moderator=moderator, reason=reason)
    unreasoned = CommentFactory()
    services.comment_reject(comment=unreasoned, moderator=moderator, reason=reason)
    # Logged before reasons were stored: no reason known.
    ModerationAction.objects.filter(comment=unreasoned).update(decision_reason=None)
    CommentFactory()  # pending


def test_the_json_follows_its_schema(client, decisions):
    response = client.get("/transparenz/moderation.json")
    assert response.status_code == 200
    assert response["Link"] == '<https://www.govdata.de/dl-de/zero-2-0>; rel="license"'
    data = response.json()
    schema = client.get("/transparenz/moderation.schema.json")
    assert schema["Content-Type"].startswith("application/schema+json")
    schema = schema.json()
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(data)
    assert data["$schema"] == "http://testserver/transparenz/moderation.schema.json"
    assert len(data["monate"]) == 12
    latest = data["monate"][-1]
    assert (latest["eingegangen"], latest["veroeffentlicht"], latest["abgelehnt"]) == (4, 1, 2)
    assert latest["abgelehnt_nach_grund"] == [
        {"grund": "Werbung", "anzahl": 1},
        {"grund": None, "anzahl": 1},
    ]
    assert [k["kurzname"] for k in data["kennzahlen"]][:3] == [
        "eingegangen",
        "veroeffentlicht",
        "abgelehnt",
    ]


def test_the_schema_rejects_what_is_not_a_count(client, decisions):
    data = client.get("/transparenz/moderation.json").json()
    validator = Draft202012Validator(client.get("/transparenz/moderation.schema.json").json())
    data["monate"][0]["abgelehnt"] = -1
    assert not validator.is_valid(data)
    data["monate"][0]["abgelehnt"] = 0
    data["monate"][0]["name_des_verfassers"] = "Erika"
    assert not validator.is_valid(data)


TABLE_TYPES = {
    "yearmonth": r"\d{4}-(0[1-9]|1[0-2])",
    "integer": r"0|[1-9]\d*",
    "string": r".*",
}


def test_the_csv_follows_its_table_schema(client, decisions):
    response = client.get("/transparenz/moderation.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Link"] == '<https://www.govdata.de/dl-de/zero-2-0>; rel="license"'
    body = response.content.decode("utf-8")
    assert "\r\n" in body
    rows = list(csv.reader(io.StringIO(body)))
    schema = client.get("/transparenz/moderation.tableschema.json").json()
    fields = schema["fields"]
    assert rows[0] == [field["name"] for field in fields]
    keys = set()
    for row in rows[1:]:
        for value, field in zip(row, fields, strict=True):
            assert re.fullmatch(TABLE_TYPES[field["type"]], value), (field["name"], value)
            constraints = field.get("constraints", {})
            if constraints.get("required"):
                assert value != ""
            if "enum" in constraints:
                assert value in constraints["enum"]
        key = tuple(
            value
            for value, field in zip(row, fields, strict=True)
            if field["name"] in schema["primaryKey"]
        )
        assert key not in keys  # the primary key is unique
        keys.add(key)
    latest = [row for row in rows[1:] if row[0] == rows[-1][0]]
    assert ["abgelehnt", "", "2"] in [row[1:] for row in latest]
    assert ["abgelehnt_nach_grund", "Werbung", "1"] in [row[1:] for row in latest]
    assert ["abgelehnt_nach_grund", "ohne Angabe", "1"] in [row[1:] for row in latest]


def test_the_page_links_the_open_data(client):
    html = client.get("/transparenz/").content.decode()
    for path in ("moderation.json", "moderation.csv", "moderation.schema.json"):
        assert f'href="/transparenz/{path}"' in html
    assert (
        json.loads(client.get("/en/transparenz/moderation.json").content)["kennzahlen"][0][
            "bezeichnung"
        ]
        == "eingegangen"
    )  # one German dataset in every language
