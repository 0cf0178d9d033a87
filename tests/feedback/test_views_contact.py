import re
from html import unescape

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from feedback.models import Channel, Conversation
from tests.feedback.factories import TopicFactory, solved_captcha

pytestmark = pytest.mark.django_db

URL = "/kontakt/"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def topic():
    return TopicFactory(name="Digitale Verwaltung")


def valid_data(chosen, **changes) -> dict[str, str]:
    data = {
        "name": "Erika Mustermann",
        "email": "erika@example.org",
        "topic": str(chosen.pk),
        "subject": "Online-Termin im Bürgerbüro",
        "text": "Kann man Termine bald online buchen?",
        "consent": "on",
        "homepage": "",
        **solved_captcha(),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_form_has_a_visible_german_label_for_every_field(client, topic):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    for field_id, label in [
        ("id_name", "Ihr Name"),
        ("id_email", "Ihre E-Mail-Adresse"),
        ("id_topic", "Thema"),
        ("id_subject", "Betreff"),
        ("id_text", "Ihre Nachricht"),
        ("id_notify_progress", "Über Fortschritte informieren"),
        ("id_consent", "Ich habe die Datenschutzerklärung gelesen"),
    ]:
        assert re.search(rf'<label for="{field_id}">{label}', html), field_id
    assert "Digitale Verwaltung" in html
    assert 'name="captcha_1"' in html
    assert 'aria-current="page">Kontakt<' in html


def test_signed_in_staff_see_no_captcha(admin_client, topic):
    assert 'name="captcha_1"' not in admin_client.get(URL).content.decode()


def test_a_valid_message_opens_a_conversation_and_shows_its_reference(
    client, topic, django_capture_on_commit_callbacks, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, valid_data(topic))
    assert response.status_code == 302
    assert response["Location"].startswith("/kontakt/gesendet/")
    conversation = Conversation.objects.get()
    assert conversation.channel == Channel.FORM
    assert conversation.topic == topic
    assert conversation.consent_version == "2026-01"
    assert not conversation.notify_progress

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert re.fullmatch(r"VERL-\d{4}-\d{6}", conversation.reference)
    assert conversation.reference in page.content.decode()

    run_tasks()
    [confirmation] = mail.outbox
    assert confirmation.to == ["erika@example.org"]
    assert conversation.reference in confirmation.body
    assert "Termine" not in confirmation.body


def test_the_thanks_page_with_a_forged_token_leads_back_to_the_form(client):
    response = client.get(reverse("feedback:contact_sent", args=["VERL-2026-000001"]))
    assert response.status_code == 302
    assert response["Location"] == URL


def test_errors_are_400_with_a_linked_summary_and_keep_what_was_typed(client, topic):
    data = valid_data(topic, email="keine-adresse", consent=None, text="x" * 10_001)
    response = client.post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert 'href="#id_email"' in summary
    assert 'href="#id_consent"' in summary
    assert 'href="#id_text"' in summary
    assert "höchstens 10000 Zeichen" in unescape(summary)
    assert re.search(
        r'<input type="email" name="email" value="keine-adresse"[^>]*aria-invalid="true"', html
    )
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert 'value="Online-Termin im Bürgerbüro"' in unescape(html)
    assert "<title>Fehler:" in html
    assert Conversation.objects.count() == 0


def test_a_wrong_captcha_and_a_filled_honeypot_are_refused(client, topic):
    response = client.post(URL, valid_data(topic, captcha_1="falsch"))
    assert response.status_code == 400
    assert "Das Ergebnis stimmt nicht." in response.content.decode()
    response = client.post(URL, valid_data(topic, homepage="http://spam.example"))
    assert response.status_code == 400
    assert Conversation.objects.count() == 0


def test_an_unknown_or_hidden_topic_is_refused(client, topic):
    hidden = TopicFactory(is_active=False)
    response = client.post(URL, valid_data(topic, topic=str(hidden.pk)))
    assert response.status_code == 400
    assert "Bitte wählen Sie ein Thema aus der Liste." in response.content.decode()


def test_too_many_messages_get_429_and_keep_the_text(client, topic, settings):
    settings.CONTACT_LIMIT_PER_HOUR = 2
    for _ in range(2):
        assert client.post(URL, valid_data(topic)).status_code == 302
    response = client.post(URL, valid_data(topic, text="Mein dritter, langer Text"))
    assert response.status_code == 429
    html = response.content.decode()
    assert "sehr viele Nachrichten" in html
    assert "Mein dritter, langer Text" in html
    assert Conversation.objects.count() == 2


def test_the_cdo_page_links_the_contact_form(client, verl_content):
    html = client.get("/").content.decode()
    assert re.search(r'über unser <a href="/kontakt/"[^>]*>Kontaktformular</a> oder', html)


def test_without_any_topic_the_form_still_works(client):
    hidden = TopicFactory(is_active=False)
    assert 'name="topic"' not in client.get(URL).content.decode()
    data = valid_data(hidden)
    del data["topic"]
    assert client.post(URL, data).status_code == 302
    assert Conversation.objects.get().topic is None


def test_progress_updates_are_opt_in_and_need_a_confirmed_address(
    client, topic, django_capture_on_commit_callbacks, run_tasks
):
    html = client.get(URL).content.decode()
    checkbox = re.search(r'<input type="checkbox" name="notify_progress"[^>]*>', html).group(0)
    assert "checked" not in checkbox
    assert 'aria-describedby="id_notify_progress_helptext"' in checkbox
    assert 'id="id_notify_progress_helptext"' in html  # the help text it points to exists

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, valid_data(topic, notify_progress="on"))
    assert response.status_code == 302
    assert Conversation.objects.get().notify_progress
    run_tasks()
    _receipt, confirmation = mail.outbox
    assert confirmation.to == ["erika@example.org"]
    assert "/kommentare/adresse-bestaetigen/" in confirmation.body
    assert "Termine" not in confirmation.body  # nothing the sender typed


def test_a_link_preselects_the_topic_barriere_melden(client, topic):
    barrier = TopicFactory(name="Barriere melden")
    html = client.get(URL, {"thema": "barriere-melden"}).content.decode()
    assert re.search(rf'<option value="{barrier.pk}" selected>Barriere melden</option>', html)
    html = client.get(URL, {"thema": "gibt-es-nicht"}).content.decode()
    assert " selected>" not in html.split('name="topic"')[1].split("</select>")[0].replace(
        '<option value="" selected>', ""
    )
    barrier.is_active = False
    barrier.save()
    html = client.get(URL, {"thema": "barriere-melden"}).content.decode()
    assert f'<option value="{barrier.pk}"' not in html
