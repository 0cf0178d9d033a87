"""Every mail the site sends by itself says so (Auto-Submitted, RFC 3834); a person's does not.

Mail programs and auto-responders do not answer a mail marked this way, so an out-of-office
reply to a receipt cannot start a loop; and the site itself skips inbound mail carrying it.
"""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django_tasks_db.models import DBTaskResult

from feedback.comments import services as comments
from feedback.inbox import services as inbox
from feedback.inbox.ingest import IngestOutcome, message_ingest
from feedback.measure_links import services as measure_links
from feedback.models import Conversation
from strategy.models import MeasureStatus
from strategy.services import measure_set_status
from tests.feedback.factories import (
    ApprovedCommentFactory,
    ConfirmedAddressFactory,
    MessageFactory,
    RejectionReasonFactory,
    UserFactory,
)
from tests.strategy.factories import MeasureFactory

pytestmark = pytest.mark.django_db

AUTOMATIC = "auto-generated"


@pytest.fixture
def send(django_capture_on_commit_callbacks, run_tasks):
    """Run an action, commit, and let the worker send what it queued (also what the
    worker's own tasks queue, like the moderators' digest); the mails sent."""

    def run(action):
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            action()
        for _round in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                run_tasks()
        return mail.outbox[before:]

    return run


def auto_submitted(message) -> str | None:
    """The header as the mail carries it on the wire."""
    return message.message()["Auto-Submitted"]


def contact_form(email: str = "erika@example.org") -> Conversation:
    return inbox.conversation_open_from_form(
        name="Erika",
        email=email,
        subject="E-Akte",
        topic=None,
        text="Wann kommt die E-Akte?",
        consent_version="2026-01",
        notify_progress=True,
    )


def test_the_contact_forms_receipt_and_the_address_confirmation_are_automatic(send):
    receipt, confirmation = send(contact_form)
    assert "Ihre Nachricht" in receipt.subject
    assert confirmation.subject == "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    assert auto_submitted(receipt) == AUTOMATIC
    assert auto_submitted(confirmation) == AUTOMATIC


def test_notifications_about_a_comment_are_automatic(send, page, moderator):
    ConfirmedAddressFactory(email="anna@example.org")
    first, second = (
        comments.comment_submit(
            target=page, author_name="Anna", author_email="anna@example.org", notify=True, text=t
        )
        for t in ("Eins", "Zwei")
    )
    reason = RejectionReasonFactory(text="Bitte bleiben Sie beim Thema.")
    mails = [
        *send(lambda: comments.comment_approve(comment=first, moderator=moderator)),
        *send(lambda: comments.comment_answer(comment=first, staff=moderator, text="Danke!")),
        *send(lambda: comments.comment_reject(comment=second, moderator=moderator, reason=reason)),
    ]
    # The answer on the website is a person's, but this mail only tells that it is there.
    assert [m.subject for m in mails if m.to == ["anna@example.org"]] == [
        "Ihr Kommentar ist freigegeben",
        "Die Stadt Verl hat auf Ihren Kommentar geantwortet",
        "Ihr Kommentar wurde nicht veröffentlicht",
    ]
    assert {auto_submitted(m) for m in mails} == {AUTOMATIC}


def test_the_moderators_digest_is_automatic(send, page, moderator):
    mails = send(lambda: comments.comment_submit(target=page, author_name="A", text="Neu"))
    [digest] = [m for m in mails if m.to == [moderator.email]]
    assert digest.subject == "1 neuer Kommentar zur Moderation"
    assert auto_submitted(digest) == AUTOMATIC


def test_a_measures_status_mail_is_automatic(send):
    measure = MeasureFactory(progress=MeasureStatus.PLANNED)
    ConfirmedAddressFactory(email="anna@example.org")
    comment = ApprovedCommentFactory(author_email="anna@example.org", notify=True)
    measure_links.measure_link_create(measure=measure, linked_by=None, comment=comment)
    [message] = send(
        lambda: measure_set_status(
            measure=measure, status=MeasureStatus.IN_PROGRESS, changed_by=None
        )
    )
    assert message.subject.startswith("Neuer Stand der Maßnahme")
    assert auto_submitted(message) == AUTOMATIC


def test_account_mails_are_automatic(send, client):
    signup = {
        "email": "neu@example.org",
        "username": "Neu",
        "password1": "ein-langes-Passwort-42",
        "password2": "ein-langes-Passwort-42",
        "privacy_consent": "on",
    }
    [verification] = send(lambda: client.post("/konto/signup/", signup))
    assert "/konto/confirm-email/" in verification.body

    user = UserFactory(email="reset@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    [reset] = send(lambda: client.post("/konto/password/reset/", {"email": "reset@example.org"}))
    assert "/konto/password/reset/key/" in reset.body
    assert auto_submitted(verification) == AUTOMATIC
    assert auto_submitted(reset) == AUTOMATIC


def test_a_staff_members_answer_is_no_automatic_mail(send, superuser):
    # Written by a person: auto-responders may answer it, like any letter.
    conversation = MessageFactory(message_id="frage@mail.example.org").conversation
    [answer] = send(
        lambda: inbox.conversation_answer(
            conversation=conversation, author=superuser, text="Guten Tag, im Mai."
        )
    )
    assert answer.to == [conversation.contact_email]
    assert auto_submitted(answer) is None


def test_the_header_goes_out_through_smtp_and_the_site_never_answers_its_own_mail(
    send, smtp_server
):
    # Someone gives the CDO's own address in the contact form: the receipt lands in the
    # mailbox the site reads. It must end there, not open a conversation or be answered.
    send(lambda: contact_form(email="digitalisierung@verl.de"))
    receipt = next(m for m in smtp_server.messages if "Ihre Nachricht" in m["Subject"])
    assert receipt["Auto-Submitted"] == AUTOMATIC
    conversations = Conversation.objects.count()
    queued = DBTaskResult.objects.count()

    result = message_ingest(raw=receipt.as_bytes())
    assert result.outcome == IngestOutcome.AUTO_REPLY
    assert Conversation.objects.count() == conversations
    assert DBTaskResult.objects.count() == queued  # no receipt, no notification
