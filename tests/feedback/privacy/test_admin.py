import json

import pytest
from django.urls import reverse

from feedback.models import Conversation
from tests.feedback.factories import UserFactory, signed_in, staff_ready
from tests.feedback.privacy.data import ANNA, BERT

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(staff):
    client = signed_in(staff)
    return client


def test_staff_with_the_permission_export_and_erase_in_the_admin(anna, staff_client):
    url = reverse("admin:feedback_privacyrequest_request")
    html = staff_client.get(url, {"email": ANNA}).content.decode()
    assert "Gespeichert zu anna@example.org" in html
    assert "Auskunft als JSON herunterladen" in html

    response = staff_client.post(url, {"email": ANNA, "export": "1"})
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert ANNA not in response["Content-Disposition"]
    assert json.loads(response.content)["accounts"][0]["username"] == "anna"

    response = staff_client.post(url, {"email": ANNA, "erase": "1"})
    assert response.status_code == 400
    assert "Bitte bestätigen Sie die Löschung." in response.content.decode()
    assert Conversation.objects.filter(contact_email=ANNA).exists()

    response = staff_client.post(url, {"email": ANNA, "erase": "1", "confirm": "on"}, follow=True)
    assert response.redirect_chain == [(reverse("admin:feedback_privacyrequest_changelist"), 302)]
    html = response.content.decode()
    assert "Gelöscht oder anonymisiert: Konten gelöscht: 1, Kommentare anonymisiert: 2" in html
    assert not Conversation.objects.filter(contact_email=ANNA).exists()

    log = reverse("admin:feedback_privacyrequest_changelist")
    assert staff_client.get(log, {"q": ANNA}).context["cl"].result_count == 2
    assert staff_client.get(log, {"q": BERT}).context["cl"].result_count == 0


def test_a_bad_address_is_a_german_400(staff_client):
    url = reverse("admin:feedback_privacyrequest_request")
    response = staff_client.get(url, {"email": "anna(at)example"})
    assert response.status_code == 400
    assert "gültige E-Mail-Adresse" in response.content.decode()


def test_staff_without_the_permission_see_neither_the_log_nor_the_page(anna):
    moderator = UserFactory(is_staff=True)
    staff_ready(moderator)
    client = signed_in(moderator)
    assert client.get(reverse("admin:feedback_privacyrequest_request")).status_code == 403
    assert client.get(reverse("admin:feedback_privacyrequest_changelist")).status_code == 403
    response = client.post(
        reverse("admin:feedback_privacyrequest_request"),
        {"email": ANNA, "erase": "1", "confirm": "on"},
    )
    assert response.status_code == 403
    assert Conversation.objects.filter(contact_email=ANNA).exists()
