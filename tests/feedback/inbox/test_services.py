import re
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from feedback.inbox.services import (
    answer_subject,
    conversation_answer,
    conversation_edit,
    conversation_open_from_form,
    conversation_set_status,
    inbox_seed,
    reference_allocate,
)
from feedback.models import Channel, Conversation, ConversationStatus, Direction, Message, Topic
from tests.feedback.factories import ConversationFactory, MessageFactory, TopicFactory
from tests.strategy.factories import TownProfileFactory

pytestmark = pytest.mark.django_db


def test_reference_numbers_count_up_per_year_with_the_profiles_prefix():
    year = timezone.localdate().year
    first = reference_allocate()
    assert re.fullmatch(rf"VERL-{year}-\d{{6}}", first)
    TownProfileFactory(reference_prefix="GT")
    second = reference_allocate()
    assert second == f"GT-{year}-{int(first.rsplit('-', 1)[1]) + 1:06d}"


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_never_hand_out_a_number_twice():
    numbers: list[str] = []
    errors: list[Exception] = []

    def allocate() -> None:
        try:
            for _ in range(10):
                numbers.append(reference_allocate())
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(numbers) == 40
    assert len(set(numbers)) == 40


def test_form_message_opens_a_conversation_and_confirms_only_the_reference(
    django_capture_on_commit_callbacks, run_tasks
):
    topic = TopicFactory(name="Smart City")
    with django_capture_on_commit_callbacks(execute=True):
        conversation = conversation_open_from_form(
            name="Erika Mustermann",
            email="erika@example.org",
            subject="Sensoren am Marktplatz",
            topic=topic,
            text="Kaufen Sie jetzt Uhren bei http://spam.example!",
            consent_version="2026-01",
        )
    assert conversation.channel == Channel.FORM
    assert conversation.status == ConversationStatus.NEW
    assert conversation.consent_version == "2026-01"
    assert conversation.consented_at is not None
    [message] = conversation.messages.all()
    assert (message.direction, message.from_address) == (Direction.IN, "erika@example.org")
    assert message.text.startswith("Kaufen Sie")

    run_tasks()
    [confirmation] = mail.outbox
    assert confirmation.to == ["erika@example.org"]
    assert conversation.reference in confirmation.subject
    assert conversation.reference in confirmation.body
    # Nothing the sender typed reaches the address: the form is no spam relay.
    for typed in ("Kaufen", "spam.example", "Sensoren", "Erika"):
        assert typed not in confirmation.subject + confirmation.body


def test_confirmations_to_one_address_are_limited(
    settings, django_capture_on_commit_callbacks, run_tasks
):
    settings.CONFIRMATION_MAILS_PER_DAY = 2
    topic = TopicFactory()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            conversation_open_from_form(
                name="Opfer",
                email="Victim@Example.org",
                subject="x",
                topic=topic,
                text="x",
                consent_version="1",
            )
    run_tasks()
    assert Conversation.objects.count() == 4  # every message is kept …
    assert len(mail.outbox) == 2  # … but the address gets only two confirmations


def test_answer_is_stored_and_mailed_with_threading_headers(
    superuser, smtp_server, django_capture_on_commit_callbacks, run_tasks
):
    first = MessageFactory(
        conversation__subject="Frage zum WLAN",
        message_id="first@mail.example.org",
        references="",
    )
    conversation = first.conversation
    with django_capture_on_commit_callbacks(execute=True):
        answer = conversation_answer(
            conversation=conversation, author=superuser, text="Guten Tag,\nim Mai & Juni."
        )
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.ANSWERED
    assert (answer.direction, answer.author, answer.in_reply_to) == (
        Direction.OUT,
        superuser,
        "first@mail.example.org",
    )
    run_tasks()
    [sent] = smtp_server.messages
    assert sent["To"] == conversation.contact_email
    assert sent["Subject"] == f"AW: Frage zum WLAN [{conversation.reference}]"
    assert sent["Message-ID"] == f"<{answer.message_id}>"
    assert sent["In-Reply-To"] == "<first@mail.example.org>"
    assert sent["References"] == "<first@mail.example.org>"
    body = sent.get_content()
    assert "im Mai & Juni." in body  # plain text: nothing HTML-escaped
    assert conversation.reference in body


def test_answer_subject_keeps_one_reference_and_drops_reply_prefixes():
    conversation = ConversationFactory(subject="AW: Re: WG: Frage [VERL-2026-000001]")
    conversation.reference = "VERL-2026-000001"
    assert answer_subject(conversation) == "AW: Frage [VERL-2026-000001]"


def test_closed_conversations_and_empty_answers_are_refused(superuser):
    conversation = ConversationFactory(status=ConversationStatus.CLOSED)
    with pytest.raises(ValidationError, match="geschlossen"):
        conversation_answer(conversation=conversation, author=superuser, text="Hallo")
    with pytest.raises(ValidationError, match="Antwort"):
        conversation_answer(conversation=ConversationFactory(), author=superuser, text="  ")
    assert Message.objects.count() == 0


def test_an_answer_can_close_the_conversation(superuser):
    conversation = ConversationFactory(status=ConversationStatus.IN_PROGRESS)
    conversation_answer(conversation=conversation, author=superuser, text="Erledigt.", close=True)
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.CLOSED
    assert conversation.messages.get().direction == Direction.OUT


def test_status_transitions_are_checked():
    conversation = ConversationFactory()
    conversation_set_status(conversation=conversation, status=ConversationStatus.CLOSED)
    with pytest.raises(ValidationError, match="„geschlossen“ kann nicht auf „beantwortet“"):
        conversation_set_status(conversation=conversation, status=ConversationStatus.ANSWERED)
    conversation = conversation_set_status(
        conversation=conversation, status=ConversationStatus.IN_PROGRESS
    )
    assert conversation.status == ConversationStatus.IN_PROGRESS


def test_edit_saves_staff_fields_and_checks_the_status(superuser):
    conversation = ConversationFactory(status=ConversationStatus.CLOSED)
    topic = TopicFactory()
    edited = conversation_edit(
        conversation=conversation,
        status=ConversationStatus.CLOSED,
        topic=topic,
        assignee=superuser,
        notes="Rückruf vereinbart",
        actor=superuser,
    )
    assert (edited.topic, edited.assignee, edited.notes) == (topic, superuser, "Rückruf vereinbart")
    with pytest.raises(ValidationError):
        conversation_edit(
            conversation=conversation,
            status=ConversationStatus.NEW,
            topic=None,
            assignee=None,
            notes="",
            actor=superuser,
        )


def test_inbox_seed_creates_default_topics_once_and_keeps_edits():
    report = inbox_seed()
    assert len(report.created) == 4
    assert list(Topic.objects.values_list("name", flat=True)) == [
        "Allgemein",
        "Digitale Verwaltung",
        "Smart City",
        "Barriere melden",
    ]
    Topic.objects.filter(name="Smart City").delete()
    report = inbox_seed()
    assert report.created == []
    assert not Topic.objects.filter(name="Smart City").exists()


def test_the_default_topics_have_english_names():
    inbox_seed()
    assert dict(Topic.objects.values_list("name", "name_en")) == {
        "Allgemein": "General",
        "Digitale Verwaltung": "Digital administration",
        "Smart City": "Smart City",
        "Barriere melden": "Report an accessibility barrier",
    }
