import pytest
from django.db import IntegrityError
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from feedback.inbox import ingest
from feedback.inbox.ingest import IngestOutcome, message_ingest
from feedback.inbox.services import conversation_answer
from feedback.models import Channel, Conversation, ConversationStatus, Direction, Message
from tests.feedback import mailcorpus
from tests.feedback.factories import ConversationFactory

pytestmark = pytest.mark.django_db


def test_ingest_stores_a_new_email_conversation():
    result = message_ingest(raw=mailcorpus.build(subject="WLAN am Rathaus"))
    assert result.outcome == IngestOutcome.STORED
    conversation = result.conversation
    assert conversation.channel == Channel.EMAIL
    assert conversation.subject == "WLAN am Rathaus"
    assert (conversation.contact_name, conversation.contact_email) == (
        "Erika Mustermann",
        "erika@example.org",
    )
    assert result.message.direction == Direction.IN


def test_ingest_dry_run_keeps_nothing():
    result = message_ingest(raw=mailcorpus.build(), dry_run=True)
    assert result.outcome == IngestOutcome.STORED
    assert Conversation.objects.count() == 0
    assert Message.objects.count() == 0


def test_the_same_mail_twice_is_a_duplicate():
    raw = mailcorpus.build()
    assert message_ingest(raw=raw).outcome == IngestOutcome.STORED
    assert message_ingest(raw=raw).outcome == IngestOutcome.DUPLICATE
    without_id = mailcorpus.build(message_id=None)
    assert message_ingest(raw=without_id).outcome == IngestOutcome.STORED
    assert message_ingest(raw=without_id).outcome == IngestOutcome.DUPLICATE
    assert Message.objects.count() == 2


def test_the_database_refuses_a_second_copy_even_past_the_check():
    """The unique constraints, not only the look-up, keep concurrent ingests from doubling."""
    stored = message_ingest(raw=mailcorpus.build(message_id=None)).message
    copy = Message(
        conversation=stored.conversation,
        direction=Direction.IN,
        content_hash=stored.content_hash,
    )
    with pytest.raises(IntegrityError, match="message_unique_content_without_id"):
        copy.save()


def test_a_reply_with_our_message_id_joins_its_conversation(
    superuser, django_capture_on_commit_callbacks
):
    conversation = message_ingest(raw=mailcorpus.build()).conversation
    with django_capture_on_commit_callbacks(execute=True):
        answer = conversation_answer(conversation=conversation, author=superuser, text="Bald.")
    reply = mailcorpus.build(
        subject="Re: irgendwas ganz anderes",
        sender="Jemand Anderes <other@example.net>",
        headers={"In-Reply-To": f"<{answer.message_id}>"},
    )
    result = message_ingest(raw=reply)
    assert result.outcome == IngestOutcome.STORED
    assert result.conversation == conversation
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.NEW  # a reply needs attention again


def test_a_reference_in_the_subject_joins_only_from_the_same_address():
    conversation = ConversationFactory(contact_email="erika@example.org")
    own = mailcorpus.build(subject=f"AW: Ihre Nachricht [{conversation.reference.lower()}]")
    assert message_ingest(raw=own).conversation == conversation
    stranger = mailcorpus.build(
        subject=f"Ich klinke mich ein {conversation.reference}", sender="x@evil.example"
    )
    assert message_ingest(raw=stranger).conversation != conversation


@pytest.mark.parametrize("message_id", ["auto", None])
def test_an_ingest_racing_past_the_look_up_still_ends_as_duplicate(monkeypatch, message_id):
    """Two workers ingest one mail at once: both miss each other in the look-up, and the
    database's unique constraint turns the second insert into a duplicate, not an error."""
    raw = mailcorpus.build(message_id=message_id)
    assert message_ingest(raw=raw).outcome == IngestOutcome.STORED
    real_look_up = ingest._duplicate_of
    calls = []

    def look_up_that_misses_once(mail):
        calls.append(mail)
        return None if len(calls) == 1 else real_look_up(mail)

    monkeypatch.setattr(ingest, "_duplicate_of", look_up_that_misses_once)
    result = message_ingest(raw=raw)
    assert result.outcome == IngestOutcome.DUPLICATE
    assert len(calls) == 2
    assert Message.objects.count() == 1
    assert Conversation.objects.count() == 1


DAMAGEABLE = mailcorpus.build(
    text="Guten Tag", attachments=[("plan.pdf", "application/pdf", b"%PDF-1.4\n")]
)


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(position=st.integers(0, len(DAMAGEABLE)), junk=st.binary(min_size=1, max_size=60))
def test_damaged_mail_is_stored_or_rejected_never_an_error(position, junk):
    """Down to the database: whatever the parser lets through must be storable."""
    raw = DAMAGEABLE[:position] + junk + DAMAGEABLE[position:]
    result = message_ingest(raw=raw)
    assert result.outcome in set(IngestOutcome)
    if result.outcome == IngestOutcome.STORED:
        assert Message.objects.filter(pk=result.message.pk).exists()
