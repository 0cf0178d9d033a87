"""`/.well-known/security.txt` (RFC 9116) names where vulnerabilities are reported."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client


@pytest.mark.django_db
def test_security_txt_names_the_contact_and_a_near_expiry(settings):
    settings.SECURITY_CONTACT = "it-sicherheit@example.org"
    settings.SITE_URL = "https://digital.example.org"
    response = Client().get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"] == "mailto:it-sicherheit@example.org"
    assert fields["Canonical"] == "https://digital.example.org/.well-known/security.txt"
    assert fields["Preferred-Languages"] == "de, en"
    expires = datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timedelta(days=30) < expires - datetime.now(UTC) < timedelta(days=365)


@pytest.mark.django_db
def test_security_txt_takes_no_writes():
    assert Client().post("/.well-known/security.txt").status_code == 405
