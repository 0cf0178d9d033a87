"""Finding 10: posting an address-confirmation link again after unsubscribing turned the
notifications back on (the link was valid for 7 days). A link now works once."""

import re

import pytest
from django.core import mail
from django.test import Client

from feedback.models import ConfirmedAddress
from feedback.subscriptions import services


@pytest.mark.django_db(transaction=True)
def test_a_confirmation_link_works_once_and_never_undoes_an_unsubscription(run_tasks):
    services.address_request_confirmation(email="erika@example.org")
    run_tasks()
    url = re.search(r"https?://[^/\s]+(/\S+/)", mail.outbox[-1].body).group(1)
    citizen = Client()

    confirmed = citizen.post(url)
    assert confirmed.status_code == 200
    assert "ist bestätigt" in confirmed.content.decode()
    address = ConfirmedAddress.objects.get(email="erika@example.org")
    assert address.notify

    services.address_unsubscribe(token=address.unsubscribe_token)
    again = citizen.post(url)
    assert "bereits bestätigt" in again.content.decode()
    assert "nichts geändert" in again.content.decode()
    assert ConfirmedAddress.objects.get(email="erika@example.org").notify is False
    # The link's page says so before anything is posted, too.
    assert "bereits bestätigt" in citizen.get(url).content.decode()


@pytest.mark.django_db
def test_a_link_sent_before_a_later_unsubscription_is_spent_as_well():
    link = services.confirmation_link(services.confirmation_token("max@example.org"))
    address = services.address_confirm(email="max@example.org")  # a verified account's address
    services.address_unsubscribe(token=address.unsubscribe_token)
    assert services.address_confirm_link(link=link) is None
    assert ConfirmedAddress.objects.get(email="max@example.org").notify is False
