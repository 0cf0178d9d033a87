"""The opt-in mail, the confirmation page and the unsubscribe page say what the address was
given for: a comment, the contact form, or both."""

import lxml.html
import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from feedback.inbox.services import conversation_open_from_form
from feedback.models import ConfirmedAddress
from feedback.subscriptions import services
from tests.feedback.comments.test_services import run_mail, submit

pytestmark = pytest.mark.django_db

EMAIL = "erika@example.org"
COMMENT = "beim Schreiben eines Kommentars"
CONTACT = "im Kontaktformular"
MEASURES = "Fortschritt"


def comment_with_notification(page) -> None:
    submit(page, author_email=EMAIL, notify=True)


def contact_with_progress(_page) -> None:
    conversation_open_from_form(
        name="Erika",
        email=EMAIL,
        subject="Frage",
        topic=None,
        text="Wie geht es weiter?",
        consent_version=settings.PRIVACY_POLICY_VERSION,
        notify_progress=True,
    )


def both(page) -> None:
    comment_with_notification(page)
    contact_with_progress(page)


CASES = {
    "comment": (comment_with_notification, {COMMENT}, {CONTACT, MEASURES}),
    "contact": (contact_with_progress, {CONTACT, MEASURES}, {COMMENT, "Ihren Kommentaren"}),
    "both": (both, {COMMENT, CONTACT, MEASURES}, set()),
}


def text_of(response) -> str:
    main = lxml.html.fromstring(response.content.decode()).xpath("//main")[0]
    return " ".join(main.text_content().split())


@pytest.mark.parametrize("case", CASES)
def test_the_opt_in_mail_says_what_the_address_was_given_for(
    case, page, django_capture_on_commit_callbacks, run_tasks
):
    given, said, not_said = CASES[case]
    run_mail(django_capture_on_commit_callbacks, run_tasks, lambda: given(page))
    confirmations = [m for m in mail.outbox if "adresse-bestaetigen" in m.body]
    body = " ".join(confirmations[-1].body.split())
    assert all(words in body for words in said), body
    assert not any(words in body for words in not_said), body


# On the pages: (words each page says, words it must not say).
PAGE_CASES = {
    "comment": ({"Ihren Kommentaren"}, {"Kontaktformular", "Maßnahme"}),
    "contact": ({"Maßnahme", "Kontaktformular"}, {"Kommentar"}),
    "both": ({"Ihren Kommentaren", "Maßnahme"}, set()),
}


@pytest.mark.parametrize("case", CASES)
def test_the_confirmation_and_unsubscribe_pages_say_it_too(case, page, client):
    CASES[case][0](page)
    said, not_said = PAGE_CASES[case]
    url = reverse("feedback:address_confirm", args=[services.confirmation_token(EMAIL)])
    pages = [client.get(url), client.post(url)]
    address = ConfirmedAddress.objects.get(email=EMAIL)
    unsubscribe = reverse("feedback:unsubscribe", args=[address.unsubscribe_token])
    pages += [client.get(unsubscribe), client.post(unsubscribe)]
    for response in pages:
        assert response.status_code == 200
        text = text_of(response)
        assert all(words in text for words in said), text
        assert not any(words in text for words in not_said), text


def test_an_address_whose_requests_are_gone_is_addressed_neutrally(client):
    address = ConfirmedAddress.objects.create(email=EMAIL, confirmed_at="2026-01-01T00:00Z")
    text = text_of(client.get(reverse("feedback:unsubscribe", args=[address.unsubscribe_token])))
    assert f"Keine Benachrichtigungen mehr an {EMAIL} schicken?" in text
