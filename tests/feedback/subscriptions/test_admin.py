"""Staff change a subscription only through the service, as its owner's link does."""

import pytest
from django.urls import reverse

from feedback.models import ConfirmedAddress
from tests.feedback.factories import ConfirmedAddressFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:feedback_confirmedaddress_changelist")


def test_staff_unsubscribe_addresses_through_the_service(admin_client):
    address = ConfirmedAddressFactory(email="anna@example.org")
    other = ConfirmedAddressFactory()
    response = admin_client.post(
        CHANGELIST, {"action": "unsubscribe", "_selected_action": [address.pk]}, follow=True
    )
    assert "1 Adresse erhält keine Benachrichtigungen mehr." in response.content.decode()
    address.refresh_from_db()
    assert address.notify is False
    assert address.unsubscribed_at is not None  # recorded as the owner's link records it
    assert ConfirmedAddress.objects.get(pk=other.pk).notify is True


def test_the_flag_cannot_be_edited_and_no_address_added_by_hand(admin_client):
    address = ConfirmedAddressFactory()
    change_url = reverse("admin:feedback_confirmedaddress_change", args=[address.pk])
    assert 'name="notify"' not in admin_client.get(change_url).content.decode()
    admin_client.post(change_url, {"notify": ""})
    address.refresh_from_db()
    assert address.notify is True
    add_url = reverse("admin:feedback_confirmedaddress_add")
    assert admin_client.get(add_url).status_code == 403
