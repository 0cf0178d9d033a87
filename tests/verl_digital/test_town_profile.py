"""Another town's profile is what the site says: pages, feeds, calendar, open data, the
admin, allauth's mails and the authenticator apps. Nothing of Verl is left."""

import json

import icalendar
import pytest
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from django.core import mail
from django.core.management import call_command

from strategy.town import town_brand
from tests.feedback.factories import UserFactory, signed_in
from tests.strategy.factories import MUSTERSTADT, EventFactory, TownProfileFactory
from verl_digital.accounts.roles import ADMINISTRATION

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def musterstadt():
    return TownProfileFactory(**MUSTERSTADT)


def test_header_footer_title_and_description_name_the_town(client):
    html = client.get("/").content.decode()
    assert " – Stadt Musterstadt</title>" in html
    assert "Der Digitalisierungsbeauftragte (CDO) der Stadt Musterstadt:" in html
    assert '<span class="brand-town">Stadt Musterstadt</span>' in html
    assert "Stadt Musterstadt – Stabsstelle Digitalisierung · Erika Mustermann" in html
    assert "Marktplatz 7 · 80331 Musterstadt" in html
    assert 'href="mailto:cdo@musterstadt.example"' in html
    assert "Verl" not in html


def test_the_stylesheet_has_the_towns_colours(client):
    brand = town_brand()
    css = client.get(f"/marke.css?v={brand.version}").content.decode()
    assert "--c-brand: #1a5e20;" in css
    assert "--c-accent: #8e2472;" in css


def test_feeds_calendar_and_open_data_name_the_town(client):
    EventFactory()
    feed = client.get("/neuigkeiten/feed/").content.decode()
    assert "<title>Neuigkeiten – Digitalisierung in Musterstadt</title>" in feed
    assert "<name>Stadt Musterstadt – Stabsstelle Digitalisierung</name>" in feed
    calendar = icalendar.Calendar.from_ical(client.get("/dialog/kalender.ics").content)
    assert calendar["prodid"] == "-//Stadt Musterstadt//Digitalisierung//DE"
    assert calendar["x-wr-calname"] == "Dialogangebote – Stadt Musterstadt"
    data = client.get("/strategie/daten.json").json()
    assert data["herausgeber"] == "Stadt Musterstadt – Stabsstelle Digitalisierung"
    assert "Stadt Musterstadt" in data["titel"]
    schema = json.loads(client.get("/strategie/daten.schema.json").content)
    assert schema["$id"] == "http://testserver/strategie/daten.schema.json"
    csv = client.get("/strategie/daten.csv")
    assert 'filename="musterstadt-strategie-massnahmen.csv"' in csv["Content-Disposition"]
    moderation = client.get("/transparenz/moderation.json").json()
    assert moderation["herausgeber"] == "Stadt Musterstadt – Stabsstelle Digitalisierung"
    for body in (feed, json.dumps(data), json.dumps(moderation), json.dumps(schema)):
        assert "Verl" not in body


def test_the_admin_names_the_town():
    call_command("setup_roles", verbosity=0)
    html = signed_in(UserFactory(groups=[ADMINISTRATION])).get("/admin/").content.decode()
    assert "<title>Inhalte und Rückmeldungen | Stadt Musterstadt – Digitalisierung</title>" in html
    assert "Stadt Musterstadt – Digitalisierung – Verwaltung" in html


def test_allauths_mails_come_from_the_town(client, run_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/konto/signup/",
            {
                "email": "neu@example.org",
                "username": "neu",
                "password1": "ein-langes-Passwort-42",
                "password2": "ein-langes-Passwort-42",
                "privacy_consent": "on",
            },
        )
    run_tasks()
    [message] = mail.outbox
    assert message.from_email == "Stadt Musterstadt <digital@musterstadt.example>"
    assert message.subject.startswith("[Stadt Musterstadt] ")
    assert "„Digitalisierung in Musterstadt“ der Stadt Musterstadt" in message.body
    assert "Verl" not in message.subject + message.body


def test_authenticator_apps_list_the_town():
    assert get_mfa_adapter().get_totp_issuer() == "Stadt Musterstadt"


def test_a_town_variable_left_in_the_environment_is_warned_about(monkeypatch):
    from verl_digital.checks import town_variables_unset

    monkeypatch.delenv("CDO_EMAIL", raising=False)
    assert town_variables_unset() == []
    monkeypatch.setenv("CDO_EMAIL", "digitalisierung@example.org")
    [warning] = town_variables_unset()
    assert warning.id == "verl_digital.W003"
    assert "CDO_EMAIL" in warning.msg
    assert "town profile" in warning.msg
