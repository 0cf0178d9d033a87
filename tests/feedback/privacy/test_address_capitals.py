"""Mails queued to an address typed with capitals belong to that address (issue 18, 6a)."""

import json

import pytest
from django_tasks_db.models import DBTaskResult

from feedback.outbox import send_email
from feedback.privacy import erasure, export, lookup
from tests.feedback.factories import ConversationFactory
from tests.feedback.privacy.data import BERT, everything_stored

pytestmark = pytest.mark.django_db

TYPED = "Anna.Beispiel@Example.DE"


@pytest.fixture
def mails():
    """The receipt and a staff answer, queued to the address as Anna typed it."""
    ConversationFactory(contact_name="Anna Beispiel", contact_email=TYPED)
    send_email.enqueue(subject="Ihre Nachricht ist eingegangen", body="Hallo Anna", to=[TYPED])
    send_email.enqueue(
        subject="Antwort der Stadt Verl", body="Ihr Antrag auf Glasfaser ist genehmigt.", to=[TYPED]
    )
    send_email.enqueue(subject="Für Bert", body="Berts Antwort", to=[BERT])


def test_the_export_holds_the_mails_queued_to_the_typed_address(mails, staff):
    data = export.personal_data_export(email="anna.beispiel@example.de", actor=staff)

    assert [m["subject"] for m in data["mails"]] == [
        "Ihre Nachricht ist eingegangen",
        "Antwort der Stadt Verl",
    ]
    assert "Ihr Antrag auf Glasfaser ist genehmigt." in json.dumps(data, ensure_ascii=False)
    assert "Berts Antwort" not in json.dumps(data, ensure_ascii=False)


def test_erasure_deletes_the_mails_queued_to_the_typed_address(mails, staff):
    summary = erasure.personal_data_erase(email=TYPED, actor=staff)

    assert summary["mails_deleted"] == 2
    assert summary["conversations_deleted"] == 1
    assert lookup.personal_data_find(email=TYPED).counts()["mails"] == 0
    assert list(DBTaskResult.objects.values_list("args_kwargs__kwargs__to", flat=True)) == [[BERT]]
    stored = everything_stored()
    assert "Glasfaser" not in stored
    assert TYPED.lower() not in stored.lower()
