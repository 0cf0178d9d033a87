"""Ihr Feedback – unsere Maßnahmen: linking feedback to measures, mail on a status change."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from feedback.inbox import services as inbox
from feedback.measure_links import services
from feedback.models import CommentStatus, ConfirmedAddress, MeasureLink
from feedback.subscriptions import services as subscriptions
from strategy.models import MeasureStatus
from strategy.services import measure_set_status
from tests.feedback.factories import (
    ApprovedCommentFactory,
    CommentFactory,
    ConfirmedAddressFactory,
    ConversationFactory,
    UserFactory,
)
from tests.strategy.factories import MeasureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure():
    return MeasureFactory(title="E-Akte", slug="e-akte", progress=MeasureStatus.PLANNED)


@pytest.fixture
def staff():
    return UserFactory(username="cdo")


def link(measure, staff, **item):
    return services.measure_link_create(measure=measure, linked_by=staff, **item)


# --- Linking ------------------------------------------------------------------------------


def test_comments_and_conversations_are_linked_once(measure, staff):
    comment = ApprovedCommentFactory()
    conversation = ConversationFactory()
    first = link(measure, staff, comment=comment)
    assert link(measure, staff, comment=comment) == first  # linking again changes nothing
    link(measure, staff, conversation=conversation)
    link(MeasureFactory(), staff, conversation=conversation)  # one item, several measures
    assert MeasureLink.objects.count() == 3
    assert first.linked_by == staff
    assert MeasureLink.objects.filter(measure=measure).counts() == {
        "comments": 1,
        "conversations": 1,
    }


def test_the_database_refuses_a_second_identical_link(measure):
    comment = ApprovedCommentFactory()
    MeasureLink.objects.create(measure=measure, comment=comment)
    with transaction.atomic(), pytest.raises(IntegrityError):
        MeasureLink.objects.create(measure=measure, comment=comment)
    with transaction.atomic(), pytest.raises(IntegrityError):
        MeasureLink.objects.create(measure=measure)  # neither a comment nor a conversation


@pytest.mark.parametrize(
    "item",
    [
        {},
        {"comment": "spam"},
        {"comment": "official"},
        {"comment": "pending", "conversation": "any"},
    ],
)
def test_only_one_piece_of_citizens_feedback_is_linked(measure, staff, item):
    kinds = {
        "spam": lambda: CommentFactory(status=CommentStatus.SPAM),
        "official": lambda: ApprovedCommentFactory(is_official=True),
        "pending": CommentFactory,
        "any": ConversationFactory,
    }
    with pytest.raises(ValidationError):
        link(measure, staff, **{name: kinds[kind]() for name, kind in item.items()})
    assert not MeasureLink.objects.exists()


def test_a_link_can_be_removed(measure, staff):
    created = link(measure, staff, comment=CommentFactory())
    services.measure_link_delete(link=created)
    services.measure_link_delete(link=created)  # gone already: fine
    assert not MeasureLink.objects.exists()


def test_spam_does_not_count_even_when_marked_after_linking(measure, staff):
    comment = ApprovedCommentFactory()
    link(measure, staff, comment=comment)
    link(measure, staff, comment=CommentFactory())
    comment.status = CommentStatus.SPAM
    comment.save()
    assert MeasureLink.objects.filter(measure=measure).counts()["comments"] == 1


# --- Mail when the status changes ---------------------------------------------------------


@pytest.fixture
def change_status(measure, django_capture_on_commit_callbacks, run_tasks):
    """Change the measure's status the way the admin does, and run the mail worker."""

    def change(status: str, target=None) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            measure_set_status(measure=target or measure, status=status, changed_by=None)
        run_tasks()

    return change


def opted_in_comment(measure, staff, email: str, **kwargs):
    comment = ApprovedCommentFactory(author_email=email, notify=True, **kwargs)
    link(measure, staff, comment=comment)
    return comment


def test_opted_in_contributors_get_one_mail_each(measure, staff, change_status, settings):
    settings.SITE_URL = "https://digital.verl.example"
    ConfirmedAddressFactory(email="anna@example.org")
    ConfirmedAddressFactory(email="ben@example.org")
    opted_in_comment(measure, staff, "anna@example.org")
    opted_in_comment(measure, staff, "Anna@Example.org")  # same person, second comment
    conversation = ConversationFactory(contact_email="anna@example.org", notify_progress=True)
    link(measure, staff, conversation=conversation)
    link(measure, staff, conversation=ConversationFactory(contact_email="ben@example.org"))

    change_status(MeasureStatus.IN_PROGRESS)

    [message] = mail.outbox  # ben did not tick "Über Fortschritte informieren"
    assert message.to == ["anna@example.org"]
    assert message.subject == "Neuer Stand der Maßnahme „E-Akte“"
    assert "bisher: geplant" in message.body
    assert "jetzt: in Umsetzung" in message.body
    assert "https://digital.verl.example/strategie/massnahmen/e-akte/" in message.body
    address = ConfirmedAddress.objects.get(email="anna@example.org")
    unsubscribe = f"/kommentare/abmelden/{address.unsubscribe_token}/"
    assert unsubscribe in message.body
    assert message.extra_headers["List-Unsubscribe"].endswith(f"{unsubscribe}>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize(
    "contributor",
    [
        "comment-without-opt-in",
        "unconfirmed-address",
        "unsubscribed-address",
        "spam",
        "conversation-without-opt-in",
        "conversation-unconfirmed",
    ],
)
def test_nobody_else_is_mailed(measure, staff, change_status, contributor):
    email = "leser@example.org"
    if contributor != "unconfirmed-address" and contributor != "conversation-unconfirmed":
        ConfirmedAddressFactory(email=email, notify=contributor != "unsubscribed-address")
    if contributor == "comment-without-opt-in":
        link(measure, staff, comment=ApprovedCommentFactory(author_email=email, notify=False))
    elif contributor in {"unconfirmed-address", "unsubscribed-address"}:
        opted_in_comment(measure, staff, email)
    elif contributor == "spam":
        comment = opted_in_comment(measure, staff, email)
        comment.status = CommentStatus.SPAM
        comment.save()
    else:
        conversation = ConversationFactory(
            contact_email=email, notify_progress=contributor == "conversation-unconfirmed"
        )
        link(measure, staff, conversation=conversation)

    change_status(MeasureStatus.DONE)

    assert mail.outbox == []


def test_no_mail_when_the_status_stays_or_the_measure_is_not_public(measure, staff, change_status):
    ConfirmedAddressFactory(email="anna@example.org")
    opted_in_comment(measure, staff, "anna@example.org")
    change_status(MeasureStatus.PLANNED)  # unchanged
    assert mail.outbox == []

    draft = MeasureFactory(status="draft", progress=MeasureStatus.PLANNED)
    opted_in_comment(draft, staff, "anna@example.org")
    change_status(MeasureStatus.DONE, target=draft)
    assert mail.outbox == []


def test_an_unsubscribe_from_the_mail_stops_the_next_one(client, measure, staff, change_status):
    ConfirmedAddressFactory(email="anna@example.org")
    opted_in_comment(measure, staff, "anna@example.org")
    change_status(MeasureStatus.IN_PROGRESS)
    [message] = mail.outbox
    path = re.search(r"/kommentare/abmelden/\S+/", message.body).group(0)
    assert client.post(path).status_code == 200  # RFC 8058 one-click, no CSRF token

    change_status(MeasureStatus.DONE)
    assert len(mail.outbox) == 1


def test_a_contact_form_sender_who_opted_in_is_mailed_after_confirming(
    client, measure, staff, change_status, django_capture_on_commit_callbacks, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        conversation = inbox.conversation_open_from_form(
            name="Erika",
            email="erika@example.org",
            subject="E-Akte",
            topic=None,
            text="Wann kommt die E-Akte?",
            consent_version="2026-01",
            notify_progress=True,
        )
    run_tasks()
    _receipt, confirmation = mail.outbox
    assert conversation.notify_progress
    assert confirmation.subject == "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    link(measure, staff, conversation=conversation)

    change_status(MeasureStatus.IN_PROGRESS)
    assert len(mail.outbox) == 2  # not confirmed yet: nothing

    token = re.search(r"/kommentare/adresse-bestaetigen/(\S+)/", confirmation.body).group(1)
    subscriptions.address_confirm_link(link=subscriptions.confirmation_link(token))
    change_status(MeasureStatus.DONE)
    assert [m.to for m in mail.outbox[2:]] == [["erika@example.org"]]
    assert "jetzt: umgesetzt" in mail.outbox[2].body


def test_the_status_mail_reaches_a_real_smtp_server(
    measure, staff, change_status, smtp_server, settings
):
    settings.SITE_URL = "https://digital.verl.example"
    ConfirmedAddressFactory(email="anna@example.org")
    opted_in_comment(measure, staff, "anna@example.org")
    change_status(MeasureStatus.DEFERRED)
    [message] = smtp_server.messages
    assert message["To"] == "anna@example.org"
    assert message["Subject"] == "Neuer Stand der Maßnahme „E-Akte“"
    assert (
        message["List-Unsubscribe"]
        .strip()
        .startswith("<https://digital.verl.example/kommentare/abmelden/")
    )
    body = message.get_content()
    assert "jetzt: zurückgestellt" in body
    assert "https://digital.verl.example/strategie/massnahmen/e-akte/" in body
