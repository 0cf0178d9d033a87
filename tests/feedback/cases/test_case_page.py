"""The case page through its public surface: link, content, headers, 404/410, rating."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from feedback.cases.links import case_token, case_url
from feedback.comments import services as comment_services
from feedback.inbox.services import conversation_answer, conversation_open_from_form
from feedback.models import Case, CaseStatus, ConfirmedAddress
from feedback.privacy.erasure import personal_data_purge
from tests.feedback.factories import ConfirmedAddressFactory

pytestmark = pytest.mark.django_db

SECRET_TEXT = "Die Laterne vor Hausnummer 17 ist seit Wochen kaputt."


def open_case(topic=None, email="erika@example.org"):
    conversation = conversation_open_from_form(
        name="Erika Mustermann",
        email=email,
        subject="Straßenlaterne",
        topic=topic,
        text=SECRET_TEXT,
        consent_version="2026-01",
    )
    return conversation, conversation.case


def test_the_contact_form_leads_to_the_case_page_and_the_receipt_carries_the_link(
    client, django_capture_on_commit_callbacks, run_tasks
):
    from tests.feedback.factories import TopicFactory
    from tests.feedback.test_views_contact import valid_data

    data = valid_data(TopicFactory(name="Allgemein"), text=SECRET_TEXT)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("feedback:contact"), data, follow=True)
    run_tasks()
    case = Case.objects.get()
    url = case_url(case)
    assert url in response.content.decode()
    assert response.headers["Cache-Control"] == "private, no-store"
    (receipt,) = mail.outbox
    assert url in receipt.body
    assert SECRET_TEXT not in receipt.body


def test_the_page_shows_the_case_and_never_the_sender(client):
    _conversation, case = open_case()
    response = client.get(case_url(case))
    body = response.content.decode()
    assert response.status_code == 200
    assert case.reference in body
    assert "eingegangen" in body
    assert "Antwort vorgesehen bis" in body
    for private in ["Erika", "Mustermann", "erika@example.org", SECRET_TEXT, "Straßenlaterne"]:
        assert private not in body


def test_headers_keep_the_page_private(client):
    _conversation, case = open_case()
    response = client.get(case_url(case))
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_a_forged_or_guessed_link_is_a_404(client):
    _conversation, case = open_case()
    token = case_token(case)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert client.get(reverse("feedback:case", kwargs={"token": forged})).status_code == 404
    other = f"{case.pk + 1}:{token.split(':', 1)[1]}"
    assert client.get(reverse("feedback:case", kwargs={"token": other})).status_code == 404
    assert client.get(f"/vorgang/{case.reference}/").status_code == 404


def test_a_purged_case_answers_410_in_german(client):
    _conversation, case = open_case()
    old = timezone.now() + timedelta(days=800)
    personal_data_purge(now=old)
    case.refresh_from_db()
    assert case.purged_at is not None
    assert case.conversation is None
    response = client.get(case_url(case))
    assert response.status_code == 410
    assert "Daten zu diesem Anliegen sind gelöscht" in response.content.decode()


def test_an_answer_is_shown_by_date_not_text_and_can_be_rated_once(client, moderator):
    conversation, case = open_case()
    conversation_answer(conversation=conversation, author=moderator, text="Wird repariert.")
    url = case_url(case)
    body = client.get(url).content.decode()
    assert "beantwortet" in body
    assert "per E-Mail geantwortet" in body
    assert "Wird repariert." not in body
    assert "War diese Antwort hilfreich?" in body

    response = client.post(url, {"helpful": "ja"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.helpful is True
    assert "Vielen Dank für Ihre Bewertung" in client.get(response["Location"]).content.decode()

    again = client.post(url, {"helpful": "nein"})
    assert again.status_code == 400
    assert "bereits bewertet" in again.content.decode()
    case.refresh_from_db()
    assert case.helpful is True


def test_rating_needs_an_answer_and_a_valid_choice(client):
    _conversation, case = open_case()
    url = case_url(case)
    assert "War diese Antwort hilfreich?" not in client.get(url).content.decode()
    response = client.post(url, {"helpful": "ja"})
    assert response.status_code == 400
    assert "erst möglich, wenn wir Ihnen geantwortet haben" in response.content.decode()
    assert client.post(url, {"helpful": "vielleicht"}).status_code == 400


def test_rating_requires_csrf(moderator):
    from django.test import Client

    conversation, case = open_case()
    conversation_answer(conversation=conversation, author=moderator, text="Antwort")
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(case_url(case), {"helpful": "ja"}).status_code == 403


def test_a_comment_case_shows_the_public_comment_and_answer_never_the_author(
    client, page, moderator, django_capture_on_commit_callbacks, run_tasks
):
    ConfirmedAddressFactory(email="anna@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_services.comment_submit(
            target=page,
            author_name="Anna Beispiel",
            author_email="anna@example.org",
            text="Bitte mehr WLAN im Rathaus.",
            notify=True,
        )
    run_tasks()
    case = comment.case
    (received,) = mail.outbox
    assert case_url(case) in received.body
    body = client.get(case_url(case)).content.decode()
    assert "Bitte mehr WLAN" not in body  # not public yet
    assert "Prüfung vorgesehen bis" in body
    comment_services.comment_approve(comment=comment, moderator=moderator)
    comment_services.comment_answer(comment=comment, staff=moderator, text="Kommt 2027.")
    body = client.get(case_url(case)).content.decode()
    assert "Bitte mehr WLAN im Rathaus." in body
    assert "Kommt 2027." in body
    assert "Auskunft gegeben" in body
    for private in ["Anna", "Beispiel", "anna@example.org"]:
        assert private not in body
    assert ConfirmedAddress.objects.count() == 1


def test_replies_open_no_case(page, moderator):
    comment = comment_services.comment_submit(target=page, author_name="A", text="Eins")
    comment = comment_services.comment_approve(comment=comment, moderator=moderator)
    reply = comment_services.comment_submit(
        target=page, author_name="B", text="Zwei", parent=comment
    )
    assert Case.objects.filter(comment=reply).count() == 0
    assert Case.objects.get().comment == comment
    assert Case.objects.get().status == CaseStatus.IN_PROGRESS


def test_the_case_page_query_count_is_pinned(client, django_assert_num_queries):
    _conversation, case = open_case()
    url = case_url(case)
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200


def test_a_comment_case_page_query_count_is_pinned(
    client, page, moderator, django_assert_num_queries
):
    comment = comment_services.comment_submit(target=page, author_name="A", text="Mehr WLAN")
    url = case_url(comment.case)
    with django_assert_num_queries(2):  # the case with its comment; the decision against it
        assert client.get(url).status_code == 200
    comment_services.comment_approve(comment=comment, moderator=moderator)
    comment_services.comment_answer(comment=comment, staff=moderator, text="Kommt 2027.")
    with django_assert_num_queries(3):  # and the town's answer
        assert "Kommt 2027." in client.get(url).content.decode()


def test_the_responsible_team_is_named_in_the_page_language(client):
    from django.utils import translation

    from tests.feedback.factories import TopicFactory

    _conversation, case = open_case(topic=TopicFactory(name="Allgemeines", name_en="General"))
    assert "Allgemeines" in client.get(case_url(case)).content.decode()
    with translation.override("en"):
        url = case_url(case)
    assert url.startswith("/en/")
    body = client.get(url).content.decode()
    assert "General" in body
    assert "Allgemeines" not in body
