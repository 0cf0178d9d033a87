"""Another town's profile changes what the feedback app says and does: mails, sender,
reference numbers, deadlines."""

import re
from datetime import date

import pytest
from django.core import mail

from feedback.cases.references import reference_pattern
from feedback.cases.workdays import add_working_days
from feedback.models import Conversation
from tests.feedback.factories import TopicFactory, solved_captcha
from tests.strategy.factories import MUSTERSTADT, TownProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def musterstadt():
    return TownProfileFactory(**MUSTERSTADT)


def test_a_contact_message_gets_the_towns_prefix_sender_and_words(
    client, musterstadt, django_capture_on_commit_callbacks, run_tasks
):
    topic = TopicFactory(name="Digitale Verwaltung")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/kontakt/",
            {
                "name": "Erika Mustermann",
                "email": "erika@example.org",
                "topic": str(topic.pk),
                "subject": "Online-Termin",
                "text": "Kann man Termine bald online buchen?",
                "consent": "on",
                "homepage": "",
                **solved_captcha(),
            },
        )
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert re.fullmatch(r"MUST-\d{4}-\d{6}", conversation.reference)

    run_tasks()
    [confirmation] = mail.outbox
    assert confirmation.from_email == "Stadt Musterstadt <digital@musterstadt.example>"
    assert confirmation.reply_to == ["cdo@musterstadt.example"]
    assert confirmation.subject.startswith("Ihre Nachricht an die Stadt Musterstadt")
    assert "Stadt Musterstadt – Stabsstelle Digitalisierung" in confirmation.body
    assert "Verl" not in confirmation.subject + confirmation.body


def test_earlier_references_stay_recognised_after_the_prefix_changes(musterstadt):
    assert reference_pattern().findall("Re: Ihre Nachricht VERL-2026-000012 und MUST-2026-000013")


def test_deadlines_skip_the_holidays_of_the_towns_state(musterstadt):
    # Heilige Drei Könige (6 January, 2026 a Tuesday) is a holiday in Bavaria, not in NRW.
    assert add_working_days(date(2026, 1, 5), 1) == date(2026, 1, 7)
    TownProfileFactory(federal_state="NW")
    assert add_working_days(date(2026, 1, 5), 1) == date(2026, 1, 6)
