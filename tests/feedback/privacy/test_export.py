import json

import pytest
from django.core.exceptions import ValidationError

from feedback.models import PrivacyRequest
from feedback.privacy import export, lookup
from tests.feedback.privacy.data import ANNA, BERT

pytestmark = pytest.mark.django_db


def test_the_export_holds_everything_stored_about_the_address_and_is_logged(anna, staff):
    data = export.personal_data_export(email="Anna@Example.org", actor=staff)

    [account] = data["accounts"]
    assert account["username"] == "anna"
    assert account["addresses"] == [{"email": ANNA, "verified": True, "primary": True}]
    assert account["privacy_consent"]["version"] == "2026-01"
    texts = {c["text"] for c in data["comments"]}
    assert texts == {anna["public"].text, anna["pending"].text, anna["signed_in"].text}
    public = next(c for c in data["comments"] if c["id"] == anna["public"].pk)
    assert public["text_before_moderation"].endswith("0170 1234567.")
    assert public["page"] == "Smarte Verwaltung"
    assert public["consent_version"] == "2025-01"
    [address] = data["confirmed_addresses"]
    assert address["email"] == ANNA
    [conversation] = data["conversations"]
    assert conversation["reference"] == anna["conversation"].reference
    [message] = conversation["messages"]
    assert message["text"] == "Meine Frage zum Bauantrag."
    assert message["attachments"] == [
        {"filename": "antrag.pdf", "content_type": "application/pdf", "size": 4}
    ]
    assert [m["text"] for m in data["messages_in_other_conversations"]] == ["Anna ergänzt."]
    assert [m["subject"] for m in data["mails"]] == ["Ihr Kommentar"]
    dump = json.dumps(data, ensure_ascii=False)
    assert BERT not in dump
    assert "Berts eigene Frage" not in dump

    entry = PrivacyRequest.objects.get()
    assert (entry.kind, entry.actor, entry.actor_name) == ("export", staff, "datenschutz")
    assert entry.email_hash == lookup.email_hash(ANNA)
    assert entry.summary["comments"] == 3
    row = json.dumps(
        [entry.kind, entry.email_hash, entry.actor_name, entry.summary], ensure_ascii=False
    )
    assert "anna" not in row.lower()


def test_an_invalid_address_is_refused():
    with pytest.raises(ValidationError):
        lookup.personal_data_find(email="keine-adresse")
