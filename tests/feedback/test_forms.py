import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser, User

from feedback.captcha import challenge_new
from feedback.forms import SpamProtectionMixin
from tests.feedback.factories import solved_captcha


class ProbeForm(SpamProtectionMixin):
    text = forms.CharField(label="Text")


@pytest.mark.django_db
def test_guests_must_solve_the_captcha():
    form = ProbeForm(data={"text": "Hallo"}, user=AnonymousUser())
    assert "captcha" in form.fields
    assert not form.is_valid()
    assert "captcha" in form.errors

    form = ProbeForm(data={"text": "Hallo", **solved_captcha()}, user=AnonymousUser())
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_a_wrong_captcha_answer_gets_a_german_message():
    key = challenge_new().key
    form = ProbeForm(data={"text": "x", "captcha_0": key, "captcha_1": "falsch"})
    assert not form.is_valid()
    assert form.errors["captcha"] == [
        "Das Ergebnis stimmt nicht. Bitte beantworten Sie die neue Rechenfrage."
    ]


def test_signed_in_users_see_no_captcha():
    form = ProbeForm(data={"text": "Hallo"}, user=User(username="u"))
    assert "captcha" not in form.fields
    assert form.is_valid()


def test_a_filled_honeypot_is_refused():
    form = ProbeForm(data={"text": "Hallo", "homepage": "http://spam"}, user=User(username="u"))
    assert not form.is_valid()
    assert form.honeypot_filled
    assert form.errors["homepage"] == ["Dieses Feld muss leer bleiben."]


@pytest.mark.django_db
def test_names_and_subjects_are_one_line_and_not_only_control_characters():
    from feedback.forms import ContactForm

    data = {
        "name": "Erika\r\nMustermann\x07",
        "email": "erika@example.org",
        "subject": "\x1b\r\n\t",
        "text": "Guten Tag",
        "consent": "on",
    }
    form = ContactForm(data, user=User.objects.create_user("erika"))
    assert not form.is_valid()
    assert form.cleaned_data["name"] == "Erika Mustermann"
    assert form.errors["subject"] == ["Bitte geben Sie einen Betreff an."]


def test_without_the_captcha_switch_guests_see_none_but_the_honeypot_stays(settings):
    settings.FORM_CAPTCHA_ENABLED = False  # only the load test and benchmark settings do this
    form = ProbeForm(data={"text": "Hallo"}, user=AnonymousUser())
    assert "captcha" not in form.fields
    assert form.is_valid()
    assert not ProbeForm(data={"text": "x", "homepage": "spam"}).is_valid()
