"""Finding 7: the per-address mail cap could be bypassed. After victim@ had its 3 mails for
the day, victim+1@ … victim+4@ each received one more; allauth's password reset sent mails
outside the cap; and the daily window reset at midnight, so twice the cap could arrive
within minutes. One budget per mailbox now, over any 24 hours, shared by all of them."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils import timezone

from feedback.ratelimit import mailbox
from feedback.subscriptions.services import address_request_confirmation
from tests.feedback.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("address", "box"),
    [
        ("Victim+1@Example.org", "victim@example.org"),
        ("victim+news+x@example.org", "victim@example.org"),
        ("J.Doe+a@googlemail.com", "jdoe@gmail.com"),
        ("j.doe@example.org", "j.doe@example.org"),  # dots count at other providers
    ],
)
def test_addresses_fold_into_their_mailbox(address, box):
    assert mailbox(address) == box


def test_sub_addresses_share_the_mailboxs_budget(run_tasks, settings):
    settings.CONFIRMATION_MAILS_PER_DAY = 3
    for address in ["victim@example.org", "Victim+1@example.org", "victim+2@example.org"]:
        assert address_request_confirmation(email=address)
    for number in range(3, 7):
        assert not address_request_confirmation(email=f"victim+{number}@example.org")
    run_tasks()
    assert len(mail.outbox) == 3


def test_password_resets_draw_on_the_same_budget(run_tasks, settings):
    settings.CONFIRMATION_MAILS_PER_DAY = 3
    user = UserFactory(email="victim@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    assert address_request_confirmation(email="victim+a@example.org")
    assert address_request_confirmation(email="victim+b@example.org")
    for _ in range(3):
        Client().post("/konto/password/reset/", {"email": "victim@example.org"})
    run_tasks()
    assert len(mail.outbox) == 3


def test_the_window_rolls_instead_of_resetting_at_midnight(run_tasks, settings, monkeypatch):
    settings.CONFIRMATION_MAILS_PER_DAY = 3
    midnight = (timezone.now() + timedelta(days=1)).replace(hour=0, minute=0, second=0)
    just_before = midnight - timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: just_before)
    for letter in "abc":
        assert address_request_confirmation(email=f"victim+{letter}@example.org")
    monkeypatch.setattr(timezone, "now", lambda: midnight + timedelta(minutes=1))
    assert not address_request_confirmation(email="victim+d@example.org")
    monkeypatch.setattr(timezone, "now", lambda: just_before + timedelta(hours=24, minutes=1))
    assert address_request_confirmation(email="victim+e@example.org")
